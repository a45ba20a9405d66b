package convnet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.GradientCheckReport.TensorSummary;
import convnet.autodiff.check.Tolerance;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The network gradient check passes right gradients, catches wrong ones, and says where. */
class RandomGradientCheckTest {
  private static final GradientCheck.Options RETRIED = new GradientCheck.Options(null, true, null);

  private static NetworkModel model(String source) {
    return NetworkModel.fromSource(source, "t.cnn", new PrintWriter(new StringWriter()));
  }

  @Test
  void aRightGradientPassesForEveryParameterAndTheInput() {
    NetworkModel m =
        model(
            "network a {\n input 2x8x8\n 3F3x3CSG - Rabs - N3x3 - PM2x2\n dense(4) - relu\n logistic 3\n}\n");
    GradientCheckReport r = RandomGradientCheck.check(m, 2, 5, Tolerance.standard());
    assertTrue(r.passed(), r.failureText());
    List<String> names = r.tensors().stream().map(TensorSummary::name).toList();
    List<String> expected = new java.util.ArrayList<>(m.parameterNames());
    expected.add("input");
    assertEquals(expected, names);
    for (TensorSummary p : r.tensors()) {
      assertEquals(3 + Math.min(8, p.shape().size()), p.probes(), p.name());
      assertTrue(p.maxAbsError() < 1e-5, p.name() + " " + p.maxAbsError());
    }
  }

  /**
   * The gradient of a network with tanh checked against the loss of the same network with sigmoid:
   * it must fail.
   */
  @Test
  void aWrongGradientFailsAndIsLocated() {
    NetworkModel tanh = model("network a {\n input 1x5x5\n 2F3x3C - tanh\n logistic 3\n}\n");
    NetworkModel sigmoid = model("network a {\n input 1x5x5\n 2F3x3C - sigmoid\n logistic 3\n}\n");
    Random r = new Random(1);
    Map<String, Tensor> values = new HashMap<>(tanh.init(1));
    values.put("input", NetworkModelTest.normal(r, tanh.inputShape(2)));
    values.put("labels", NetworkModel.oneHot(new int[] {0, 2}, 3));
    GradientCheckReport result =
        GradientCheck.check(
            tanh.gradientFunction(2),
            sigmoid.inferenceFunction(2, true),
            "loss",
            values,
            1,
            Tolerance.standard(),
            RETRIED);
    assertFalse(result.passed());
    assertTrue(result.failingParams().contains("L1_conv.weight"), result.failureText());
    String text = result.failureText();
    assertTrue(
        text.matches(
            "(?s).*L1_conv\\.weight at (direction \\d|index \\[\\d, \\d, \\d, \\d\\]): numeric .*, symbolic .*"),
        text);
  }

  /**
   * A relu whose input is 3e-7: a central difference with step 1e-6 straddles the kink and sees
   * about half the slope, so a plain check fails; the retried smaller steps stay on one side and
   * agree with the symbolic gradient.
   */
  @Test
  void aProbeAcrossAKinkIsRepeatedWithSmallerSteps() {
    NetworkModel m = model("network k {\n input 1x1x1\n 1F1x1C - relu\n logistic 2\n}\n");
    Map<String, Tensor> values = new HashMap<>();
    values.put("input", Tensor.of(Shape.of(1, 1, 1, 1), 1));
    values.put("L1_conv.weight", Tensor.of(Shape.of(1, 1, 1, 1), 1));
    values.put("L1_conv.bias", Tensor.of(Shape.of(1), -1 + 3e-7));
    values.put("L3_logistic.weight", Tensor.of(Shape.of(2, 1), 2, -1));
    values.put("L3_logistic.bias", Tensor.of(Shape.of(2), 0, 0));
    values.put("labels", NetworkModel.oneHot(new int[] {1}, 2));
    Tolerance tol = new Tolerance(1e-5, 1e-3, 1e-6, 0, 1);
    GradientCheckReport retried =
        GradientCheck.check(
            m.gradientFunction(1), m.inferenceFunction(1, true), "loss", values, 1, tol, RETRIED);
    assertTrue(retried.passed(), retried.failureText());
    GradientCheckReport plain =
        GradientCheck.check(m.inferenceFunction(1, true), "loss", values, 1, tol);
    assertFalse(
        plain.passed(), "a single step of 1e-6 should straddle the kink:\n" + plain.summary());
    assertTrue(plain.failingParams().contains("L1_conv.bias"), plain.summary());
  }

  @Test
  void aParameterCutOffFromTheLossHasAZeroGradient() {
    NetworkModel m =
        model("fn two(x) = 2\nnetwork a {\n input 1x5x5\n 2F3x3C - two\n logistic 3\n}\n");
    GradientCheckReport r = RandomGradientCheck.check(m, 2, 3, Tolerance.standard());
    assertTrue(r.passed(), r.failureText());
    assertEquals(0.0, r.tensors().get(0).maxAbsError(), 0.0);
    assertEquals(Shape.of(2, 1, 5, 5), r.tensors().get(r.tensors().size() - 1).shape());
  }

  /**
   * A tolerance nothing meets makes every architecture fail: the failure is shrunk to a smaller
   * network that still fails.
   */
  @Test
  void aFailureIsShrunkToASmallerFailingNetwork() {
    Tolerance impossible = new Tolerance(0, 0, 1e-6, 1, 1);
    RandomGradientCheck.Outcome o = RandomGradientCheck.run(5, impossible);
    assertFalse(o.passed());
    assertTrue(
        o.shrunk().length() < o.source().length(), o.source() + "\nshrunk to\n" + o.shrunk());
    assertTrue(RandomGradientCheck.fails(o.shrunk(), 5, impossible), o.shrunk());
    assertTrue(o.shrunk().contains("logistic"), o.shrunk());
  }

  @Test
  void shrinkingNeedsAValidFailingNetwork() {
    assertFalse(RandomGradientCheck.fails("network {", 1, Tolerance.standard()));
    assertFalse(
        RandomGradientCheck.fails(
            "network a {\n input 1x4x4\n 2F3x3C\n}\n", 1, Tolerance.standard()));
    assertFalse(
        RandomGradientCheck.fails(RandomGradientCheck.architecture(3), 3, Tolerance.standard()));
  }
}
