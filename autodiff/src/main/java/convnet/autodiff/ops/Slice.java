package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;

/** The contiguous block [start, end) on each axis. */
final class Slice implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Attrs.Slice s = (Attrs.Slice) attrs;
    Shape x = in.get(0);
    if (s.start().size() != x.rank()) {
      throw new ShapeException("slice " + s.start() + ".." + s.end() + " does not fit shape " + x);
    }
    int[] d = new int[x.rank()];
    for (int i = 0; i < d.length; i++) {
      if (s.end().get(i) > x.dim(i)) {
        throw new ShapeException(
            "slice end "
                + s.end().get(i)
                + " exceeds dimension "
                + x.dim(i)
                + " on axis "
                + i
                + " of "
                + x);
      }
      d[i] = s.end().get(i) - s.start().get(i);
    }
    return Shape.of(d);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    Attrs.Slice s = (Attrs.Slice) attrs;
    double[] y = new double[out.size()];
    Indexing.copyBlock(
        in.get(0).data(),
        in.get(0).shape(),
        Indexing.ints(s.start()),
        y,
        out,
        new int[out.rank()],
        out.dims());
    return Tensor.wrap(out, y);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    Attrs.Slice s = (Attrs.Slice) y.attrs();
    Shape x = y.input(0).shape();
    List<Integer> after = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      after.add(x.dim(i) - s.end().get(i));
    }
    return Grads.of(g.pad(dy, s.start(), after));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  /** The sub-block copied out, starting at the slice's first element. */
  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    List<Integer> start = ((Attrs.Slice) y.attrs()).start();
    int[] inStrides = y.input(0).shape().strides();
    int offset = 0;
    for (int a = 0; a < start.size(); a++) {
      offset += start.get(a) * inStrides[a];
    }
    return k.copy(0, y.shape().dims(), inStrides, offset, y.shape().strides(), 0, false);
  }
}
