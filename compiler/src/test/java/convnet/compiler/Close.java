package convnet.compiler;

import static org.junit.jupiter.api.Assertions.fail;

import convnet.autodiff.Tensor;
import java.util.Locale;
import java.util.Map;

/**
 * Comparison of float32 compiled results with the interpreter.
 *
 * <p>Tolerance: |compiled − reference| ≤ atol + rtol·|reference| elementwise, with atol =
 * absScale·max|reference| over the tensor. A float32 sum of K terms carries a rounding error up to
 * about K·2⁻²⁴ times the sum of the terms' magnitudes; the largest sums here (convolution and
 * weight-gradient reductions) have K ≤ 2000, which gives ≈1e-4 of the tensor's scale. rtol covers
 * elementwise chains (tanh, exp, log, division) of a few ulps each.
 */
final class Close {
  static final double ABS_SCALE = 2e-4;
  static final double RTOL = 1e-3;

  private Close() {}

  static void assertAllClose(
      Map<String, Tensor> expected, Map<String, Tensor> actual, String context) {
    for (Map.Entry<String, Tensor> e : expected.entrySet()) {
      Tensor got = actual.get(e.getKey());
      if (got == null) {
        fail(context + ": no output " + e.getKey());
      }
      assertClose(e.getValue(), got, context + ", output " + e.getKey());
    }
  }

  static void assertClose(Tensor expected, Tensor actual, String context) {
    if (!expected.shape().equals(actual.shape())) {
      fail(context + ": shape " + actual.shape() + ", expected " + expected.shape());
    }
    double scale = 0;
    for (double v : expected.data()) {
      scale = Math.max(scale, Math.abs(v));
    }
    double atol = ABS_SCALE * Math.max(scale, 1e-30);
    for (int i = 0; i < expected.size(); i++) {
      double want = expected.get(i);
      double got = actual.get(i);
      boolean bothNaN = Double.isNaN(want) && Double.isNaN(got);
      if (!bothNaN && !(Math.abs(got - want) <= atol + RTOL * Math.abs(want))) {
        fail(
            String.format(
                Locale.ROOT,
                "%s: element %d is %.9g, expected %.9g (atol %.3g, rtol %.3g, tensor scale %.3g)",
                context,
                i,
                got,
                want,
                atol,
                RTOL,
                scale));
      }
    }
  }
}
