package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command that takes {@code --backend} refuses an unknown word as bad usage, before reading
 * anything, in its own established wording.
 */
class BackendFlagTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"train", "pretrain", "eval", "deconv", "forward"})
  void anUnknownBackendIsBadUsage(String command) throws IOException {
    Path net = Cli.write(dir, "tiny.cnn", Cli.tinyNetwork(4));
    String missing = dir.resolve("missing.npz").toString();
    String out = dir.resolve("out").toString();
    List<String> args = new ArrayList<>(List.of(command, net.toString()));
    String expected =
        switch (command) {
          case "train", "pretrain" -> {
            args.addAll(List.of("--out", out));
            yield "--backend must be compiled or interpreted, not 'gpu'";
          }
          case "eval" -> {
            args.addAll(List.of("--weights", missing));
            yield "--backend gpu: expected compiled or interpreted";
          }
          case "deconv" -> {
            args.addAll(List.of(missing, "--layer", "L1", "--out", out + ".png"));
            yield "--backend gpu: expected compiled or interpreted";
          }
          default -> {
            args.addAll(List.of("--weights", missing, "--input", missing, "--out", out + ".npz"));
            yield "--backend must be interpreted or compiled, not 'gpu'";
          }
        };
    args.addAll(List.of("--backend", "gpu"));
    Cli.Run r = Cli.run(args.toArray());
    assertEquals(2, r.status(), r::toString);
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(Path.of(out)) || Files.exists(Path.of(out + ".png")));
  }
}
