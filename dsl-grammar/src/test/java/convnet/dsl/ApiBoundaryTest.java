package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No ANTLR type leaves the parser package: the public API speaks only of the project's own types.
 */
class ApiBoundaryTest {

  private static List<Class<?>> publicClasses(String pkg)
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path root =
        Path.of(DslParser.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> result = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve(pkg.replace('.', '/')), 1)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = pkg + "." + f.getFileName().toString().replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, ApiBoundaryTest.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers())) {
          result.add(c);
        }
      }
    }
    return result;
  }

  @Test
  void publicSignaturesMentionNoAntlrType() throws Exception {
    List<Class<?>> api = new ArrayList<>(publicClasses("convnet.dsl"));
    api.add(convnet.dsl.parser.Parsing.class);
    assertTrue(api.size() > 20, "found " + api.size() + " public classes");
    for (Class<?> c : api) {
      for (Method m : c.getMethods()) {
        if (!Modifier.isPublic(m.getModifiers())) {
          continue;
        }
        String signature = m.toGenericString();
        assertFalse(signature.contains("org.antlr"), c.getName() + ": " + signature);
      }
      assertFalse(
          c.getSuperclass() != null && c.getSuperclass().getName().startsWith("org.antlr"),
          c.getName());
    }
  }

  @Test
  void theAstBuilderIsNotPublic() throws Exception {
    Class<?> builder = Class.forName("convnet.dsl.parser.AstBuilder");
    assertFalse(Modifier.isPublic(builder.getModifiers()));
  }
}
