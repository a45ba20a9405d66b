package convnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public Java API is the packages named {@code convnet.<module>.api}; every other project
 * package is internal. Example programs (and the tests written as a user would) may use only public
 * packages, and the API's public signatures may mention only public packages and the JDK.
 */
class ApiArchitectureTest {
  static final List<String> API_PACKAGES = List.of("convnet.runtime.api", "convnet.onnx.api");
  private static final Pattern PROJECT_NAME =
      Pattern.compile("\\bconvnet(\\.[a-z_][a-z0-9_]*)+\\.[A-Za-z_]\\w*");

  static boolean isPublicPackage(String typeName) {
    return API_PACKAGES.stream().anyMatch(p -> typeName.startsWith(p + "."));
  }

  /**
   * The example sources: the programs, and the tests that show how to use the API (not the checks
   * of the .cnn files).
   */
  static List<Path> exampleSources() throws IOException {
    Path module = ExamplesTest.dir();
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(module.resolve("src/main/java"))) {
      s.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
    }
    for (String test : List.of("ApiTest", "CustomFunctionGradientTest", "ExampleProgramsTest")) {
      out.add(module.resolve("src/test/java/convnet/examples/" + test + ".java"));
    }
    return out;
  }

  @Test
  void examplesUseOnlyPublicPackages() throws IOException {
    List<String> problems = new ArrayList<>();
    List<Path> sources = exampleSources();
    assertTrue(sources.size() >= 5, "examples not found: " + sources);
    for (Path file : sources) {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.startsWith("package ")
            || line.startsWith("//")
            || line.startsWith("*")
            || line.startsWith("/**")) {
          continue;
        }
        for (String name : internalNames(line)) {
          problems.add(file.getFileName() + ":" + (i + 1) + ": " + name);
        }
      }
    }
    assertTrue(
        problems.isEmpty(),
        "examples reach into internal packages:\n" + String.join("\n", problems));
  }

  /**
   * The project names on a line of code that are neither in a public package nor the examples' own.
   */
  static List<String> internalNames(String line) {
    List<String> out = new ArrayList<>();
    Matcher m = PROJECT_NAME.matcher(line);
    while (m.find()) {
      if (!isPublicPackage(m.group()) && !m.group().startsWith("convnet.examples.")) {
        out.add(m.group());
      }
    }
    return out;
  }

  @Test
  void theSourceScanCatchesAnInternalName() {
    assertTrue(internalNames("import convnet.runtime.api.ConvNet;").isEmpty());
    assertTrue(internalNames("import static convnet.onnx.api.OnnxExport.export;").isEmpty());
    assertEquals(
        List.of("convnet.runtime.model.NetworkModel"),
        internalNames("import convnet.runtime.model.NetworkModel;"));
    assertEquals(
        List.of("convnet.autodiff.Tensor"),
        internalNames("var t = convnet.autodiff.Tensor.zeros(s);"));
  }

  @Test
  void apiSignaturesMentionOnlyPublicPackagesAndTheJdk() throws Exception {
    List<Class<?>> types = apiTypes();
    assertTrue(types.size() >= 10, "API types not found: " + types);
    List<String> problems = new ArrayList<>();
    for (Class<?> c : types) {
      if (!Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      check(c.getName() + " extends", c.getGenericSuperclass(), problems);
      for (Type t : c.getGenericInterfaces()) {
        check(c.getName() + " implements", t, problems);
      }
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()) {
          String where = c.getName() + "." + m.getName();
          check(where + " returns", m.getGenericReturnType(), problems);
          for (Type p : m.getGenericParameterTypes()) {
            check(where + " takes", p, problems);
          }
          for (Type e : m.getGenericExceptionTypes()) {
            check(where + " throws", e, problems);
          }
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (Modifier.isPublic(k.getModifiers())) {
          for (Type p : k.getGenericParameterTypes()) {
            check(c.getName() + "(...) takes", p, problems);
          }
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers())) {
          check(c.getName() + "." + f.getName(), f.getGenericType(), problems);
        }
      }
      if (c.isRecord()) {
        for (RecordComponent r : c.getRecordComponents()) {
          check(c.getName() + "." + r.getName(), r.getGenericType(), problems);
        }
      }
    }
    assertTrue(
        problems.isEmpty(),
        "API signatures reach into internal packages:\n" + String.join("\n", problems));
  }

  @Test
  void theCheckCatchesAnInternalType() {
    List<String> problems = new ArrayList<>();
    check("probe", List.class, problems);
    assertTrue(problems.isEmpty());
    check("probe", ExamplesTest.class, problems);
    assertFalse(problems.isEmpty(), "a convnet type outside the api packages must be reported");
  }

  private static void check(String where, Type t, List<String> problems) {
    if (t == null) {
      return;
    }
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String n = c.getName();
      boolean ok = c.isPrimitive() || n.startsWith("java.") || isPublicPackage(n);
      if (!ok) {
        problems.add(where + " " + n);
      }
    } else if (t instanceof ParameterizedType p) {
      check(where, p.getRawType(), problems);
      for (Type a : p.getActualTypeArguments()) {
        check(where, a, problems);
      }
    } else if (t instanceof GenericArrayType g) {
      check(where, g.getGenericComponentType(), problems);
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        check(where, b, problems);
      }
      for (Type b : w.getLowerBounds()) {
        check(where, b, problems);
      }
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        check(where, b, problems);
      }
    }
  }

  /** Every class of the API packages on the class path, nested ones included. */
  static List<Class<?>> apiTypes() throws IOException, URISyntaxException, ClassNotFoundException {
    List<Class<?>> out = new ArrayList<>();
    ClassLoader loader = ApiArchitectureTest.class.getClassLoader();
    for (String pkg : API_PACKAGES) {
      String dir = pkg.replace('.', '/');
      for (URL url : Collections.list(loader.getResources(dir))) {
        List<String> names = new ArrayList<>();
        if (url.getProtocol().equals("file")) {
          try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            s.map(p -> p.getFileName().toString()).forEach(names::add);
          }
        } else if (url.getProtocol().equals("jar")) {
          String jar = url.getPath().substring("file:".length(), url.getPath().indexOf('!'));
          try (var z =
              new java.util.zip.ZipFile(
                  java.net.URLDecoder.decode(jar, java.nio.charset.StandardCharsets.UTF_8))) {
            z.stream()
                .map(java.util.zip.ZipEntry::getName)
                .filter(n -> n.startsWith(dir + "/") && n.indexOf('/', dir.length() + 1) < 0)
                .map(n -> n.substring(dir.length() + 1))
                .forEach(names::add);
          }
        }
        for (String n : names) {
          if (n.endsWith(".class") && !n.equals("package-info.class")) {
            out.add(
                Class.forName(
                    pkg + "." + n.substring(0, n.length() - ".class".length()), false, loader));
          }
        }
      }
    }
    return out;
  }
}
