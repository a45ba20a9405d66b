package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/**
 * The adjoint of average pooling: each window's gradient spread evenly (1/(kh·kw)) over its real
 * elements.
 */
final class AvgPoolBackward implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Attrs.PoolGrad a = (Attrs.PoolGrad) attrs;
    Shape expected = PoolMath.outputShape(a.inputShape(), a.pool());
    if (!expected.equals(in.get(0))) {
      throw new ShapeException(
          "pooled gradient has shape "
              + in.get(0)
              + " but pooling "
              + a.inputShape()
              + " gives "
              + expected);
    }
    return a.inputShape();
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    Attrs.Pool p = ((Attrs.PoolGrad) attrs).pool();
    return Tensor.wrap(
        out,
        PoolMath.spread(
            in.get(0).data(),
            out,
            in.get(0).shape(),
            p,
            1.0 / Windows.averageDivisor(p.windowH(), p.windowW())));
  }

  /** Linear, and the transpose of avgPool, so its adjoint is avgPool itself. */
  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    return Grads.of(g.avgPool(dy, ((Attrs.PoolGrad) y.attrs()).pool()));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.call(LibraryKernel.AVG_POOL_BACKWARD);
  }
}
