package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/**
 * Inputs (x, v) of equal shape: for each pooling window, v at the first argmax of x (so maxPool(x)
 * = select(x, x)).
 */
final class MaxPoolSelect implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    if (!in.get(0).equals(in.get(1))) {
      throw new ShapeException(
          "selected values have shape "
              + in.get(1)
              + ", not the shape of the pooled input "
              + in.get(0));
    }
    return PoolMath.outputShape(in.get(0), (Attrs.Pool) attrs);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    Attrs.Pool p = (Attrs.Pool) attrs;
    Shape xs = in.get(0).shape();
    double[] x = in.get(0).data();
    double[] v = in.get(1).data();
    double[] y = new double[out.size()];
    PoolMath.forEachWindow(
        xs,
        out,
        (base, o, oy, ox) -> y[o] = v[PoolMath.argmax(x, base, xs.dim(2), xs.dim(3), oy, ox, p)]);
    return Tensor.wrap(out, y);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    return Grads.partial(
        "the argmax routing is piecewise constant in x",
        null,
        g.maxPoolBackward(y.input(0), dy, (Attrs.Pool) y.attrs()));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.call(LibraryKernel.MAX_POOL_SELECT);
  }
}
