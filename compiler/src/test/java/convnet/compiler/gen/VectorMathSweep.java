package convnet.compiler.gen;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every float (or every {@code step}-th bit pattern) through {@link VectorMath}'s exp, log, sigmoid
 * and tanh: the largest error in ulps against the double-precision functions, where it occurs, and
 * whether {@link FastMath} gives the same bits on every input. Not a unit test; run with {@code
 * java --add-modules jdk.incubator.vector -cp
 * compiler/target/classes:compiler/target/test-classes:autodiff/target/classes
 * convnet.compiler.gen.VectorMathSweep [step [function...]]} (step 1, the default, covers all 2^32
 * patterns; the functions default to exp, log, sigmoid and tanh).
 */
public final class VectorMathSweep {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private VectorMathSweep() {}

  /** Error of {@code actual} in units of the last place of the exact result rounded to float. */
  static double ulps(float actual, double exact) {
    float rounded = (float) exact;
    if (Float.isNaN(rounded) || Float.isInfinite(rounded)) {
      return Float.floatToIntBits(actual) == Float.floatToIntBits(rounded)
          ? 0
          : Double.POSITIVE_INFINITY;
    }
    if (Float.isNaN(actual) || Float.isInfinite(actual)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.abs(actual - exact) / Math.ulp(rounded);
  }

  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  public static void main(String[] args) {
    long step = args.length > 0 ? Long.parseLong(args[0]) : 1;
    List<String> names =
        args.length > 1
            ? List.of(args).subList(1, args.length)
            : List.of("exp", "log", "sigmoid", "tanh");
    if (names.contains("exp")) {
      sweep("exp", VectorMath::exp, FastMath::exp, Math::exp, step);
    }
    if (names.contains("log")) {
      sweep("log", VectorMath::log, FastMath::log, Math::log, step);
    }
    if (names.contains("sigmoid")) {
      sweep("sigmoid", VectorMath::sigmoid, FastMath::sigmoid, VectorMathSweep::sigmoid, step);
    }
    if (names.contains("tanh")) {
      sweep("tanh", VectorMath::tanh, FastMath::tanh, Math::tanh, step);
    }
  }

  interface VectorFunction {
    FloatVector apply(FloatVector x);
  }

  interface ScalarFunction {
    float apply(float x);
  }

  private static void sweep(
      String name,
      VectorFunction vector,
      ScalarFunction scalar,
      DoubleUnaryOperator exact,
      long step) {
    int lanes = SPECIES.length();
    int[] lane = new int[lanes];
    for (int l = 0; l < lanes; l++) {
      lane[l] = (int) (l * step);
    }
    IntVector offsets = IntVector.fromArray(IntVector.SPECIES_PREFERRED, lane, 0);
    float[] in = new float[lanes];
    float[] out = new float[lanes];
    double worst = 0;
    float worstAt = Float.NaN;
    double worstNormal = 0;
    long mismatches = 0;
    long count = 0;
    float firstMismatch = Float.NaN;
    long started = System.nanoTime();
    for (long bits = 0; bits < (1L << 32); bits += step * lanes) {
      offsets.add((int) bits).reinterpretAsFloats().intoArray(in, 0);
      vector.apply(FloatVector.fromArray(SPECIES, in, 0)).intoArray(out, 0);
      for (int l = 0; l < lanes; l++) {
        float x = in[l];
        float y = out[l];
        count++;
        if (Float.floatToIntBits(y) != Float.floatToIntBits(scalar.apply(x))) {
          if (mismatches++ == 0) {
            firstMismatch = x;
          }
        }
        double e = ulps(y, exact.applyAsDouble(x));
        if (e > worst) {
          worst = e;
          worstAt = x;
        }
        if (e > worstNormal && Math.abs(exact.applyAsDouble(x)) >= Float.MIN_NORMAL) {
          worstNormal = e;
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%-8s %,d inputs: max %.3f ulp (at %s = %s), max %.3f ulp where the result is normal;"
            + " %d vector/scalar mismatches%s; %.0f s%n",
        name,
        count,
        worst,
        Float.toHexString(worstAt),
        worstAt,
        worstNormal,
        mismatches,
        mismatches == 0 ? "" : " (first at " + firstMismatch + ")",
        (System.nanoTime() - started) / 1e9);
  }
}
