package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.Tolerance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layers the language needs, written with primitives only (as a lowering would), give the right
 * values and gradient-check: maxout, Krizhevsky LRN, dropout, flatten + dense, the G/S filter bank
 * and logistic.
 */
class LayerLoweringTest {

  /**
   * maxout(pieces): max over consecutive groups of {@code pieces} channels, via reshape + reduce
   * max.
   */
  static Node maxout(GraphBuilder b, Node x, int pieces) {
    Shape s = x.shape();
    Node grouped = b.reshape(x, Shape.of(s.dim(0), s.dim(1) / pieces, pieces, s.dim(2), s.dim(3)));
    return b.reduceMax(grouped, List.of(2), false);
  }

  /**
   * b = a / (k + α/n Σ_{|j−i| ≤ n/2} a_j²)^β: the cross-map window sum as zero padding plus shifted
   * slices.
   */
  static Node lrn(GraphBuilder b, Node a, int n, double k, double alpha, double beta) {
    Shape s = a.shape();
    int half = n / 2;
    Node sq = b.pad(b.square(a), List.of(0, half, 0, 0), List.of(0, n - 1 - half, 0, 0));
    Node sum = null;
    for (int j = 0; j < n; j++) {
      Node part = b.sliceAxis(sq, 1, j, j + s.dim(1));
      sum = sum == null ? part : b.add(sum, part);
    }
    return b.div(a, b.pow(b.add(b.mul(sum, alpha / n), k), beta));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2, 3, 4})
  void maxoutValuesAndGradients(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    Shape s = Shape.of(2, 6, 3, 3);
    Node x = b.param("x", s);
    Node y = maxout(b, x, 3);
    Tensor xv = TestData.distinct(r, s);
    Tensor yv = Interpreter.evaluate(y, Map.of("x", xv), DType.F64);
    assertEquals(Shape.of(2, 2, 3, 3), yv.shape());
    for (int n = 0; n < 2; n++) {
      for (int g = 0; g < 2; g++) {
        double m =
            Math.max(
                xv.at(n, 3 * g, 1, 2),
                Math.max(xv.at(n, 3 * g + 1, 1, 2), xv.at(n, 3 * g + 2, 1, 2)));
        assertEquals(m, yv.at(n, g, 1, 2), 0, "seed " + seed);
      }
    }
    check(b, y, Map.of("x", xv), r, seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2, 3, 4})
  void lrnValuesAndGradients(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    Shape s = Shape.of(2, 5, 2, 2);
    Node a = b.param("a", s);
    Node y = lrn(b, a, 3, 2, 1e-1, 0.75);
    Tensor av = TestData.normal(r, s);
    Tensor yv = Interpreter.evaluate(y, Map.of("a", av), DType.F64);
    for (int c = 0; c < 5; c++) {
      double sum = 0;
      for (int j = Math.max(0, c - 1); j <= Math.min(4, c + 1); j++) {
        sum += av.at(1, j, 0, 1) * av.at(1, j, 0, 1);
      }
      assertEquals(
          av.at(1, c, 0, 1) / Math.pow(2 + 0.1 / 3 * sum, 0.75),
          yv.at(1, c, 0, 1),
          1e-12,
          "seed " + seed + " map " + c);
    }
    check(b, y, Map.of("a", av), r, seed);
  }

  /** 8F3x3CSG - Rabs - PM2x2 - dropout - logistic 4 on a batch of 3 images, one-hot labels. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2, 3})
  void smallNetworkGradientChecks(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    int batch = 3;
    Node x = b.input("input", Shape.of(batch, 2, 7, 7));
    Node labels = b.input("labels", Shape.of(batch, 4));
    Node mask = b.input("L4_dropout.mask", Shape.of(batch, 8, 2, 2));
    Node w = b.param("L1_conv.weight", Shape.of(8, 2, 3, 3));
    Node bias = b.param("L1_conv.bias", Shape.of(8, 1, 1));
    Node gain = b.param("L1_conv.gain", Shape.of(8, 1, 1));
    Node h = b.mul(gain, b.tanh(b.add(b.conv2d(x, w, Attrs.Conv.simple()), bias)));
    h = b.abs(h);
    h = b.maxPool(h, Attrs.Pool.window(2, 2));
    h = b.mul(h, b.mul(mask, 2.0));
    Node flat = b.reshape(h, Shape.of(batch, 8 * 2 * 2));
    Node logits =
        b.add(
            b.matmul(flat, b.param("L5_logistic.weight", Shape.of(32, 4))),
            b.param("L5_logistic.bias", Shape.of(4)));
    Map<String, Node> outs = new LinkedHashMap<>();
    outs.put("output", logits);
    outs.put("loss", b.softmaxCrossEntropy(logits, labels));
    Function f = new Function("net", Graph.of(outs));
    Map<String, Tensor> values = new LinkedHashMap<>();
    values.put("input", TestData.normal(r, Shape.of(batch, 2, 7, 7)));
    double[] onehot = new double[batch * 4];
    for (int i = 0; i < batch; i++) {
      onehot[i * 4 + r.nextInt(4)] = 1;
    }
    values.put("labels", Tensor.wrap(Shape.of(batch, 4), onehot));
    values.put("L4_dropout.mask", TestData.mask(r, Shape.of(batch, 8, 2, 2)));
    values.put("L1_conv.weight", TestData.normal(r, Shape.of(8, 2, 3, 3)).map(v -> v * 0.5));
    values.put("L1_conv.bias", TestData.normal(r, Shape.of(8, 1, 1)).map(v -> v * 0.1));
    values.put("L1_conv.gain", TestData.uniform(r, Shape.of(8, 1, 1), 0.5, 1.5));
    values.put("L5_logistic.weight", TestData.normal(r, Shape.of(32, 4)).map(v -> v * 0.3));
    values.put("L5_logistic.bias", TestData.normal(r, Shape.of(4)));
    GradientCheckReport report =
        GradientCheck.check(f, "loss", values, List.of("input"), seed, Tolerance.standard());
    assertTrue(report.passed(), () -> "seed " + seed + ":\n" + report.summary());
    List<String> checked =
        new ArrayList<>(
            report.probes().stream().map(GradientCheckReport.Probe::param).distinct().toList());
    checked.sort(null);
    assertEquals(
        List.of(
            "L1_conv.bias",
            "L1_conv.gain",
            "L1_conv.weight",
            "L5_logistic.bias",
            "L5_logistic.weight",
            "input"),
        checked,
        "seed " + seed);
  }

  /**
   * A connection table is a fixed 0/1 mask multiplied into the weight: masked weights get exactly
   * zero gradient.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2})
  void connectionTableMasksTheWeightAndItsGradient(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("input", Shape.of(2, 4, 6, 6));
    Node w = b.param("L1_conv.weight", Shape.of(3, 4, 3, 3));
    Tensor table = TestData.mask(r, Shape.of(3, 4, 1, 1));
    Node y = b.conv2d(x, b.mul(w, b.constant(table)), Attrs.Conv.simple());
    Node loss = b.sumAll(b.mul(b.tanh(y), b.constant(TestData.normal(r, y.shape()))));
    Map<String, Tensor> values =
        Map.of(
            "input",
            TestData.normal(r, Shape.of(2, 4, 6, 6)),
            "L1_conv.weight",
            TestData.normal(r, Shape.of(3, 4, 3, 3)).map(v -> v * 0.3));
    Tensor g = Interpreter.evaluate(Grad.grad(b, loss, List.of(w)).get(0), values, DType.F64);
    for (int o = 0; o < 3; o++) {
      for (int i = 0; i < 4; i++) {
        if (table.at(o, i, 0, 0) == 0) {
          for (int k = 0; k < 9; k++) {
            assertEquals(0.0, g.at(o, i, k / 3, k % 3), 0.0, "seed " + seed);
          }
        }
      }
    }
    GradientCheckReport report =
        GradientCheck.check(
            new Function("table", Graph.of("loss", loss)),
            "loss",
            values,
            seed,
            Tolerance.standard());
    assertTrue(report.passed(), () -> "seed " + seed + ":\n" + report.summary());
  }

  private static void check(
      GraphBuilder b, Node y, Map<String, Tensor> values, Random r, long seed) {
    Node loss = b.sumAll(b.mul(y, b.constant(TestData.normal(r, y.shape()))));
    GradientCheckReport report =
        GradientCheck.check(
            new Function("layer", Graph.of("loss", loss)),
            "loss",
            values,
            seed,
            Tolerance.standard());
    assertTrue(report.passed(), () -> "seed " + seed + ":\n" + report.summary());
  }
}
