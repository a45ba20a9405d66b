package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/** Sum over a set of axes. */
final class ReduceSum implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    return Reductions.shape(in.get(0), (Attrs.Reduce) attrs);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    return Reductions.reduce(in.get(0), (Attrs.Reduce) attrs, out, 0, Double::sum);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    Shape x = y.input(0).shape();
    Shape kept = Reductions.keptShape(x, ((Attrs.Reduce) y.attrs()).axes());
    return Grads.of(g.broadcastTo(g.reshape(dy, kept), x));
  }

  @Override
  public Fusion fusion() {
    return Fusion.REDUCTION;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.reduceSum(in.get(0), ((Attrs.Reduce) y.attrs()).axes());
  }

  @Override
  public long flops(Node y) {
    return y.input(0).shape().size();
  }
}
