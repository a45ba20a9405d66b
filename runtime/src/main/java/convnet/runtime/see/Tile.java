package convnet.runtime.see;

/**
 * One picture of a grid: {@code channels × height × width} values (channel-major), shown in colour
 * when there are 3 channels and in grey when there is 1, mapped to pixels linearly from [{@code
 * low}, {@code high}] to [0, 255] (values outside are clipped).
 */
public record Tile(float[] values, int channels, int height, int width, double low, double high) {
  public Tile {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("a tile has 1 or 3 channels, not " + channels);
    }
    if (height < 1 || width < 1 || values.length != channels * height * width) {
      throw new IllegalArgumentException(
          "tile of "
              + channels
              + "x"
              + height
              + "x"
              + width
              + " with "
              + values.length
              + " values");
    }
  }

  /** A tile stretched to its own range: its least value black, its greatest white. */
  public static Tile stretched(float[] values, int channels, int height, int width) {
    double[] range = range(values);
    return new Tile(values, channels, height, width, range[0], range[1]);
  }

  /** [min, max] of {@code values}, ignoring non-finite ones; [0, 0] when there are none. */
  public static double[] range(float[] values) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (float v : values) {
      if (Float.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return lo > hi ? new double[] {0, 0} : new double[] {lo, hi};
  }

  /**
   * The 8-bit level of value {@code v}: (v − low)/(high − low) scaled to 0..255 and rounded; a flat
   * range (high = low) shows mid grey, so a constant filter is not mistaken for black.
   */
  public int level(float v) {
    if (!(high > low)) {
      return 128;
    }
    double t = (v - low) / (high - low);
    return (int) Math.round(255 * Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)));
  }

  /** The packed RGB of pixel (row, column). */
  public int rgb(int row, int column) {
    int plane = height * width;
    int at = row * width + column;
    if (channels == 1) {
      int g = level(values[at]);
      return g << 16 | g << 8 | g;
    }
    return level(values[at]) << 16 | level(values[plane + at]) << 8 | level(values[2 * plane + at]);
  }
}
