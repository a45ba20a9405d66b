package convnet.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An immutable list of non-negative dimensions; four-dimensional image tensors are NCHW. */
public final class Shape {
  private final int[] dims;
  private final long size;

  private Shape(int[] dims) {
    long s = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "negative dimension " + dims[i] + " at axis " + i + " in " + Arrays.toString(dims));
      }
      s *= dims[i];
      if (s > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
      }
    }
    this.dims = dims;
    this.size = s;
  }

  /** The shape with the given dimensions. */
  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  /** The shape with the given dimensions. */
  public static Shape of(List<Integer> dims) {
    return new Shape(dims.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The shape of a scalar (rank 0, one element). */
  public static Shape scalar() {
    return new Shape(new int[0]);
  }

  public int rank() {
    return dims.length;
  }

  /** Dimension {@code axis}; negative axes count from the end. */
  public int dim(int axis) {
    return dims[normalizeAxis(axis)];
  }

  /** Number of elements. */
  public int size() {
    return (int) size;
  }

  public int[] dims() {
    return dims.clone();
  }

  public List<Integer> toList() {
    List<Integer> l = new ArrayList<>(dims.length);
    for (int d : dims) {
      l.add(d);
    }
    return List.copyOf(l);
  }

  /** Row-major (C order) strides in elements. */
  public int[] strides() {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /** Maps a possibly negative axis to [0, rank); throws with a clear message when out of range. */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw new ShapeException("axis " + axis + " is out of range for shape " + this);
    }
    return a;
  }

  /** This shape with {@code axis} replaced by {@code value}. */
  public Shape with(int axis, int value) {
    int[] d = dims.clone();
    d[normalizeAxis(axis)] = value;
    return new Shape(d);
  }

  /** The numpy broadcast of two shapes, or a {@link ShapeException} naming both. */
  public static Shape broadcast(Shape a, Shape b) {
    int r = Math.max(a.rank(), b.rank());
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i - (r - a.rank()) >= 0 ? a.dims[i - (r - a.rank())] : 1;
      int db = i - (r - b.rank()) >= 0 ? b.dims[i - (r - b.rank())] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new ShapeException(
            "shapes "
                + a
                + " and "
                + b
                + " do not broadcast (axis "
                + i
                + ": "
                + da
                + " vs "
                + db
                + ")");
      }
      out[i] = da == 1 ? db : da;
    }
    return new Shape(out);
  }

  /** Whether this shape broadcasts to {@code target} under numpy rules. */
  public boolean broadcastsTo(Shape target) {
    if (rank() > target.rank()) {
      return false;
    }
    int off = target.rank() - rank();
    for (int i = 0; i < rank(); i++) {
      if (dims[i] != 1 && dims[i] != target.dims[i + off]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Prints as {@code [2, 3, 4]}. */
  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
