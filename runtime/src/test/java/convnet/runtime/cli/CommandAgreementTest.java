package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.runtime.cli.Cli.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Commands agree with each other on the same input: same status, same kind of message. */
class CommandAgreementTest {
  static final String NET = """
      network tiny {
          input 1x28x28
          2F5x5C - Rabs - PA4x4
          logistic 10
          train {
              epochs = 1
              batch = 16
          }
      }
      """;

  @TempDir Path dir;

  private List<String> argsFor(String command, String batch) throws IOException {
    Path net = Cli.write(dir, "tiny.cnn", NET);
    List<String> a = new ArrayList<>(List.of(command, net.toString(), "--batch", batch));
    switch (command) {
      case "eval" -> {
        Path w = dir.resolve("w.npz");
        assertEquals(0, Cli.run("init", net, "--out", w).status());
        a.addAll(List.of("--weights", w.toString(), "--data", "fashion-mnist-subset", "--backend", "interpreted"));
      }
      case "train" -> a.addAll(List.of("--data", "fashion-mnist-subset", "--backend", "interpreted",
          "--limit-train", "32", "--limit-test", "16", "--out", dir.resolve("run").toString()));
      case "bench" -> a.addAll(List.of("--no-ceiling", "--backend", "interpreted"));
      default -> { }
    }
    return a;
  }

  @ParameterizedTest
  @ValueSource(strings = {"train", "eval", "graph", "compile", "bench"})
  void oversizedBatchIsBadUsageNamingTheFlagInEveryCommand(String command) throws IOException {
    Run r = Cli.run(argsFor(command, "2000000000").toArray());
    assertEquals(2, r.status(), r.toString());
    assertTrue(r.err().contains("--batch 2000000000 is too large") && r.err().contains("largest batch is"),
        r.toString());
    CliRobustnessTest.assertClean(r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"train", "eval", "graph", "compile", "bench"})
  void zeroBatchIsBadUsageNamingTheFlagInEveryCommand(String command) throws IOException {
    Run r = Cli.run(argsFor(command, "0").toArray());
    assertEquals(2, r.status(), r.toString());
    assertTrue(r.err().contains("--batch must be at least 1"), r.toString());
    CliRobustnessTest.assertClean(r);
  }
}
