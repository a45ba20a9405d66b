package convnet.compiler.gen;

/**
 * Float functions called by the scalar paths of generated kernels. exp, log, sigmoid and tanh are
 * {@link VectorMath}'s forms on one float: the same operations in the same order, each rounding as
 * its lanewise counterpart does, so a scalar kernel, the scalar tail of a vector run and the vector
 * lanes give the same bits (and no JIT tier changes them: only IEEE arithmetic, integer bit
 * operations and comparisons are used). pow and sqrt round a double-precision result once.
 */
public final class FastMath {
  // The constants of both forms live here, since this class must load in JVMs without the Vector
  // API module and VectorMath links it.

  // tanh(x) rounds to ±1 in float beyond this magnitude; clamping keeps the rational form in its
  // fitted range.
  static final float TANH_CLAMP = 7.90531110763549805f;
  // Rational minimax fit tanh(x) ≈ x·P(x²)/Q(x²) on [−7.9, 7.9]: at most 4e-7 absolute error (≤ 7
  // ulps near ±1).
  static final float A1 = 4.89352455891786e-03f;
  static final float A3 = 6.37261928875436e-04f;
  static final float A5 = 1.48572235717979e-05f;
  static final float A7 = 5.12229709037114e-08f;
  static final float A9 = -8.60467152213735e-11f;
  static final float A11 = 2.00018790482477e-13f;
  static final float A13 = -2.76076847742355e-16f;
  static final float B0 = 4.89352518554385e-03f;
  static final float B2 = 2.26843463243900e-03f;
  static final float B4 = 1.18534705686654e-04f;
  static final float B6 = 1.19825839466702e-06f;

  // 1.5·2^23: adding it to a float of magnitude below 2^22 rounds that float to an integer k (to
  // nearest, ties to even) and leaves k in the low bits of the sum's representation.
  static final float SHIFTER = 0x1.8p23f;
  static final int SHIFTER_BITS = 0x4b400000;
  static final float LOG2E = 1.44269504088896341f;
  // ln 2 = LN2_HIGH + LN2_LOW (Cody and Waite): LN2_HIGH has 9 significant bits, so k·LN2_HIGH is
  // exact for every |k| ≤ 2^15.
  static final float LN2_HIGH = 0.693359375f;
  static final float LN2_LOW = -2.12194440e-4f;
  // exp(x) overflows to +∞ above ln(MAX_VALUE) ≈ 88.72 and rounds to 0 below ln(2^-150) ≈ −103.97;
  // clamping to slightly beyond both keeps k in [−150, 128] and still gives +∞ and 0 there.
  static final float EXP_HIGH = 89f;
  static final float EXP_LOW = -104f;
  // e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2 (Cephes expf).
  static final float E0 = 5.0000001201e-1f;
  static final float E1 = 1.6666665459e-1f;
  static final float E2 = 4.1665795894e-2f;
  static final float E3 = 8.3334519073e-3f;
  static final float E4 = 1.3981999507e-3f;
  static final float E5 = 1.9875691500e-4f;

  // The bits of √½: subtracting them from x's bits splits x = m·2^e with m in [√½, √2).
  static final int SQRT_HALF_BITS = 0x3f3504f3;
  static final float TWO_23 = 0x1p23f;
  // log(1 + f) ≈ f − f²/2 + f³·P(f) on f in [√½ − 1, √2 − 1] (Cephes logf).
  static final float L0 = 3.3333331174e-1f;
  static final float L1 = -2.4999993993e-1f;
  static final float L2 = 2.0000714765e-1f;
  static final float L3 = -1.6668057665e-1f;
  static final float L4 = 1.4249322787e-1f;
  static final float L5 = -1.2420140846e-1f;
  static final float L6 = 1.1676998740e-1f;
  static final float L7 = -1.1514610310e-1f;
  static final float L8 = 7.0376836292e-2f;

  private FastMath() {}

  /** e^x; see {@link VectorMath#exp} for the method and the special values. */
  public static float exp(float v) {
    float x = Math.min(Math.max(v, EXP_LOW), EXP_HIGH);
    float shifted = x * LOG2E + SHIFTER;
    float k = shifted - SHIFTER;
    float r = x - k * LN2_HIGH - k * LN2_LOW;
    float p = r * E5 + E4;
    p = p * r + E3;
    p = p * r + E2;
    p = p * r + E1;
    p = p * r + E0;
    p = p * (r * r) + r + 1f;
    int ki = Float.floatToRawIntBits(shifted) - SHIFTER_BITS;
    int half = ki >> 1;
    float scale1 = Float.intBitsToFloat((half + 127) << 23);
    float scale2 = Float.intBitsToFloat((ki - half + 127) << 23);
    return p * scale1 * scale2;
  }

  /** The natural logarithm; see {@link VectorMath#log} for the method and the special values. */
  public static float log(float v) {
    boolean subnormal = v < Float.MIN_NORMAL;
    float x = v * (subnormal ? TWO_23 : 1f);
    int bits = Float.floatToRawIntBits(x);
    int e = (bits - SQRT_HALF_BITS) >> 23;
    float f = Float.intBitsToFloat(bits - (e << 23)) - 1f;
    float ef = Float.intBitsToFloat(e + SHIFTER_BITS) - SHIFTER + (subnormal ? -23f : 0f);
    float z = f * f;
    float y = f * L8 + L7;
    y = y * f + L6;
    y = y * f + L5;
    y = y * f + L4;
    y = y * f + L3;
    y = y * f + L2;
    y = y * f + L1;
    y = y * f + L0;
    y = y * f * z;
    y = y + ef * LN2_LOW;
    y = y + z * -0.5f;
    float result = f + y + ef * LN2_HIGH;
    if (v == Float.POSITIVE_INFINITY) {
      result = Float.POSITIVE_INFINITY;
    }
    if (v == 0f) {
      result = Float.NEGATIVE_INFINITY;
    }
    return v >= 0f ? result : Float.NaN;
  }

  /** tanh as the rational form of {@link VectorMath#tanh}. */
  public static float tanh(float v) {
    float x = Math.min(Math.max(v, -TANH_CLAMP), TANH_CLAMP);
    float x2 = x * x;
    float p = x2 * A13 + A11;
    p = x2 * p + A9;
    p = x2 * p + A7;
    p = x2 * p + A5;
    p = x2 * p + A3;
    p = x2 * p + A1;
    float q = x2 * B6 + B4;
    q = x2 * q + B2;
    q = x2 * q + B0;
    return x * (p / q);
  }

  /** The logistic function 1 / (1 + e^−x); see {@link VectorMath#sigmoid}. */
  public static float sigmoid(float x) {
    float t = exp(Math.min(x, -x));
    float numerator = x < 0f ? t : 1f;
    return numerator / (t + 1f);
  }

  public static float pow(float base, float exponent) {
    return (float) Math.pow(base, exponent);
  }

  public static float sqrt(float x) {
    return (float) Math.sqrt(x);
  }

  public static float reciprocal(float x) {
    return 1f / x;
  }

  public static float relu(float x) {
    return Math.max(x, 0f);
  }

  public static float gt(float a, float b) {
    return a > b ? 1f : 0f;
  }

  public static float ge(float a, float b) {
    return a >= b ? 1f : 0f;
  }

  public static float lt(float a, float b) {
    return a < b ? 1f : 0f;
  }

  public static float le(float a, float b) {
    return a <= b ? 1f : 0f;
  }

  public static float eq(float a, float b) {
    return a == b ? 1f : 0f;
  }

  /** {@code condition != 0 ? a : b}; a NaN condition selects a, as in the vector path. */
  public static float select(float condition, float a, float b) {
    return condition != 0f ? a : b;
  }
}
