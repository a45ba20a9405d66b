package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/** Max pooling; padding never wins (it is -infinity). */
final class MaxPool implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    return PoolMath.outputShape(in.get(0), (Attrs.Pool) attrs);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    Attrs.Pool p = (Attrs.Pool) attrs;
    Shape xs = in.get(0).shape();
    double[] x = in.get(0).data();
    double[] y = new double[out.size()];
    PoolMath.forEachWindow(
        xs,
        out,
        (base, o, oy, ox) -> y[o] = x[PoolMath.argmax(x, base, xs.dim(2), xs.dim(3), oy, ox, p)]);
    return Tensor.wrap(out, y);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    return Grads.of(g.maxPoolBackward(y.input(0), dy, (Attrs.Pool) y.attrs()));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.call(LibraryKernel.MAX_POOL_FORWARD);
  }
}
