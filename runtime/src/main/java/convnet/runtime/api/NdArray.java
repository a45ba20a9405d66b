package convnet.runtime.api;

import java.util.Arrays;

/**
 * A dense float32 array in row-major order with its shape: images [N, C, H, W], logits [N, K], a
 * weight or a gradient. The arrays given are copied, and so are the ones handed out, so a value
 * never changes.
 */
public final class NdArray {
  private final int[] shape;
  private final float[] data;

  private NdArray(int[] shape, float[] data) {
    this.shape = shape;
    this.data = data;
  }

  /** An array of {@code shape} holding {@code data} (copied); the sizes must agree. */
  public static NdArray of(int[] shape, float[] data) {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " holds "
              + size
              + " values, but "
              + data.length
              + " were given");
    }
    return new NdArray(shape.clone(), data.clone());
  }

  /** Wraps arrays this package made and hands over. */
  static NdArray own(int[] shape, float[] data) {
    return new NdArray(shape, data);
  }

  /** The dimensions. */
  public int[] shape() {
    return shape.clone();
  }

  /** The values, row-major (a copy). */
  public float[] toFloatArray() {
    return data.clone();
  }

  /** Number of values. */
  public int size() {
    return data.length;
  }

  /** The value at a full index, one coordinate per dimension. */
  public float get(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException(
          "index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IndexOutOfBoundsException(
            "index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
      }
      flat = flat * shape[i] + index[i];
    }
    return data[flat];
  }

  /**
   * The index of the largest value of each row of a [N, K] array: predicted classes from logits.
   */
  public int[] argmaxRows() {
    if (shape.length != 2) {
      throw new IllegalStateException(
          "argmaxRows needs a [N, K] array, this one is " + Arrays.toString(shape));
    }
    int[] out = new int[shape[0]];
    for (int r = 0; r < shape[0]; r++) {
      int best = 0;
      for (int k = 1; k < shape[1]; k++) {
        if (data[r * shape[1] + k] > data[r * shape[1] + best]) {
          best = k;
        }
      }
      out[r] = best;
    }
    return out;
  }

  float[] data() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NdArray a && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "NdArray" + Arrays.toString(shape);
  }
}
