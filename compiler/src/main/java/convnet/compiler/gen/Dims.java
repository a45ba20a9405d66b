package convnet.compiler.gen;

import java.util.Arrays;

/** An immutable list of positive extents, row-major (the last dimension is contiguous). */
public final class Dims {
  /** Iteration spaces and buffers have at most this many dimensions. */
  public static final int MAX_RANK = 5;

  private final int[] sizes;

  private Dims(int[] sizes) {
    this.sizes = sizes;
  }

  /** Checks rank 1..5 and sizes ≥ 1. */
  public static Dims of(int... sizes) {
    if (sizes.length == 0 || sizes.length > MAX_RANK) {
      throw new IllegalArgumentException(
          "rank must be 1.." + MAX_RANK + ", got " + Arrays.toString(sizes));
    }
    long count = 1;
    for (int size : sizes) {
      if (size < 1) {
        throw new IllegalArgumentException(
            "every size must be at least 1, got " + Arrays.toString(sizes));
      }
      count *= size;
      if (count > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "more than 2^31-1 elements in " + Arrays.toString(sizes));
      }
    }
    return new Dims(sizes.clone());
  }

  public int rank() {
    return sizes.length;
  }

  public int size(int axis) {
    return sizes[axis];
  }

  public int[] toArray() {
    return sizes.clone();
  }

  public int elementCount() {
    int count = 1;
    for (int size : sizes) {
      count *= size;
    }
    return count;
  }

  /** Row-major strides of a dense buffer of these extents. */
  public int[] strides() {
    int[] strides = new int[sizes.length];
    int stride = 1;
    for (int axis = sizes.length - 1; axis >= 0; axis--) {
      strides[axis] = stride;
      stride *= sizes[axis];
    }
    return strides;
  }

  /**
   * Per-axis strides of this buffer read over a larger iteration space under numpy broadcasting
   * (shapes right-aligned, each extent 1 or equal), 0 on broadcast axes.
   *
   * @throws IllegalArgumentException if this shape does not broadcast to the space
   */
  public int[] broadcastStrides(Dims space) {
    if (rank() > space.rank()) {
      throw new IllegalArgumentException(
          "shape " + this + " has more dimensions than the iteration space " + space);
    }
    int[] own = strides();
    int[] result = new int[space.rank()];
    int shift = space.rank() - rank();
    for (int axis = 0; axis < rank(); axis++) {
      int size = sizes[axis];
      int target = space.size(axis + shift);
      if (size == target) {
        result[axis + shift] = target == 1 ? 0 : own[axis];
      } else if (size == 1) {
        result[axis + shift] = 0;
      } else {
        throw new IllegalArgumentException(
            "shape "
                + this
                + " does not broadcast to "
                + space
                + ": axis "
                + axis
                + " has size "
                + size
                + ", expected 1 or "
                + target);
      }
    }
    return result;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Dims dims && Arrays.equals(sizes, dims.sizes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sizes);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("[");
    for (int axis = 0; axis < sizes.length; axis++) {
      text.append(axis == 0 ? "" : ",").append(sizes[axis]);
    }
    return text.append(']').toString();
  }
}
