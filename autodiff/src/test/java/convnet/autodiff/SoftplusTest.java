package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * softplus(x) = log(1 + exp(x)): its value, stable far from 0, and its gradient (sigmoid) by finite
 * differences.
 */
class SoftplusTest {

  static LongStream seeds() {
    return LongStream.range(0, 8);
  }

  @Test
  void valuesAreLogOnePlusExpAndStayFiniteFarFromZero() {
    for (double x : new double[] {-3, -0.5, 0, 0.25, 2, 10}) {
      assertEquals(
          Math.log(1 + Math.exp(x)), ScalarOp.SOFTPLUS.apply(x), 1e-14, "softplus(" + x + ")");
    }
    // exp(1000) overflows; the stable form does not.
    assertEquals(1000, ScalarOp.SOFTPLUS.apply(1000), 0);
    assertEquals(Math.exp(-1000), ScalarOp.SOFTPLUS.apply(-1000), 0);
    assertEquals(Math.log(2), ScalarOp.SOFTPLUS.apply(0), 1e-16);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void gradientMatchesFiniteDifferencesInFloat64(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    Shape s = Shape.of(3, 5);
    Node x = b.param("x", s);
    double[] weights = new double[s.size()];
    double[] values = new double[s.size()];
    for (int i = 0; i < values.length; i++) {
      weights[i] = r.nextGaussian();
      values[i] = 4 * r.nextGaussian();
    }
    Node loss = b.sumAll(b.mul(b.unary(ScalarOp.SOFTPLUS, x), b.constant(Tensor.wrap(s, weights))));
    Function f = new Function("softplus", Graph.of("loss", loss));
    GradientCheckReport report =
        GradientCheck.check(
            f, "loss", Map.of("x", Tensor.wrap(s, values)), seed, Tolerance.standard());
    assertTrue(report.passed(), "seed " + seed + ": " + report.summary());
  }

  @Test
  void gradientIsTheSigmoid() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.param("x", Shape.of(4));
    Node loss = b.sumAll(b.unary(ScalarOp.SOFTPLUS, x));
    Node dx = Grad.grad(b, loss, List.of(x)).get(0);
    double[] v = {-30, -1, 0.5, 30};
    Tensor got =
        Interpreter.evaluate(
                Graph.of("dx", dx), Map.of("x", Tensor.wrap(Shape.of(4), v)), DType.F64)
            .get("dx");
    for (int i = 0; i < v.length; i++) {
      assertEquals(ScalarOp.SIGMOID.apply(v[i]), got.get(i), 1e-15, "at " + v[i]);
    }
  }
}
