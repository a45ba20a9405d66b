package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reading and (with -Dgolden.update=true) rewriting golden files. */
final class GoldenFiles {
  private GoldenFiles() {}

  static Path moduleDir() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  }

  static Path goldenDir() {
    return moduleDir().resolve("src/test/resources/golden");
  }

  static Path examplesDir() {
    return moduleDir().resolveSibling("examples");
  }

  static boolean updating() {
    return Boolean.getBoolean("golden.update");
  }

  static List<Path> cnnFiles(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".cnn")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compares {@code actual} with the golden file, or rewrites the file in update mode. */
  static void check(Path golden, String actual) {
    try {
      if (updating()) {
        Files.createDirectories(golden.getParent());
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
        return;
      }
      if (!Files.exists(golden)) {
        throw new AssertionError(
            "missing golden file " + golden + "; run with -Dgolden.update=true and review it");
      }
      assertEquals(
          Files.readString(golden, StandardCharsets.UTF_8),
          actual,
          "golden file " + golden.getFileName());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
