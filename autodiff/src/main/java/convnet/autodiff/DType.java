package convnet.autodiff;

/** The precision an interpreter evaluates in: every op's result is rounded to this type. */
public enum DType {
  F32,
  F64;

  /** Rounds {@code v} to this precision. */
  public double round(double v) {
    return this == F32 ? (double) (float) v : v;
  }
}
