package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convnet graph}: forward and gradient graphs, text and dot, pass statistics, usage errors.
 */
class GraphCommandTest {
  static final String NET =
      "network g {\n  input 2x8x8\n  4F3x3CSG - Rabs - N3x3 - PA2x2\n  logistic 3\n}\n";

  @TempDir Path dir;

  @Test
  void forwardGraphInTextWithProvenance() throws IOException {
    Path f = Cli.write(dir, "g.cnn", NET);
    Cli.Run r = Cli.run("graph", f, "--batch", 2);
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().contains("= input \"input\" : [2, 2, 8, 8]"), r.out());
    assertTrue(r.out().contains("conv2d(%"), r.out());
    assertTrue(r.out().contains("# L3_lcn (" + f + ":3:"), r.out());
    assertTrue(r.out().contains("\noutput output = %"), r.out());
    assertTrue(r.out().contains("\noutput loss = %"), r.out());
    assertFalse(r.out().contains("grad/"), r.out());
  }

  @Test
  void gradientGraphHasEveryGradientOutput() throws IOException {
    Cli.Run r = Cli.run("graph", Cli.write(dir, "g.cnn", NET), "--grad", "--batch", 1);
    assertEquals(0, r.status(), r.toString());
    for (String p :
        new String[] {
          "L1_conv.weight",
          "L1_conv.bias",
          "L1_conv.gain",
          "L5_logistic.weight",
          "L5_logistic.bias",
          "input"
        }) {
      assertTrue(r.out().contains("\noutput grad/" + p + " = %"), p + "\n" + r.out());
    }
    assertTrue(r.out().contains("conv2d_backward_weight"), r.out());
  }

  @Test
  void dotAndStats() throws IOException {
    Path f = Cli.write(dir, "g.cnn", NET);
    Cli.Run dot = Cli.run("graph", f, "--format", "dot");
    assertEquals(0, dot.status(), dot.toString());
    assertTrue(dot.out().startsWith("digraph graph_ir {"), dot.out());
    assertTrue(dot.out().strip().endsWith("}"), dot.out());
    Cli.Run stats = Cli.run("graph", f, "--grad", "--stats");
    assertEquals(0, stats.status(), stats.toString());
    String[] lines = stats.out().split("\n");
    assertEquals(5, lines.length, stats.out());
    assertTrue(lines[0].matches("pass\\s+before\\s+after"), lines[0]);
    assertTrue(lines[1].startsWith("eliminate-common-subexpressions"), lines[1]);
    assertTrue(lines[4].startsWith("sum-maps-first"), lines[4]);
    // The gradient graph of a network with LCN gets smaller under simplification.
    int before = Integer.parseInt(lines[1].trim().split("\\s+")[1]);
    int after = Integer.parseInt(lines[4].trim().split("\\s+")[2]);
    assertTrue(after < before, stats.out());
  }

  @Test
  void usageAndFileErrors() throws IOException {
    Path f = Cli.write(dir, "g.cnn", NET);
    Cli.Run format = Cli.run("graph", f, "--format", "svg");
    assertEquals(2, format.status(), format.toString());
    assertTrue(format.err().contains("--format must be text or dot"), format.err());
    assertEquals(2, Cli.run("graph", f, "--format", "dot", "--stats").status());
    assertEquals(2, Cli.run("graph", f, "--batch", 0).status());
    Cli.Run missing = Cli.run("graph", dir.resolve("none.cnn"));
    assertEquals(1, missing.status(), missing.toString());
    assertEquals(dir.resolve("none.cnn") + ": no such file\n", missing.err());
    Cli.Run bad =
        Cli.run("graph", Cli.write(dir, "bad.cnn", "network b {\n  input 1x4x4\n  4F5x5C\n}\n"));
    assertEquals(1, bad.status(), bad.toString());
    assertTrue(
        bad.err().contains("bad.cnn:3:3: error: kernel 5 is larger than its input height 4"),
        bad.err());
  }

  @Test
  void helpExplains() {
    Cli.Run r = Cli.run("graph", "--help");
    assertEquals(0, r.status());
    assertTrue(
        r.out().contains("--grad")
            && r.out().contains("Graphviz")
            && r.out().contains("simplification"),
        r.out());
  }
}
