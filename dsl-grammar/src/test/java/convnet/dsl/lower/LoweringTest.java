package convnet.dsl.lower;

import static convnet.dsl.lower.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.DType;
import convnet.autodiff.Graph;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.rewrite.Pipeline;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.ConnectionTable;
import convnet.dsl.LayerArgs;
import convnet.dsl.Network;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each layer kind lowered from a .cnn file gives what a straightforward loop implementation of its
 * definition gives.
 */
class LoweringTest {

  static Network network(String source) {
    CheckResult r = Checker.checkSource(source, "t.cnn");
    assertTrue(r.ok(), () -> r.diagnostics().render(source));
    return r.network();
  }

  private static Map<String, Tensor> run(
      Network net, int batch, Lowering.Mode mode, boolean loss, Map<String, Tensor> values) {
    Graph g = Lowering.lower(net, batch, mode, loss);
    return Interpreter.evaluate(g, values, DType.F64);
  }

  private static Map<String, Tensor> values(Object... pairs) {
    Map<String, Tensor> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (Tensor) pairs[i + 1]);
    }
    return m;
  }

  /**
   * The seed's worked example: x ∗ k with k = [[0, .25], [.5, 1]] is [[45, 110], [40, 40]]; W =
   * flip(k) is stored.
   */
  @Test
  void theSeedsWorkedExample() {
    Network net = network("network seed {\n input 1x3x3\n 1F2x2C\n}\n");
    Tensor x = Tensor.of(Shape.of(1, 1, 3, 3), 0, 80, 40, 20, 40, 0, 0, 0, 40);
    Tensor w = Tensor.of(Shape.of(1, 1, 2, 2), 1, 0.5, 0.25, 0);
    Map<String, Tensor> out =
        run(
            net,
            1,
            Lowering.Mode.INFERENCE,
            false,
            values("input", x, "L1_conv.weight", w, "L1_conv.bias", Tensor.of(Shape.of(1), 0)));
    assertEquals(Tensor.of(Shape.of(1, 1, 2, 2), 45, 110, 40, 40), out.get("output"));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void paperFilterBankIsGainTimesTanhOfBiasPlusCorrelation(long seed) {
    Random r = new Random(seed);
    Network net = network("network n {\n input 2x7x6\n 3F3x2CSG\n}\n");
    Tensor x = Reference.normal(r, 2, 2, 7, 6);
    Tensor w = Reference.normal(r, 3, 2, 3, 2);
    Tensor bias = Reference.normal(r, 3);
    Tensor gain = Reference.uniform(r, 0.5, 2, 3);
    Tensor y =
        run(
                net,
                2,
                Lowering.Mode.INFERENCE,
                false,
                values("input", x, "L1_conv.weight", w, "L1_conv.bias", bias, "L1_conv.gain", gain))
            .get("output");
    Tensor expected =
        Reference.perMap(
            Reference.conv(x, w, 1, 0, 1), (v, m) -> gain.get(m) * Math.tanh(bias.get(m) + v));
    assertClose(expected, y, 1e-12, "seed " + seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void verboseConvWithStridePadGroupsAndActivation(long seed) {
    Random r = new Random(seed);
    Network net =
        network(
            "network n {\n input 4x9x8\n conv(maps=6, kernel=3x3, stride=2, pad=1, groups=2, act=relu)\n}\n");
    Tensor x = Reference.normal(r, 2, 4, 9, 8);
    Tensor w = Reference.normal(r, 6, 2, 3, 3);
    Tensor bias = Reference.normal(r, 6);
    Tensor y =
        run(
                net,
                2,
                Lowering.Mode.INFERENCE,
                false,
                values("input", x, "L1_conv.weight", w, "L1_conv.bias", bias))
            .get("output");
    Tensor expected =
        Reference.perMap(Reference.conv(x, w, 2, 1, 2), (v, m) -> Math.max(0, v + bias.get(m)));
    assertClose(expected, y, 1e-12, "seed " + seed);
  }

  /** With table=random(k) the stored weight [out, k, kh, kw] acts on the table's maps only. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void connectionTableConvolvesOnlyTheConnectedMaps(long seed) {
    Random r = new Random(seed);
    Network net =
        network(
            "network n {\n input 5x6x6\n conv(maps=4, kernel=3x3, table=random(2), bias=false)\n}\n");
    ConnectionTable table = ((LayerArgs.Conv) net.layers().get(0).args()).table();
    Tensor x = Reference.normal(r, 1, 5, 6, 6);
    Tensor w = Reference.normal(r, 4, 2, 3, 3);
    double[] full = new double[4 * 5 * 9];
    for (int o = 0; o < 4; o++) {
      int[] maps = table.inputsOf(o);
      for (int j = 0; j < 2; j++) {
        for (int k = 0; k < 9; k++) {
          full[(o * 5 + maps[j]) * 9 + k] = w.at(o, j, k / 3, k % 3);
        }
      }
    }
    Tensor y =
        run(net, 1, Lowering.Mode.INFERENCE, false, values("input", x, "L1_conv.weight", w))
            .get("output");
    assertClose(
        Reference.conv(x, Tensor.wrap(Shape.of(4, 5, 3, 3), full), 1, 0, 1),
        y,
        1e-12,
        "seed " + seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void poolingAverageAndMaxWithStrideAndRounding(long seed) {
    Random r = new Random(seed);
    Network net =
        network(
            "network n {\n input 2x15x14\n PA2x2 - PM3x3/2 - maxpool(2x2, stride=2, round=ceil)"
                + " - avgpool(2x2, stride=1, pad=1)\n}\n");
    Tensor x = Reference.normal(r, 2, 2, 15, 14);
    Tensor y = run(net, 2, Lowering.Mode.INFERENCE, false, values("input", x)).get("output");
    Tensor e = Reference.pool(x, false, 2, 2, 0, false);
    e = Reference.pool(e, true, 3, 2, 0, false);
    e = Reference.pool(e, true, 2, 2, 0, true);
    e = Reference.pool(e, false, 2, 1, 1, false);
    assertClose(e, y, 1e-12, "seed " + seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void elementwiseLayersAndUserFunctions(long seed) {
    Random r = new Random(seed);
    Network net =
        network(
            "fn softsign(x) = x / (1 + abs(x))\nfn odd(v) = -max(v, 0.5) * 2 ^ v + min(exp(tanh(v)), sigmoid(v)) - 3\n"
                + "network n {\n input 1x3x4\n Rabs - tanh - softsign - sigmoid - relu - odd - Rpos\n}\n");
    Tensor x = Reference.normal(r, 2, 1, 3, 4);
    Tensor y = run(net, 2, Lowering.Mode.INFERENCE, false, values("input", x)).get("output");
    Tensor e =
        x.map(Math::abs)
            .map(Math::tanh)
            .map(v -> v / (1 + Math.abs(v)))
            .map(v -> 1 / (1 + Math.exp(-v)))
            .map(v -> Math.max(v, 0))
            .map(
                v ->
                    -Math.max(v, 0.5) * Math.pow(2, v)
                        + Math.min(Math.exp(Math.tanh(v)), 1 / (1 + Math.exp(-v)))
                        - 3)
            .map(v -> Math.max(v, 0));
    assertClose(e, y, 1e-12, "seed " + seed);
  }

  @Test
  void softplusIsAFunctionOfFnBodies() {
    Network net =
        network(
            "fn smooth(x) = softplus(x) - softplus(-x)\nnetwork n {\n input 1x3x4\n smooth\n}\n");
    Tensor x = Reference.normal(new Random(4), 2, 1, 3, 4);
    Tensor y = run(net, 2, Lowering.Mode.INFERENCE, false, values("input", x)).get("output");
    // softplus(x) - softplus(-x) = x.
    assertClose(x, y, 1e-12, "softplus");
  }

  @Test
  void aConstantFunctionStillHasTheInputsShape() {
    Network net = network("fn two(x) = 2\nnetwork n {\n input 1x2x2\n two\n}\n");
    Tensor y =
        run(
                net,
                1,
                Lowering.Mode.INFERENCE,
                false,
                values("input", Tensor.zeros(Shape.of(1, 1, 2, 2))))
            .get("output");
    assertEquals(Tensor.full(Shape.of(1, 1, 2, 2), 2), y);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4})
  void lcnFollowsItsDefinition(long seed) {
    Random r = new Random(seed);
    String layer =
        switch ((int) seed) {
          case 1 -> "N";
          case 2 -> "N3x5";
          case 3 -> "lcn(window=4x4, sigma=1.5)";
          default -> "lcn(window=5x3)";
        };
    Network net = network("network n {\n input 3x7x8\n " + layer + "\n}\n");
    LayerArgs.Lcn a = (LayerArgs.Lcn) net.layers().get(0).args();
    Tensor x = Reference.normal(r, 2, 3, 7, 8);
    Tensor y = run(net, 2, Lowering.Mode.INFERENCE, false, values("input", x)).get("output");
    Tensor e =
        Reference.lcn(
            x,
            a.windowHeight(),
            a.windowWidth(),
            a.sigmaHeight(),
            a.sigmaWidth(),
            Lowering.LCN_EPSILON);
    assertClose(e, y, 1e-12, "seed " + seed + " " + layer);
  }

  @Test
  void lcnOfAConstantImageIsZeroWhereTheWindowFitsInside() {
    Network net = network("network n {\n input 2x9x9\n N3x3\n}\n");
    Tensor y =
        run(
                net,
                1,
                Lowering.Mode.INFERENCE,
                false,
                values("input", Tensor.full(Shape.of(1, 2, 9, 9), 3.5)))
            .get("output");
    for (int c = 0; c < 2; c++) {
      for (int i = 1; i < 8; i++) {
        for (int j = 1; j < 8; j++) {
          assertEquals(0, y.at(0, c, i, j), 1e-12, "map " + c + " at " + i + "," + j);
        }
      }
    }
    // The zero padding makes the border differ from its local mean.
    assertTrue(Math.abs(y.at(0, 0, 0, 0)) > 0.1, "corner " + y.at(0, 0, 0, 0));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void lcnIsScaleInvariant(long seed) {
    Random r = new Random(seed);
    Network net = network("network n {\n input 2x8x8\n N5x5\n}\n");
    Tensor x = Reference.normal(r, 2, 2, 8, 8);
    Tensor y1 = run(net, 2, Lowering.Mode.INFERENCE, false, values("input", x)).get("output");
    Tensor y2 =
        run(net, 2, Lowering.Mode.INFERENCE, false, values("input", x.map(v -> 7 * v)))
            .get("output");
    // Only the epsilon under the square root breaks the invariance: σ² is O(1) here, so the effect
    // is about 1e-6.
    assertClose(y1, y2, 1e-5, "seed " + seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void denseDropoutAndLogisticWithLoss(long seed) {
    Random r = new Random(seed);
    Network net = network("network n {\n input 2x3x2\n dense(5) - dropout(0.5)\n logistic 4\n}\n");
    Tensor x = Reference.normal(r, 3, 2, 3, 2);
    Tensor w1 = Reference.normal(r, 5, 12);
    Tensor b1 = Reference.normal(r, 5);
    Tensor w2 = Reference.normal(r, 4, 5);
    Tensor b2 = Reference.normal(r, 4);
    double[] m = new double[15];
    for (int i = 0; i < m.length; i++) {
      m[i] = r.nextBoolean() ? 2 : 0;
    }
    Tensor mask = Tensor.wrap(Shape.of(3, 5, 1, 1), m);
    int[] labels = {r.nextInt(4), r.nextInt(4), r.nextInt(4)};
    Map<String, Tensor> v =
        values(
            "input",
            x,
            "L1_dense.weight",
            w1,
            "L1_dense.bias",
            b1,
            "L3_logistic.weight",
            w2,
            "L3_logistic.bias",
            b2,
            "mask/L2_dropout",
            mask,
            "labels",
            Reference.oneHot(labels, 4));
    Map<String, Tensor> train = run(net, 3, Lowering.Mode.TRAINING, true, v);
    Tensor hidden = Reference.dense(x, w1, b1);
    Tensor dropped = Tensor.wrap(hidden.shape(), hidden.toArray());
    double[] d = dropped.data();
    for (int i = 0; i < d.length; i++) {
      d[i] *= m[i];
    }
    Tensor logits = Reference.dense(dropped, w2, b2);
    assertClose(logits, train.get("output"), 1e-12, "seed " + seed + " training logits");
    assertEquals(
        Reference.crossEntropy(logits, labels),
        train.get("loss").item(),
        1e-12,
        "seed " + seed + " loss");
    Map<String, Tensor> infer = run(net, 3, Lowering.Mode.INFERENCE, false, v);
    assertClose(
        Reference.dense(hidden, w2, b2),
        infer.get("output"),
        1e-12,
        "seed " + seed + " inference logits");
    assertFalse(
        Lowering.lower(net, 3, Lowering.Mode.INFERENCE, true)
            .inputs()
            .containsKey("mask/L2_dropout"));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void maxoutLrnAndMlpconv(long seed) {
    Random r = new Random(seed);
    Network net =
        network(
            "network n {\n input 2x6x6\n mlpconv(maps=[6, 4], kernel=3x3, pad=1, act=tanh) - maxout(pieces=2)"
                + " - lrn(size=3, alpha=0.5, beta=0.75, k=1.5)\n}\n");
    Tensor x = Reference.normal(r, 2, 2, 6, 6);
    Tensor w0 = Reference.normal(r, 6, 2, 3, 3);
    Tensor b0 = Reference.normal(r, 6);
    Tensor w1 = Reference.normal(r, 4, 6, 1, 1);
    Tensor b1 = Reference.normal(r, 4);
    Tensor y =
        run(
                net,
                2,
                Lowering.Mode.INFERENCE,
                false,
                values(
                    "input",
                    x,
                    "L1_mlpconv.0.weight",
                    w0,
                    "L1_mlpconv.0.bias",
                    b0,
                    "L1_mlpconv.1.weight",
                    w1,
                    "L1_mlpconv.1.bias",
                    b1))
            .get("output");
    Tensor h = Reference.perMap(Reference.conv(x, w0, 1, 1, 1), (v, m) -> Math.tanh(v + b0.get(m)));
    h = Reference.perMap(Reference.conv(h, w1, 1, 0, 1), (v, m) -> Math.tanh(v + b1.get(m)));
    h = Reference.lrn(Reference.maxout(h, 2), 3, 0.5, 0.75, 1.5);
    assertClose(h, y, 1e-12, "seed " + seed);
  }

  @Test
  void lrnWithAnEvenSizeMatchesPyTorchsWindow() {
    Random r = new Random(9);
    Network net = network("network n {\n input 5x2x2\n lrn(size=4, alpha=1, beta=1, k=1)\n}\n");
    Tensor x = Reference.normal(r, 1, 5, 2, 2);
    Tensor y = run(net, 1, Lowering.Mode.INFERENCE, false, values("input", x)).get("output");
    assertClose(Reference.lrn(x, 4, 1, 1, 1), y, 1e-12, "size 4");
  }

  @Test
  void parametersHaveThePyTorchLayoutAndTheCheckersNames() {
    Network net =
        network("network n {\n input 1x28x28\n 32F5x5CSG - Rabs - N - PA2x2\n logistic 10\n}\n");
    Graph g = Lowering.lower(net, 4, Lowering.Mode.TRAINING, true);
    Map<String, Node> p = g.params();
    assertEquals(
        List.of(
            "L1_conv.weight",
            "L1_conv.bias",
            "L1_conv.gain",
            "L5_logistic.weight",
            "L5_logistic.bias"),
        net.parameterSpecs().stream().map(s -> s.name()).toList());
    for (var spec : net.parameterSpecs()) {
      assertEquals(Shape.of(spec.dims()), p.get(spec.name()).shape(), spec.name());
    }
    assertEquals(p.size(), net.parameterSpecs().size());
    assertEquals(Shape.of(4, 1, 28, 28), g.inputs().get("input").shape());
    assertEquals(Shape.of(4, 10), g.inputs().get("labels").shape());
    assertEquals(Shape.of(4, 10), g.output("output").shape());
    assertEquals(Shape.scalar(), g.output("loss").shape());
  }

  @Test
  void everyNodeNamesItsLayerAndWhereItWasWritten() {
    Network net =
        network("network n {\n input 1x8x8\n 4F3x3CSG - Rabs - N3x3 - PA2x2\n logistic 3\n}\n");
    Graph g = Lowering.lower(net, 2, Lowering.Mode.TRAINING, true);
    for (Node n : g.nodes()) {
      if (n.kind() == OpKind.INPUT && n.name().equals("input")) {
        continue;
      }
      assertTrue(
          n.provenance()
              .matches(
                  "L[1-4]_(conv|abs|lcn|avgpool) \\(t\\.cnn:3:\\d+\\)|L5_logistic \\(t\\.cnn:4:2\\)"),
          n + " has provenance '" + n.provenance() + "'");
    }
    assertTrue(g.nodes().stream().anyMatch(n -> n.provenance().startsWith("L3_lcn (t.cnn:3:")));
  }

  @Test
  void lcnBecomesSingleMapConvolutionsAfterSimplification() {
    Network net =
        network("network n {\n input 3x10x10\n 4F3x3CSG - Rabs - N5x5 - PA2x2\n logistic 3\n}\n");
    Graph g = Lowering.lower(net, 2, Lowering.Mode.TRAINING, true);
    Graph simple =
        Pipeline.standard()
            .run(convnet.autodiff.Grad.withGradients(g, "loss", List.of("input")), null)
            .graph();
    long lcnConvs = 0;
    for (Node n : simple.nodes()) {
      if ((n.kind() == OpKind.CONV2D || n.kind() == OpKind.CONV2D_BACKWARD_INPUT)
          && n.input(1).kind() != OpKind.PARAM) {
        assertEquals(1, n.input(1).shape().dim(1), "multi-map constant convolution left: " + n);
        lcnConvs++;
      }
    }
    assertTrue(lcnConvs >= 2, "found " + lcnConvs + " window convolutions");
  }

  @Test
  void aLossNeedsAClassifier() {
    Network net = network("network n {\n input 1x4x4\n 2F3x3C\n}\n");
    LoweringException e =
        assertThrows(
            LoweringException.class, () -> Lowering.lower(net, 1, Lowering.Mode.INFERENCE, true));
    assertTrue(e.getMessage().contains("no classifier"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Lowering.lower(net, 0, Lowering.Mode.INFERENCE, false));
  }
}
