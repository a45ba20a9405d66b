package convnet.compiler.gen;

/**
 * Float functions called by the scalar paths of generated kernels; each is within 1 ulp of the
 * exact result because it rounds a double-precision result once (the double intrinsics {@link
 * Math#exp}, {@link Math#log} and {@link Math#pow} are themselves within 1 double ulp).
 */
public final class FastMath {
  // Below this |x|, tanh(x) rounds to x in float: the next term, x³/3, is under half an ulp of x.
  private static final float TANH_LINEAR_LIMIT = 0x1p-12f;
  // Above this |x|, tanh(x) rounds to ±1 in float: 1 − tanh(x) ≈ 2e^{−2x} < 2^-25.
  private static final float TANH_SATURATION = 9.1f;

  private FastMath() {}

  public static float exp(float x) {
    return (float) Math.exp(x);
  }

  public static float log(float x) {
    return (float) Math.log(x);
  }

  public static float pow(float base, float exponent) {
    return (float) Math.pow(base, exponent);
  }

  public static float sqrt(float x) {
    return (float) Math.sqrt(x);
  }

  /** tanh through one exp in double: tanh|x| = (1 − e^{−2|x|}) / (1 + e^{−2|x|}). */
  public static float tanh(float x) {
    float magnitude = Math.abs(x);
    if (magnitude < TANH_LINEAR_LIMIT) {
      return x;
    }
    if (magnitude > TANH_SATURATION) {
      return Math.copySign(1f, x);
    }
    double e = Math.exp(-2.0 * magnitude);
    return Math.copySign((float) ((1.0 - e) / (1.0 + e)), x);
  }

  /** The logistic function 1 / (1 + e^{−x}) evaluated in double. */
  public static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
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
