package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import convnet.autodiff.Shape;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.GradientCheckReport.Probe;
import convnet.autodiff.check.Tolerance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convnet gradcheck}: a file (table, JSON), random architectures, usage errors. */
class GradcheckCommandTest {
  static final String NET =
      "fn softsign(x) = x / (1 + abs(x))\nnetwork g {\n  input 2x9x9\n"
          + "  conv(maps=4, kernel=3x3, pad=1, act=relu) - maxout(pieces=2) - N3x3 - PM2x2 - softsign\n"
          + "  dense(5) - dropout(0.5) - lrn(size=3)\n  logistic 3\n}\n";

  @TempDir Path dir;

  @Test
  void aTableWithOneRowPerTensor() throws IOException {
    Cli.Run r = Cli.run("gradcheck", Cli.write(dir, "g.cnn", NET), "--seed", 4);
    assertEquals(0, r.status(), r.toString());
    String[] lines = r.out().split("\n");
    assertTrue(lines[0].startsWith("gradient check, float64, batch 2, seed 4"), lines[0]);
    assertTrue(
        lines[1].matches("tensor\\s+shape\\s+probes\\s+max abs error\\s+max rel error\\s+result"),
        lines[1]);
    String[] tensors = {
      "L1_conv.weight",
      "L1_conv.bias",
      "L6_dense.weight",
      "L6_dense.bias",
      "L9_logistic.weight",
      "L9_logistic.bias",
      "input"
    };
    for (int i = 0; i < tensors.length; i++) {
      assertTrue(
          lines[2 + i].startsWith(tensors[i] + " ") && lines[2 + i].endsWith("ok"), lines[2 + i]);
    }
    assertEquals("all 7 tensors passed", lines[9]);
  }

  @Test
  void jsonHasEveryTensor() throws IOException {
    Cli.Run r = Cli.run("gradcheck", Cli.write(dir, "g.cnn", NET), "--json");
    assertEquals(0, r.status(), r.toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("passed").asBoolean());
    assertEquals(1, j.get("seed").asLong());
    assertEquals(7, j.get("parameters").size());
    JsonNode w = j.get("parameters").get(0);
    assertEquals("L1_conv.weight", w.get("name").asText());
    assertEquals("[4,2,3,3]", w.get("shape").toString());
    assertTrue(w.get("maxAbsError").asDouble() < 1e-5, w.toString());
    assertTrue(
        w.get("worst").get("where").asText().matches("direction \\d|index \\[.*\\]"), w.toString());
  }

  @Test
  void randomArchitecturesShowProgress() {
    Cli.Run r = Cli.run("gradcheck", "--random", 3, "--seed", 10);
    assertEquals(0, r.status(), r.toString());
    String[] lines = r.out().split("\n");
    assertEquals(4, lines.length, r.out());
    for (int i = 0; i < 3; i++) {
      assertTrue(
          lines[i].matches(
              "\\["
                  + (i + 1)
                  + "/3\\] architecture seed "
                  + (10 + i)
                  + ": ok \\(\\d+ tensors, max \\|difference\\| .*\\)"),
          lines[i]);
    }
    assertEquals("all 3 architectures passed", lines[3]);
  }

  @Test
  void usageErrors() throws IOException {
    Path f = Cli.write(dir, "g.cnn", NET);
    assertEquals(2, Cli.run("gradcheck").status());
    assertEquals(2, Cli.run("gradcheck", f, "--random", 2).status());
    assertEquals(2, Cli.run("gradcheck", "--random", 0).status());
    assertEquals(2, Cli.run("gradcheck", "--random", 2, "--json").status());
    Cli.Run noLoss =
        Cli.run("gradcheck", Cli.write(dir, "n.cnn", "network n {\n  input 1x4x4\n  2F3x3C\n}\n"));
    assertEquals(1, noLoss.status(), noLoss.toString());
    assertTrue(noLoss.err().contains("no classifier"), noLoss.err());
  }

  @Test
  void aFailureIsMarkedAndLocatedInTheTableAndTheJson() throws IOException {
    GradientCheckReport r =
        new GradientCheckReport(
            3,
            Tolerance.standard(),
            List.of(
                new Probe("L1_conv.weight", "direction 1", 1.0, 1.0, true),
                new Probe("L1_conv.weight", "index [1, 0, 2, 2]", 0.5, 0.25, false),
                new Probe("input", "direction 1", 0.1, 0.1, true),
                new Probe("input", "direction 2", Double.NaN, 0.1, false)),
            Map.of("L1_conv.weight", Shape.of(2, 1, 3, 3), "input", Shape.of(2, 1, 5, 5)));
    String table = GradcheckCommand.table(2, r);
    assertTrue(
        table.contains("L1_conv.weight  [2, 1, 3, 3]")
            && table.contains("2.50e-01       5.00e-01  FAIL"),
        table);
    assertTrue(
        table.contains(
            "FAILED:\n  L1_conv.weight at index [1, 0, 2, 2]: numeric 0.5, symbolic 0.25, |difference| 0.25\n"),
        table);
    assertTrue(table.contains("  input at direction 2: numeric NaN"), table);
    JsonNode j = new ObjectMapper().readTree(GradcheckCommand.json("f.cnn", 2, r));
    assertFalse(j.get("passed").asBoolean());
    assertTrue(j.get("parameters").get(1).get("maxAbsError").isNull(), "NaN is written as null");
  }

  @Test
  void helpExplains() {
    Cli.Run r = Cli.run("gradcheck", "--help");
    assertEquals(0, r.status());
    assertTrue(
        r.out().contains("finite differences")
            && r.out().contains("--random")
            && r.out().contains("shrunk"),
        r.out());
  }

  @Test
  void gradcheckShowsProgressAndAnEstimateOnStderr() throws IOException {
    Cli.Run r =
        Cli.run("gradcheck", Cli.write(dir, "g.cnn", NET), "--tensors", "L6_dense.bias,input");
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().startsWith("gradient check, float64, batch 2"), r.out());
    assertFalse(r.out().contains("gradcheck:"), "progress stays off stdout: " + r.out());
    assertTrue(r.err().contains("gradcheck: evaluating the symbolic gradients"), r.err());
    // The bias has 5 elements (3 directions and 5 coordinates), the input 162 (3 directions and 8
    // coordinates).
    assertTrue(r.err().contains("19 probes to go"), r.err());
    assertTrue(
        r.err().matches("(?s).*gradcheck: L6_dense.bias, 1 of 19 probes done, about \\d+s left.*"),
        r.err());
    assertTrue(
        r.err().matches("(?s).*gradcheck: input, 9 of 19 probes done, about \\d+s left.*"),
        r.err());
    assertTrue(r.err().contains("19 of 19 probes done, about 0s left"), r.err());
  }

  @Test
  void gradcheckChoosesTensorsProbesAndBatch() throws IOException {
    Path f = Cli.write(dir, "g.cnn", NET);
    Cli.Run all = Cli.run("gradcheck", f, "--probes", 2, "--batch", 3);
    Cli.Run some =
        Cli.run("gradcheck", f, "--probes", 2, "--batch", 3, "--tensors", "L6_dense.bias,input");
    assertEquals(0, some.status(), some.toString());
    String[] lines = some.out().split("\n");
    assertTrue(lines[0].startsWith("gradient check, float64, batch 3, seed 1"), lines[0]);
    // 3 random directions and 2 coordinates each; a chosen tensor gets the probes it gets in a full
    // check.
    assertTrue(lines[2].matches("L6_dense.bias\\s+\\[5\\]\\s+5\\s.*ok"), lines[2]);
    assertTrue(lines[3].matches("input\\s+\\[3, 2, 9, 9\\]\\s+5\\s.*ok"), lines[3]);
    assertEquals("all 2 tensors passed", lines[4]);
    String full = all.out().replaceAll(" +", " ");
    assertTrue(
        full.contains(lines[2].replaceAll(" +", " ") + "\n")
            && full.contains(lines[3].replaceAll(" +", " ") + "\n"),
        all.out() + some.out());
  }

  @Test
  void gradcheckFlagErrorsNameTheFlag() throws IOException {
    Path f = Cli.write(dir, "g.cnn", NET);
    String[][] cases = {
      {"--batch", "0", "--batch"},
      {"--batch", "x", "--batch"},
      {"--probes", "-1", "--probes"},
      {"--probes", "many", "--probes"},
      {"--tensors", "L1_conv.wieght", "--tensors"},
      {"--tensors", ",", "--tensors"},
      {"--batch", "999999999", "--batch"}
    };
    for (String[] c : cases) {
      Cli.Run r = Cli.run("gradcheck", f, c[0], c[1]);
      assertEquals(2, r.status(), String.join(" ", c) + ": " + r);
      assertTrue(r.err().contains(c[2]), String.join(" ", c) + ": " + r.err());
      assertFalse(r.err().contains("\tat "), r.err());
    }
    Cli.Run typo = Cli.run("gradcheck", f, "--tensors", "L1_conv.wieght");
    assertTrue(typo.err().contains("L1_conv.weight, L1_conv.bias"), typo.err());
    assertEquals(2, Cli.run("gradcheck", "--random", 2, "--tensors", "input").status());
    assertEquals(2, Cli.run("gradcheck", "--random", 2, "--batch", 3).status());
  }
}
