package convnet.runtime.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the command line in-process and captures what it prints. */
final class Cli {
  private Cli() {}

  /** Exit status and the two streams. */
  record Run(int status, String out, String err) {
    @Override
    public String toString() {
      return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /**
   * A network small enough for one-epoch runs in tests, on 28x28 images, with a train block of one
   * epoch and batches of {@code batch} images.
   */
  static String tinyNetwork(int batch) {
    return """
        network tiny {
            input 1x28x28
            2F5x5C - Rabs - PA4x4
            logistic 10
            train {
                epochs = 1
                batch = %d
            }
        }
        """
        .formatted(batch);
  }

  static Run run(Object... args) {
    String[] a = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      a[i] = args[i].toString();
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(a, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  /** The examples folder of the project (tests run in the module's folder). */
  static Path examples() {
    Path p = Path.of("..", "examples").toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("examples folder not found at " + p);
    }
    return p;
  }
}
