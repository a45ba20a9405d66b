package convnet.compiler.gen;

import jdk.incubator.vector.FloatVector;

/**
 * Vector forms of transcendental functions built only from lanewise add, multiply, divide, min and
 * max, which round the same way in every JIT tier, so a kernel gives the same bits before and after
 * it is compiled (the Vector API's own TANH does not: compiled code uses other routines than the
 * per-lane fallback).
 */
public final class VectorMath {
  // tanh(x) rounds to ±1 in float beyond this magnitude; clamping keeps the rational form in its
  // fitted range.
  private static final float TANH_CLAMP = 7.90531110763549805f;
  // Rational minimax fit tanh(x) ≈ x·P(x²)/Q(x²) on [−7.9, 7.9]: at most 4e-7 absolute error (≤ 7
  // ulps near ±1).
  private static final float A1 = 4.89352455891786e-03f;
  private static final float A3 = 6.37261928875436e-04f;
  private static final float A5 = 1.48572235717979e-05f;
  private static final float A7 = 5.12229709037114e-08f;
  private static final float A9 = -8.60467152213735e-11f;
  private static final float A11 = 2.00018790482477e-13f;
  private static final float A13 = -2.76076847742355e-16f;
  private static final float B0 = 4.89352518554385e-03f;
  private static final float B2 = 2.26843463243900e-03f;
  private static final float B4 = 1.18534705686654e-04f;
  private static final float B6 = 1.19825839466702e-06f;

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
    p = x.mul(p);
    FloatVector q = x2.mul(B6).add(B4);
    q = x2.mul(q).add(B2);
    q = x2.mul(q).add(B0);
    return p.div(q);
  }
}
