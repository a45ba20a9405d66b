package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.Tolerance;
import convnet.autodiff.rewrite.Pipeline;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LCN built from primitives gradient-checks (through c and max(c, σ)) and SumMapsFirst makes it one
 * single-map convolution.
 */
class LcnTest {

  /** A conv stage (weights and bias trainable) followed by LCN, then a weighted sum as the loss. */
  private static Function stage(GraphBuilder b, Random r, Shape xs, int maps, int window) {
    Node x = b.input("input", xs);
    Node w = b.param("L1_conv.weight", Shape.of(maps, xs.dim(1), 3, 3));
    Node bias = b.param("L1_conv.bias", Shape.of(maps, 1, 1));
    b.setProvenance("L1_conv");
    Node conv = b.tanh(b.add(b.conv2d(x, w, Attrs.Conv.simple()), bias));
    b.setProvenance("L3_lcn");
    Lcn.Parts lcn = Lcn.build(b, conv, window, window);
    b.setProvenance("loss");
    Node loss = b.sumAll(b.mul(lcn.y(), b.constant(TestData.normal(r, lcn.y().shape()))));
    Map<String, Node> outs = new LinkedHashMap<>();
    outs.put("loss", loss);
    outs.put("sigma", lcn.sigma());
    outs.put("c", lcn.c());
    return new Function("lcn", Graph.of(outs));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2, 3, 4, 5})
  void lcnGradientChecksThroughCAndTheMax(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    Shape xs = Shape.of(2, 2, 7, 7);
    Function f = stage(b, r, xs, 3, 3 + 2 * (int) (seed % 2));
    Map<String, Tensor> values = new LinkedHashMap<>();
    values.put("input", TestData.normal(r, xs));
    values.put(
        "L1_conv.weight",
        TestData.normal(r, f.params().get("L1_conv.weight").shape()).map(v -> v * 0.4));
    values.put("L1_conv.bias", TestData.normal(r, Shape.of(3, 1, 1)).map(v -> v * 0.1));
    // Both branches of max(c, σ) must be active for the check to cover them.
    Map<String, Tensor> out = Interpreter.evaluate(f.graph(), values, DType.F64);
    Tensor sigma = out.get("sigma");
    Tensor c = out.get("c");
    int per = sigma.size() / c.size();
    int below = 0;
    int above = 0;
    for (int i = 0; i < sigma.size(); i++) {
      double ci = c.get(i / per);
      if (sigma.get(i) < ci - 1e-3) {
        below++;
      } else if (sigma.get(i) > ci + 1e-3) {
        above++;
      }
    }
    assertTrue(
        below > 0 && above > 0, "seed " + seed + ": sigma below c " + below + ", above " + above);
    GradientCheckReport report =
        GradientCheck.check(
            f, "loss", values, List.of("input"), seed, new Tolerance(1e-5, 1e-3, 1e-6, 4, 12));
    assertTrue(report.passed(), () -> "seed " + seed + ":\n" + report.summary());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2})
  void sumMapsFirstLeavesOnlySingleMapConvolutionsInLcn(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    Shape xs = Shape.of(2, 2, 9, 9);
    Function f = stage(b, r, xs, 4, 5);
    Graph full = Grad.withGradients(f.graph(), "loss", List.of("input"));
    Pipeline.Result result = Pipeline.standard().run(full, null);
    Graph simple = IrVerifier.verify(result.graph());
    for (Node n : simple.nodes()) {
      if ((n.kind() == OpKind.CONV2D || n.kind() == OpKind.CONV2D_BACKWARD_INPUT)
          && n.input(1).kind() != OpKind.PARAM) {
        assertEquals(
            1,
            n.input(1).shape().dim(1),
            "seed " + seed + ": multi-map constant convolution left: " + n);
      }
    }
    Map<String, Tensor> values = GradientCheck.randomValues(new Function("v", full), seed);
    Map<String, Tensor> before = Interpreter.evaluate(full, values, DType.F64);
    Map<String, Tensor> after = Interpreter.evaluate(simple, values, DType.F64);
    for (String k : before.keySet()) {
      Tensor x = before.get(k);
      double scale = 1 + x.maxAbsDiff(Tensor.zeros(x.shape()));
      assertTrue(x.maxAbsDiff(after.get(k)) <= 1e-9 * scale, "seed " + seed + " output " + k);
    }
  }
}
