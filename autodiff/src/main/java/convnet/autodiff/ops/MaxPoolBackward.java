package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/**
 * The adjoint of max pooling: inputs (x, dy); each window's dy goes to the first argmax of x in
 * that window.
 */
final class MaxPoolBackward implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Shape expected = PoolMath.outputShape(in.get(0), (Attrs.Pool) attrs);
    if (!expected.equals(in.get(1))) {
      throw new ShapeException(
          "pooled gradient has shape "
              + in.get(1)
              + " but pooling "
              + in.get(0)
              + " gives "
              + expected);
    }
    return in.get(0);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    Attrs.Pool p = (Attrs.Pool) attrs;
    double[] x = in.get(0).data();
    double[] dy = in.get(1).data();
    double[] dx = new double[out.size()];
    PoolMath.forEachWindow(
        out,
        in.get(1).shape(),
        (base, o, oy, ox) ->
            dx[PoolMath.argmax(x, base, out.dim(2), out.dim(3), oy, ox, p)] += dy[o]);
    return Tensor.wrap(out, dx);
  }

  /** Linear in dy, whose adjoint gathers at the argmax; the argmax is piecewise constant in x. */
  @Override
  public Grads vjp(Node y, Node g2, GraphBuilder g) {
    return Grads.partial(
        "the argmax routing is piecewise constant in x",
        null,
        g.maxPoolSelect(y.input(0), g2, (Attrs.Pool) y.attrs()));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.call(LibraryKernel.MAX_POOL_BACKWARD);
  }
}
