package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Zero padding before and after each axis. */
final class Pad implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Attrs.Pad p = (Attrs.Pad) attrs;
    Shape x = in.get(0);
    if (p.before().size() != x.rank()) {
      throw new ShapeException(
          "padding " + p.before() + "/" + p.after() + " does not fit shape " + x);
    }
    int[] d = x.dims();
    for (int i = 0; i < d.length; i++) {
      d[i] += p.before().get(i) + p.after().get(i);
    }
    return Shape.of(d);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    Attrs.Pad p = (Attrs.Pad) attrs;
    Tensor x = in.get(0);
    double[] y = new double[out.size()];
    Indexing.copyBlock(
        x.data(),
        x.shape(),
        new int[x.shape().rank()],
        y,
        out,
        Indexing.ints(p.before()),
        x.shape().dims());
    return Tensor.wrap(out, y);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    Attrs.Pad p = (Attrs.Pad) y.attrs();
    Shape x = y.input(0).shape();
    List<Integer> end = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      end.add(p.before().get(i) + x.dim(i));
    }
    return Grads.of(g.slice(dy, p.before(), end));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  /** The input copied into a zeroed output, shifted by the padding before each axis. */
  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    List<Integer> before = ((Attrs.Pad) y.attrs()).before();
    int[] outStrides = y.shape().strides();
    int offset = 0;
    for (int a = 0; a < before.size(); a++) {
      offset += before.get(a) * outStrides[a];
    }
    Shape x = y.input(0).shape();
    return k.copy(0, x.dims(), x.strides(), 0, outStrides, offset, true);
  }
}
