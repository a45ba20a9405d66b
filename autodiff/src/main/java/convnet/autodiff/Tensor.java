package convnet.autodiff;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * An immutable dense array of doubles in row-major (C) order with a {@link Shape}.
 *
 * <p>The backing array is shared with callers of {@link #data()} for speed and must never be
 * written.
 */
public final class Tensor {
  private final Shape shape;
  private final double[] data;
  private int hash;

  private Tensor(Shape shape, double[] data) {
    if (shape.size() != data.length) {
      throw new IllegalArgumentException(
          "shape " + shape + " needs " + shape.size() + " values, got " + data.length);
    }
    this.shape = shape;
    this.data = data;
  }

  /** A tensor holding a copy of {@code data}. */
  public static Tensor of(Shape shape, double... data) {
    return new Tensor(shape, data.clone());
  }

  /** A tensor that takes ownership of {@code data}: the caller must not modify it afterwards. */
  public static Tensor wrap(Shape shape, double[] data) {
    return new Tensor(shape, data);
  }

  /** A tensor of the given float values (widened exactly to double). */
  public static Tensor ofFloats(Shape shape, float[] data) {
    double[] d = new double[data.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = data[i];
    }
    return new Tensor(shape, d);
  }

  public static Tensor scalar(double v) {
    return new Tensor(Shape.scalar(), new double[] {v});
  }

  public static Tensor full(Shape shape, double v) {
    double[] d = new double[shape.size()];
    Arrays.fill(d, v);
    return new Tensor(shape, d);
  }

  public static Tensor zeros(Shape shape) {
    return new Tensor(shape, new double[shape.size()]);
  }

  public Shape shape() {
    return shape;
  }

  public int size() {
    return data.length;
  }

  /** The backing array (row-major); read only. */
  public double[] data() {
    return data;
  }

  /** A fresh copy of the values. */
  public double[] toArray() {
    return data.clone();
  }

  /** The values rounded to float, row-major. */
  public float[] toFloatArray() {
    float[] f = new float[data.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) data[i];
    }
    return f;
  }

  public double get(int flatIndex) {
    return data[flatIndex];
  }

  /** The element at a multi-dimensional index. */
  public double at(int... index) {
    if (index.length != shape.rank()) {
      throw new IllegalArgumentException("index of rank " + index.length + " for shape " + shape);
    }
    int[] st = shape.strides();
    int f = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape.dim(i)) {
        throw new IndexOutOfBoundsException(
            "index " + Arrays.toString(index) + " out of shape " + shape);
      }
      f += index[i] * st[i];
    }
    return data[f];
  }

  /** The only element of a one-element tensor. */
  public double item() {
    if (data.length != 1) {
      throw new IllegalStateException("item() of a tensor of shape " + shape);
    }
    return data[0];
  }

  public Tensor map(DoubleUnaryOperator f) {
    double[] d = new double[data.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = f.applyAsDouble(data[i]);
    }
    return new Tensor(shape, d);
  }

  /** The same values viewed with another shape of equal size. */
  public Tensor reshape(Shape s) {
    return new Tensor(s, data);
  }

  /** Rounds every element to {@code dtype} (a no-op for F64). */
  public Tensor round(DType dtype) {
    return dtype == DType.F64 ? this : map(v -> (double) (float) v);
  }

  /** Whether every element equals {@code v}. */
  public boolean isUniform(double v) {
    for (double x : data) {
      if (Double.compare(x, v) != 0 && !(x == 0 && v == 0)) {
        return false;
      }
    }
    return true;
  }

  /** Largest absolute elementwise difference; shapes must match. */
  public double maxAbsDiff(Tensor o) {
    if (!shape.equals(o.shape)) {
      throw new IllegalArgumentException("shapes differ: " + shape + " vs " + o.shape);
    }
    double m = 0;
    for (int i = 0; i < data.length; i++) {
      double d = Math.abs(data[i] - o.data[i]);
      if (Double.isNaN(d)) {
        return Double.NaN;
      }
      m = Math.max(m, d);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && shape.equals(t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = 31 * shape.hashCode() + Arrays.hashCode(data);
      hash = h == 0 ? 1 : h;
    }
    return hash;
  }

  /** Shape plus up to 16 leading values. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor").append(shape).append(' ');
    int n = Math.min(16, data.length);
    sb.append('[');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(data[i]);
    }
    if (n < data.length) {
      sb.append(", ...");
    }
    return sb.append(']').toString();
  }
}
