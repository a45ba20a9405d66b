package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.Npy;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.runtime.cli.Cli.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Commands agree with each other on the same input: same status, same kind of message. */
class CommandAgreementTest {
  static final String NET = Cli.tinyNetwork(16);

  @TempDir Path dir;

  private List<String> argsFor(String command, String batch) throws IOException {
    Path net = Cli.write(dir, "tiny.cnn", NET);
    List<String> a = new ArrayList<>(List.of(command, net.toString(), "--batch", batch));
    switch (command) {
      case "eval" -> {
        Path w = dir.resolve("w.npz");
        assertEquals(0, Cli.run("init", net, "--out", w).status());
        a.addAll(
            List.of(
                "--weights",
                w.toString(),
                "--data",
                "fashion-mnist-subset",
                "--backend",
                "interpreted"));
      }
      case "train" ->
          a.addAll(
              List.of(
                  "--data",
                  "fashion-mnist-subset",
                  "--backend",
                  "interpreted",
                  "--limit-train",
                  "32",
                  "--limit-test",
                  "16",
                  "--out",
                  dir.resolve("run").toString()));
      case "bench" -> a.addAll(List.of("--no-ceiling", "--backend", "interpreted"));
      default -> {}
    }
    return a;
  }

  @ParameterizedTest
  @ValueSource(strings = {"train", "eval", "graph", "compile", "bench"})
  void oversizedBatchIsBadUsageNamingTheFlagInEveryCommand(String command) throws IOException {
    Run r = Cli.run(argsFor(command, "2000000000").toArray());
    assertEquals(2, r.status(), r.toString());
    assertTrue(
        r.err().contains("--batch 2000000000 is too large") && r.err().contains("largest batch is"),
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

  static final String FEATURES_ONLY =
      """
      network features {
          input 1x4x4
          Rabs - PA2x2
      }
      """;

  private Path images() throws IOException {
    double[] v = new double[2 * 16];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 5) - 2.5;
    }
    Path x = dir.resolve("x.npy");
    Npy.write(x, Tensor.of(Shape.of(2, 1, 4, 4), v), NpyType.FLOAT32);
    return x;
  }

  @Test
  void initOnAParameterFreeNetworkWritesWeightsThatForwardAccepts() throws IOException {
    Path net = Cli.write(dir, "features.cnn", FEATURES_ONLY);
    Path w = dir.resolve("w.npz");
    Run init = Cli.run("init", net, "--out", w);
    assertEquals(0, init.status(), init.toString());
    assertTrue(init.out().contains("0 arrays, 0 parameters"), init.toString());
    Path x = images();
    Path o = dir.resolve("o.npz");
    Run forward =
        Cli.run(
            "forward", net, "--weights", w, "--input", x, "--out", o, "--backend", "interpreted");
    assertEquals(0, forward.status(), forward.toString());
    Tensor out = Npz.read(o).get("output");
    Tensor in = Npy.read(x);
    assertEquals(Shape.of(2, 1, 2, 2), out.shape());
    // Average of |x| over each 2x2 window, computed here by hand.
    for (int n = 0; n < 2; n++) {
      for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 2; c++) {
          double sum = 0;
          for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
              sum += Math.abs(in.get(n * 16 + (2 * r + i) * 4 + 2 * c + j));
            }
          }
          assertEquals(sum / 4, out.get(n * 4 + r * 2 + c), 1e-6);
        }
      }
    }
  }

  @Test
  void emptyWeightsFileIsStillRefusedForANetworkWithParameters() throws IOException {
    Path features = Cli.write(dir, "features.cnn", FEATURES_ONLY);
    Path w = dir.resolve("w.npz");
    assertEquals(0, Cli.run("init", features, "--out", w).status());
    Path net = Cli.write(dir, "tiny.cnn", NET);
    Path x = dir.resolve("x.npy");
    Npy.write(x, Tensor.zeros(Shape.of(1, 1, 28, 28)), NpyType.FLOAT32);
    Run r = Cli.run("forward", net, "--weights", w, "--input", x, "--out", dir.resolve("o.npz"));
    assertEquals(1, r.status(), r.toString());
    assertTrue(r.err().contains(w.toString()), r.toString());
    CliRobustnessTest.assertClean(r);
  }

  @Test
  void weightsWithArraysAreRefusedForAParameterFreeNetworkAsUnexpected() throws IOException {
    Path net = Cli.write(dir, "features.cnn", FEATURES_ONLY);
    Path w = dir.resolve("w.npz");
    Npz.write(w, Map.of("L1_conv.weight", Tensor.zeros(Shape.of(2))), NpyType.FLOAT32);
    Run r =
        Cli.run("forward", net, "--weights", w, "--input", images(), "--out", dir.resolve("o.npz"));
    assertEquals(1, r.status(), r.toString());
    assertTrue(r.err().contains("unexpected  L1_conv.weight"), r.toString());
  }

  @Test
  void forwardAndInitOnAFeatureOnlyNetworkPrintNoWarning() throws IOException {
    Path net = Cli.write(dir, "features.cnn", FEATURES_ONLY);
    Path w = dir.resolve("w.npz");
    Run init = Cli.run("init", net, "--out", w);
    assertEquals("", init.err(), init.toString());
    Run forward =
        Cli.run("forward", net, "--weights", w, "--input", images(), "--out", dir.resolve("o.npz"));
    assertEquals(0, forward.status(), forward.toString());
    assertEquals("", forward.err(), forward.toString());
    // check still says it: there the warning is the point.
    Run check = Cli.run("check", net);
    assertTrue(check.err().contains("has no classifier at the end"), check.toString());
  }

  @Test
  void helpListsEveryCommandWithACompleteShortSentence() {
    Run r = Cli.run("--help");
    assertEquals(0, r.status(), r.toString());
    String list = r.out().substring(r.out().indexOf("Commands:"));
    List<String> lines = list.lines().skip(1).toList();
    assertTrue(lines.size() >= 11, list);
    for (String line : lines) {
      // One line per command: a summary that wrapped (or was cut) would leave a continuation line.
      assertTrue(line.matches("  [a-z-]+ +\\S.*"), "not one line per command:\n" + list);
      assertTrue(line.endsWith("."), "summary is not a complete sentence: '" + line + "'");
    }
  }

  @picocli.CommandLine.Command(
      name = "plain",
      description = {"Do a thing with the file. Then more", "text.", "", "Details."})
  static final class Plain implements Runnable {
    @Override
    public void run() {}
  }

  @Test
  void aCommandWithoutHeaderIsSummarisedByItsFirstSentence() {
    picocli.CommandLine cli = new picocli.CommandLine(new Plain());
    Main.summarize(cli.getCommandSpec());
    assertEquals(
        List.of("Do a thing with the file."),
        List.of(cli.getCommandSpec().usageMessage().header()));
  }

  @Test
  void lenet5TrainsAsWrittenOnTheShippedSubsetPaddedToThirtyTwo() {
    Path lenet = Cli.examples().resolve("lenet5.cnn");
    Run r =
        Cli.run(
            "train",
            lenet,
            "--data",
            "fashion-mnist-subset",
            "--limit-train",
            "64",
            "--limit-test",
            "20",
            "--epochs",
            "1",
            "--out",
            dir.resolve("lenet"));
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().contains("preprocess pad(2),standardize"), r.toString());
    assertTrue(r.out().contains("done: "), r.toString());
  }

  @Test
  void aBadPadOrResizeFlagIsBadUsageNamingTheFlag() throws IOException {
    Path net = Cli.write(dir, "tiny.cnn", NET);
    for (String bad : new String[] {"pad(0)", "resize(32)"}) {
      Run r = Cli.run("train", net, "--preprocess", bad, "--out", dir.resolve("r"));
      assertEquals(2, r.status(), r.toString());
      assertTrue(r.err().contains("--preprocess: preprocessing '" + bad + "'"), r.toString());
    }
  }
}
