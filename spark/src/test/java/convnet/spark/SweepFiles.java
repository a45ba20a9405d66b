package convnet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.runtime.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Runs convnet sweep in this JVM and reads a sweep folder's results for comparison. */
final class SweepFiles {
  static final Path QUICK = Path.of("..", "examples", "sweeps", "quick.cnn");

  private SweepFiles() {}

  /** Runs {@code convnet args...} and fails with its output unless it exits 0. */
  static String convnet(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(
        0,
        status,
        () -> "convnet " + String.join(" ", args) + "\nstdout:\n" + out + "\nstderr:\n" + err);
    return out.toString();
  }

  /**
   * results.csv without its last column (seconds, the one field that differs between equal runs).
   */
  static String resultsWithoutSeconds(Path sweep) throws IOException {
    List<String> lines = Files.readAllLines(sweep.resolve("results.csv"));
    assertEquals("seconds", lines.get(0).substring(lines.get(0).lastIndexOf(',') + 1));
    return lines.stream()
        .map(l -> l.substring(0, l.lastIndexOf(',')))
        .collect(Collectors.joining("\n"));
  }

  /** The files whose bytes must agree between two runs of one sweep. */
  static void assertSameResults(Path expected, Path actual) throws IOException {
    assertEquals(resultsWithoutSeconds(expected), resultsWithoutSeconds(actual));
    for (String f : Arrays.asList("table.md", "table.csv")) {
      assertEquals(Files.readString(expected.resolve(f)), Files.readString(actual.resolve(f)), f);
    }
  }
}
