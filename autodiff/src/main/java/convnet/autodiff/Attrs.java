package convnet.autodiff;

import java.util.List;
import java.util.Objects;

/** The typed attribute record of a node; each {@link OpKind} names the record type it uses. */
public sealed interface Attrs {

  /** Text for printed graphs; empty when there is nothing to say. */
  String describe();

  /** No attributes. */
  record None() implements Attrs {
    public static final None INSTANCE = new None();

    public String describe() {
      return "";
    }
  }

  /** Name and shape of an input or parameter. */
  record Leaf(String name, Shape shape) implements Attrs {
    public Leaf {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(shape, "shape");
      if (name.isBlank()) {
        throw new IllegalArgumentException("leaf name must not be blank");
      }
    }

    public String describe() {
      return '"' + name + '"';
    }
  }

  /** A constant value. */
  record Constant(Tensor value) implements Attrs {
    public Constant {
      Objects.requireNonNull(value, "value");
    }

    public String describe() {
      if (value.size() == 1) {
        return Double.toString(value.get(0));
      }
      double first = value.get(0);
      return value.isUniform(first) ? "fill " + first : "tensor sum=" + sum(value);
    }

    private static double sum(Tensor t) {
      double s = 0;
      for (double v : t.data()) {
        s += v;
      }
      return s;
    }
  }

  /** The scalar operation of an elementwise node. */
  record Elementwise(ScalarOp op) implements Attrs {
    public Elementwise {
      Objects.requireNonNull(op, "op");
    }

    public String describe() {
      return op.symbol();
    }
  }

  /** Axes (non-negative, strictly increasing) to reduce, and whether to keep them as size 1. */
  record Reduce(List<Integer> axes, boolean keepDims) implements Attrs {
    public Reduce {
      axes = List.copyOf(axes);
      for (int i = 0; i < axes.size(); i++) {
        if (axes.get(i) < 0 || (i > 0 && axes.get(i) <= axes.get(i - 1))) {
          throw new IllegalArgumentException(
              "reduce axes must be non-negative and strictly increasing: " + axes);
        }
      }
    }

    public String describe() {
      return "axes=" + axes + (keepDims ? " keepdims" : "");
    }
  }

  /** A target shape (broadcast, reshape). */
  record Target(Shape shape) implements Attrs {
    public Target {
      Objects.requireNonNull(shape, "shape");
    }

    public String describe() {
      return "to " + shape;
    }
  }

  /** An axis permutation. */
  record Permute(List<Integer> perm) implements Attrs {
    public Permute {
      perm = List.copyOf(perm);
      boolean[] seen = new boolean[perm.size()];
      for (int p : perm) {
        if (p < 0 || p >= perm.size() || seen[p]) {
          throw new IllegalArgumentException("not a permutation: " + perm);
        }
        seen[p] = true;
      }
    }

    public String describe() {
      return "perm=" + perm;
    }
  }

  /** Zero padding before and after each axis. */
  record Pad(List<Integer> before, List<Integer> after) implements Attrs {
    public Pad {
      before = List.copyOf(before);
      after = List.copyOf(after);
      if (before.size() != after.size()) {
        throw new IllegalArgumentException(
            "pad before/after lengths differ: " + before + " vs " + after);
      }
      for (int i = 0; i < before.size(); i++) {
        if (before.get(i) < 0 || after.get(i) < 0) {
          throw new IllegalArgumentException("negative padding: " + before + " / " + after);
        }
      }
    }

    public String describe() {
      return "before=" + before + " after=" + after;
    }
  }

  /** The block [start, end) on each axis. */
  record Slice(List<Integer> start, List<Integer> end) implements Attrs {
    public Slice {
      start = List.copyOf(start);
      end = List.copyOf(end);
      if (start.size() != end.size()) {
        throw new IllegalArgumentException(
            "slice start/end lengths differ: " + start + " vs " + end);
      }
      for (int i = 0; i < start.size(); i++) {
        if (start.get(i) < 0 || end.get(i) < start.get(i)) {
          throw new IllegalArgumentException(
              "bad slice bounds on axis " + i + ": [" + start.get(i) + ", " + end.get(i) + ")");
        }
      }
    }

    public String describe() {
      return "start=" + start + " end=" + end;
    }
  }

  /** One axis (non-negative). */
  record Axis(int axis) implements Attrs {
    public Axis {
      if (axis < 0) {
        throw new IllegalArgumentException("axis must be non-negative: " + axis);
      }
    }

    public String describe() {
      return "axis=" + axis;
    }
  }

  /** Stride, symmetric zero padding and group count of a 2-D convolution. */
  record Conv(int strideH, int strideW, int padH, int padW, int groups) implements Attrs {
    public Conv {
      if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0 || groups < 1) {
        throw new IllegalArgumentException(
            "bad convolution attributes: stride "
                + strideH
                + "x"
                + strideW
                + ", pad "
                + padH
                + "x"
                + padW
                + ", groups "
                + groups);
      }
    }

    public static Conv simple() {
      return new Conv(1, 1, 0, 0, 1);
    }

    public String describe() {
      return "stride="
          + strideH
          + "x"
          + strideW
          + " pad="
          + padH
          + "x"
          + padW
          + " groups="
          + groups;
    }
  }

  /** A convolution's attributes plus the shape of the operand being differentiated (x or w). */
  record ConvGrad(Conv conv, Shape operandShape) implements Attrs {
    public ConvGrad {
      Objects.requireNonNull(conv, "conv");
      Objects.requireNonNull(operandShape, "operandShape");
    }

    public String describe() {
      return conv.describe() + " shape=" + operandShape;
    }
  }

  /** Window, stride, symmetric padding and rounding of a 2-D pooling. */
  record Pool(int windowH, int windowW, int strideH, int strideW, int padH, int padW, boolean ceil)
      implements Attrs {
    public Pool {
      if (windowH < 1 || windowW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
        throw new IllegalArgumentException(
            "bad pooling attributes: window "
                + windowH
                + "x"
                + windowW
                + ", stride "
                + strideH
                + "x"
                + strideW
                + ", pad "
                + padH
                + "x"
                + padW);
      }
    }

    /** Non-overlapping windows of the given size, no padding, floor rounding. */
    public static Pool window(int h, int w) {
      return new Pool(h, w, h, w, 0, 0, false);
    }

    public String describe() {
      return "window="
          + windowH
          + "x"
          + windowW
          + " stride="
          + strideH
          + "x"
          + strideW
          + " pad="
          + padH
          + "x"
          + padW
          + (ceil ? " ceil" : "");
    }
  }

  /** A pooling's attributes plus the shape of its input. */
  record PoolGrad(Pool pool, Shape inputShape) implements Attrs {
    public PoolGrad {
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(inputShape, "inputShape");
    }

    public String describe() {
      return pool.describe() + " shape=" + inputShape;
    }
  }
}
