package convnet.autodiff.io;

/** The element types read and written: little-endian float32, float64, int32, int64. */
public enum NpyType {
  FLOAT32("<f4", 4),
  FLOAT64("<f8", 8),
  INT32("<i4", 4),
  INT64("<i8", 8);

  private final String descr;
  private final int bytes;

  NpyType(String descr, int bytes) {
    this.descr = descr;
    this.bytes = bytes;
  }

  /** numpy's dtype string, e.g. {@code <f4}. */
  public String descr() {
    return descr;
  }

  public int bytes() {
    return bytes;
  }

  /** The type for a numpy dtype string, or null when unsupported. */
  static NpyType fromDescr(String d) {
    for (NpyType t : values()) {
      if (t.descr.equals(d)) {
        return t;
      }
    }
    return null;
  }
}
