package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/** Concatenation along one axis. */
final class Concat implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    int axis = ((Attrs.Axis) attrs).axis();
    Shape first = in.get(0);
    if (axis >= first.rank()) {
      throw new ShapeException("concat axis " + axis + " is out of range for shape " + first);
    }
    int total = 0;
    for (int k = 0; k < in.size(); k++) {
      Shape s = in.get(k);
      if (s.rank() != first.rank() || !s.with(axis, 0).equals(first.with(axis, 0))) {
        throw new ShapeException(
            "concat part "
                + k
                + " has shape "
                + s
                + ", incompatible with "
                + first
                + " off axis "
                + axis);
      }
      total += s.dim(axis);
    }
    return first.with(axis, total);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    int axis = ((Attrs.Axis) attrs).axis();
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= out.dim(i);
    }
    int outRow = out.size() / Math.max(outer, 1);
    double[] y = new double[out.size()];
    int offset = 0;
    for (Tensor t : in) {
      int row = outer == 0 ? 0 : t.size() / outer;
      for (int o = 0; o < outer; o++) {
        System.arraycopy(t.data(), o * row, y, o * outRow + offset, row);
      }
      offset += row;
    }
    return Tensor.wrap(out, y);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    int axis = ((Attrs.Axis) y.attrs()).axis();
    Node[] parts = new Node[y.inputs().size()];
    int from = 0;
    for (int k = 0; k < parts.length; k++) {
      int len = y.input(k).shape().dim(axis);
      parts[k] = g.sliceAxis(dy, axis, from, from + len);
      from += len;
    }
    return Grads.of(parts);
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  /** One copy per part, each into its place along the axis. */
  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    int axis = ((Attrs.Axis) y.attrs()).axis();
    int[] outStrides = y.shape().strides();
    V value = null;
    int at = 0;
    for (int p = 0; p < y.inputs().size(); p++) {
      Shape part = y.input(p).shape();
      value = k.copy(p, part.dims(), part.strides(), 0, outStrides, at * outStrides[axis], false);
      at += part.dim(axis);
    }
    return value;
  }
}
