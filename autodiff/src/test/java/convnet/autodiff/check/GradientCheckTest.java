package convnet.autodiff.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientCheckTest {
  @Test
  void passesOnASmoothFunctionAndReportsEveryProbe() {
    GraphBuilder b = new GraphBuilder();
    Node w = b.param("w", Shape.of(3));
    Function f = new Function("f", Graph.of("loss", b.sumAll(b.tanh(b.mul(w, w)))));
    GradientCheckReport r =
        GradientCheck.check(
            f,
            "loss",
            Map.of("w", Tensor.of(Shape.of(3), 0.3, -0.7, 1.1)),
            5,
            Tolerance.standard());
    assertTrue(r.passed(), r.summary());
    assertEquals(3 + 3, r.probes().size());
    assertTrue(r.summary().contains("seed 5"), r.summary());
  }

  /**
   * At relu's kink the symbolic subgradient (0) and the central difference (1/2) disagree: the
   * report must say where.
   */
  @Test
  void namesTheParameterIndexAndSizeOfADisagreement() {
    GraphBuilder b = new GraphBuilder();
    Node w = b.param("L1_conv.weight", Shape.of(2, 2));
    Node v = b.param("L1_conv.bias", Shape.of(2));
    Function f =
        new Function("f", Graph.of("loss", b.add(b.sumAll(b.relu(w)), b.sumAll(b.square(v)))));
    Map<String, Tensor> values = new LinkedHashMap<>();
    values.put("L1_conv.weight", Tensor.of(Shape.of(2, 2), 1, 2, 0, 3));
    values.put("L1_conv.bias", Tensor.of(Shape.of(2), 1, 2));
    GradientCheckReport r =
        GradientCheck.check(f, "loss", values, 0, new Tolerance(1e-5, 1e-3, 1e-6, 0, 8));
    assertFalse(r.passed());
    assertEquals(java.util.List.of("L1_conv.weight"), r.failingParams());
    GradientCheckReport.Probe p = r.failures().get(0);
    assertEquals("index [1, 0]", p.where());
    assertEquals(0.5, p.numeric(), 1e-6);
    assertEquals(0.0, p.symbolic());
    assertTrue(r.summary().contains("L1_conv.weight at index [1, 0]"), r.summary());
    AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
    assertTrue(e.getMessage().contains("MISMATCH"));
  }

  @Test
  void rejectsANonScalarLoss() {
    GraphBuilder b = new GraphBuilder();
    Node w = b.param("w", Shape.of(3));
    Function f = new Function("f", Graph.of("loss", b.tanh(w)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            GradientCheck.check(
                f, "loss", Map.of("w", Tensor.zeros(Shape.of(3))), 0, Tolerance.standard()));
  }

  /**
   * A gradient function built elsewhere is checked output by output; {@code only} narrows the
   * tensors without changing their probes, and the listener hears every probe.
   */
  @Test
  void checksAGivenGradientFunctionForTheChosenTensors() {
    GraphBuilder b = new GraphBuilder();
    Node w = b.param("w", Shape.of(3));
    Node x = b.input("x", Shape.of(3));
    Graph forward = Graph.of("loss", b.sumAll(b.tanh(b.mul(w, x))));
    Function gradient =
        new Function(
            "g", convnet.autodiff.Grad.withGradients(forward, "loss", java.util.List.of("x")));
    Function loss = new Function("f", forward);
    assertEquals(java.util.List.of("w", "x"), GradientCheck.tensorNames(gradient));
    Map<String, Tensor> values =
        Map.of(
            "w",
            Tensor.of(Shape.of(3), 0.3, -0.7, 1.1),
            "x",
            Tensor.of(Shape.of(3), 0.5, 0.2, -0.4));
    GradientCheckReport all =
        GradientCheck.check(
            gradient, loss, "loss", values, 7, Tolerance.standard(), GradientCheck.Options.DEFAULT);
    assertTrue(all.passed(), all.summary());
    java.util.List<String> heard = new java.util.ArrayList<>();
    GradientCheckReport onlyX =
        GradientCheck.check(
            gradient,
            loss,
            "loss",
            values,
            7,
            Tolerance.standard(),
            new GradientCheck.Options(
                java.util.List.of("x"),
                false,
                new GradientCheck.Listener() {
                  @Override
                  public void probeDone(String tensor, int done, int total) {
                    heard.add(tensor + " " + done + "/" + total);
                  }
                }));
    assertEquals(all.probes().stream().filter(p -> p.param().equals("x")).toList(), onlyX.probes());
    assertEquals(java.util.List.of("x 1/6", "x 2/6", "x 3/6", "x 4/6", "x 5/6", "x 6/6"), heard);
    assertEquals(Shape.of(3), onlyX.tensors().get(0).shape());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            GradientCheck.check(
                gradient,
                loss,
                "loss",
                values,
                7,
                Tolerance.standard(),
                new GradientCheck.Options(java.util.List.of("y"), false, null)));
  }

  /**
   * A wrong gradient fails at every step, retried or not, and the summary names its worst probe.
   */
  @Test
  void retriedStepsStillCatchAWrongGradient() {
    GraphBuilder b = new GraphBuilder();
    Node w = b.param("w", Shape.of(2));
    Function gradient =
        new Function(
            "g", Graph.of(java.util.Map.of("loss", b.sumAll(b.tanh(w)), "grad/w", b.mul(w, 2.0))));
    Function loss = new Function("f", Graph.of("loss", b.sumAll(b.tanh(w))));
    GradientCheckReport r =
        GradientCheck.check(
            gradient,
            loss,
            "loss",
            Map.of("w", Tensor.of(Shape.of(2), 0.5, 1.0)),
            1,
            Tolerance.standard(),
            new GradientCheck.Options(null, true, null));
    assertFalse(r.passed());
    GradientCheckReport.TensorSummary t = r.tensors().get(0);
    assertFalse(t.passed());
    assertEquals(t.worst().error(), t.maxAbsError(), 0.0);
    assertTrue(r.failureText().startsWith("w at "), r.failureText());
  }
}
