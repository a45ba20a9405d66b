package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FastMathTest {

  /** Distance in float ulps of the result from the exact (double) value. */
  static double ulps(float actual, double exact) {
    return VectorMathSweep.ulps(actual, exact);
  }

  static void assertWithinUlps(
      String name,
      double bound,
      long seed,
      java.util.function.Function<Float, Float> f,
      DoubleUnaryOperator exact,
      float low,
      float high) {
    Random random = new Random(seed);
    double worst = 0;
    for (int i = 0; i < 100_000; i++) {
      float x =
          i % 2 == 0
              ? low + random.nextFloat() * (high - low)
              : (float)
                  (Math.signum(random.nextGaussian())
                      * Math.pow(2, -30 + random.nextInt(36) + random.nextDouble()));
      if (x < low || x > high) {
        continue;
      }
      double error = ulps(f.apply(x), exact.applyAsDouble(x));
      worst = Math.max(worst, error);
      assertTrue(error <= bound, name + " seed " + seed + " at x=" + x + ": " + error + " ulps");
    }
    assertTrue(
        worst > 0, name + " seed " + seed + ": no rounding seen at all, the test is not testing");
  }

  // exp, log, sigmoid and tanh are the scalar forms of VectorMath's, so that every path of a
  // kernel gives the same bits; their bounds are the largest errors a sweep of every 41st float
  // found (docs/kernels.md, "Vector exp, log, sigmoid"), rounded up: exp 0.97, log 0.79,
  // sigmoid 2.34, tanh 6.37 ulps. Before, they rounded Math's double results (within 1 ulp) and
  // differed from the vector path.

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void tanhIsWithinSevenUlps(long seed) {
    assertWithinUlps("tanh", 7, seed, FastMath::tanh, Math::tanh, -20f, 20f);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void sigmoidIsWithinTwoAndAHalfUlps(long seed) {
    assertWithinUlps("sigmoid", 2.5, seed, FastMath::sigmoid, VectorMathSweep::sigmoid, -80f, 80f);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void expAndLogAreWithinOneUlp(long seed) {
    assertWithinUlps("exp", 1, seed, FastMath::exp, Math::exp, -103f, 88f);
    assertWithinUlps("log", 1, seed, FastMath::log, Math::log, 1e-30f, 1e30f);
  }

  @Test
  void specialValues() {
    assertEquals(1f, FastMath.tanh(Float.POSITIVE_INFINITY));
    assertEquals(-1f, FastMath.tanh(-30f));
    assertTrue(Float.isNaN(FastMath.tanh(Float.NaN)));
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(FastMath.tanh(-0f)));
    assertEquals(0f, FastMath.sigmoid(Float.NEGATIVE_INFINITY));
    assertEquals(1f, FastMath.select(Float.NaN, 1f, 2f));
    assertEquals(2f, FastMath.select(0f, 1f, 2f));
    assertEquals(0f, FastMath.relu(-3f));
    assertEquals(1f, FastMath.ge(2f, 2f));
    assertEquals(0f, FastMath.gt(2f, 2f));
  }
}
