package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** autodiff depends on no other project module, and its main code leaves no TODO behind. */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java");

  @Test
  void mainSourcesImportNoOtherModule() throws IOException {
    assertTrue(Files.isDirectory(MAIN), "run from the module folder");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(MAIN)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(
                  p -> {
                    try {
                      String s = Files.readString(p);
                      return s.contains("convnet.runtime")
                          || s.contains("convnet.compiler")
                          || s.contains("convnet.dsl")
                          || s.contains("TODO")
                          || s.contains("FIXME")
                          || s.contains("org.antlr")
                          || s.contains("org.objectweb");
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .map(Path::toString)
              .toList();
    }
    assertEquals(List.of(), offenders);
  }
}
