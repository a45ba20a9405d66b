package convnet.compiler.gen;

import static convnet.compiler.gen.FastMath.A1;
import static convnet.compiler.gen.FastMath.A11;
import static convnet.compiler.gen.FastMath.A13;
import static convnet.compiler.gen.FastMath.A3;
import static convnet.compiler.gen.FastMath.A5;
import static convnet.compiler.gen.FastMath.A7;
import static convnet.compiler.gen.FastMath.A9;
import static convnet.compiler.gen.FastMath.B0;
import static convnet.compiler.gen.FastMath.B2;
import static convnet.compiler.gen.FastMath.B4;
import static convnet.compiler.gen.FastMath.B6;
import static convnet.compiler.gen.FastMath.E0;
import static convnet.compiler.gen.FastMath.E1;
import static convnet.compiler.gen.FastMath.E2;
import static convnet.compiler.gen.FastMath.E3;
import static convnet.compiler.gen.FastMath.E4;
import static convnet.compiler.gen.FastMath.E5;
import static convnet.compiler.gen.FastMath.EXP_HIGH;
import static convnet.compiler.gen.FastMath.EXP_LOW;
import static convnet.compiler.gen.FastMath.L0;
import static convnet.compiler.gen.FastMath.L1;
import static convnet.compiler.gen.FastMath.L2;
import static convnet.compiler.gen.FastMath.L3;
import static convnet.compiler.gen.FastMath.L4;
import static convnet.compiler.gen.FastMath.L5;
import static convnet.compiler.gen.FastMath.L6;
import static convnet.compiler.gen.FastMath.L7;
import static convnet.compiler.gen.FastMath.L8;
import static convnet.compiler.gen.FastMath.LN2_HIGH;
import static convnet.compiler.gen.FastMath.LN2_LOW;
import static convnet.compiler.gen.FastMath.LOG2E;
import static convnet.compiler.gen.FastMath.SHIFTER;
import static convnet.compiler.gen.FastMath.SHIFTER_BITS;
import static convnet.compiler.gen.FastMath.SQRT_HALF_BITS;
import static convnet.compiler.gen.FastMath.TANH_CLAMP;
import static convnet.compiler.gen.FastMath.TWO_23;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector forms of transcendental functions built only from lanewise operations that every JIT tier
 * rounds the same way (float add, subtract, multiply, divide, min, max, negation; integer add,
 * subtract and shifts; bit reinterpretation; comparisons and blends), so a kernel gives the same
 * bits before and after it is compiled (the Vector API's own EXP, LOG and TANH do not: compiled
 * code uses other routines than the per-lane fallback). {@link FastMath} holds the same operations
 * in the same order on one float, so the scalar tail of a run, a scalar kernel and the vector lanes
 * give the same bits for the same input.
 *
 * <p>No conversion between float and int lanes is used: a float holding an integer k (|k| &lt;
 * 2^22) becomes an int, and back, through the bits of k + 1.5·2^23, whose low mantissa bits are k.
 */
public final class VectorMath {
  private VectorMath() {}

  /** tanh of every lane. */
  public static FloatVector tanh(FloatVector v) {
    FloatVector x = v.max(-TANH_CLAMP).min(TANH_CLAMP);
    FloatVector x2 = x.mul(x);
    FloatVector p = x2.mul(A13).add(A11);
    p = x2.mul(p).add(A9);
    p = x2.mul(p).add(A7);
    p = x2.mul(p).add(A5);
    p = x2.mul(p).add(A3);
    p = x2.mul(p).add(A1);
    FloatVector q = x2.mul(B6).add(B4);
    q = x2.mul(q).add(B2);
    q = x2.mul(q).add(B0);
    // x times P/Q, not x·P over Q: x·P would underflow for |x| near the smallest normal float
    // and lose bits that the division cannot bring back.
    return x.mul(p.div(q));
  }

  /**
   * e^x of every lane: x = k·ln2 + r with |r| ≤ ln2/2 (about), e^r by a polynomial, times 2^k built
   * in the exponent bits (in two factors 2^⌊k/2⌋·2^(k−⌊k/2⌋), both normal, so that results below
   * 2^-126 are rounded once into the subnormals). exp(+∞) = +∞, exp(−∞) = 0, NaN gives NaN; x above
   * ln(MAX_VALUE) gives +∞, x below −103.97 gives 0.
   */
  public static FloatVector exp(FloatVector v) {
    // max and min keep NaN (as Math.max and Math.min do), and NaN reaches the result through r.
    FloatVector x = v.max(EXP_LOW).min(EXP_HIGH);
    FloatVector shifted = x.mul(LOG2E).add(SHIFTER);
    FloatVector k = shifted.sub(SHIFTER);
    FloatVector r = x.sub(k.mul(LN2_HIGH)).sub(k.mul(LN2_LOW));
    FloatVector p = r.mul(E5).add(E4);
    p = p.mul(r).add(E3);
    p = p.mul(r).add(E2);
    p = p.mul(r).add(E1);
    p = p.mul(r).add(E0);
    p = p.mul(r.mul(r)).add(r).add(1f);
    IntVector ki = shifted.reinterpretAsInts().sub(SHIFTER_BITS);
    IntVector half = ki.lanewise(VectorOperators.ASHR, 1);
    FloatVector scale1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector scale2 =
        ki.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(scale1).mul(scale2);
  }

  /**
   * The natural logarithm of every lane: x = m·2^e with m in [√½, √2) split in the bits (subnormal
   * x first scaled by 2^23), log x = e·ln2 + log m with log m by a polynomial in f = m − 1. log(+∞)
   * = +∞, log(±0) = −∞, negative x and NaN give NaN.
   */
  public static FloatVector log(FloatVector v) {
    VectorMask<Float> subnormal = v.compare(VectorOperators.LT, Float.MIN_NORMAL);
    FloatVector x = v.mul(v.broadcast(1f).blend(TWO_23, subnormal));
    IntVector bits = x.reinterpretAsInts();
    IntVector e = bits.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 23);
    FloatVector f = bits.sub(e.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats().sub(1f);
    FloatVector ef =
        e.add(SHIFTER_BITS)
            .reinterpretAsFloats()
            .sub(SHIFTER)
            .add(v.broadcast(0f).blend(-23f, subnormal));
    return logTail(v, f, ef);
  }

  // The polynomial and the special cases of log, apart so that each method stays small enough for
  // the JIT to inline into the kernels (a vector that crosses a call that is not inlined is
  // allocated).
  private static FloatVector logTail(FloatVector v, FloatVector f, FloatVector ef) {
    FloatVector z = f.mul(f);
    FloatVector y = f.mul(L8).add(L7);
    y = y.mul(f).add(L6);
    y = y.mul(f).add(L5);
    y = y.mul(f).add(L4);
    y = y.mul(f).add(L3);
    y = y.mul(f).add(L2);
    y = y.mul(f).add(L1);
    y = y.mul(f).add(L0);
    y = y.mul(f).mul(z);
    y = y.add(ef.mul(LN2_LOW));
    y = y.add(z.mul(-0.5f));
    FloatVector result = f.add(y).add(ef.mul(LN2_HIGH));
    result =
        result.blend(
            Float.POSITIVE_INFINITY, v.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    result = result.blend(Float.NEGATIVE_INFINITY, v.compare(VectorOperators.EQ, 0f));
    // Lanes that are not ≥ 0 (negative or NaN) are NaN.
    return v.broadcast(Float.NaN).blend(result, v.compare(VectorOperators.GE, 0f));
  }

  /**
   * The logistic function 1 / (1 + e^−x) of every lane, as e^x / (1 + e^x) for negative x, so that
   * the exponential never overflows and results near 0 keep their relative accuracy.
   */
  public static FloatVector sigmoid(FloatVector x) {
    // min(x, −x) = −|x|, by operations whose rounding (none) and NaN handling every tier shares.
    FloatVector t = exp(x.min(x.neg()));
    FloatVector numerator = x.broadcast(1f).blend(t, x.compare(VectorOperators.LT, 0f));
    return numerator.div(t.add(1f));
  }
}
