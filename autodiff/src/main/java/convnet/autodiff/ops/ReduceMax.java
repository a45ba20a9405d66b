package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/** Maximum over a set of axes. */
final class ReduceMax implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Shape s = Reductions.shape(in.get(0), (Attrs.Reduce) attrs);
    for (int a : ((Attrs.Reduce) attrs).axes()) {
      if (in.get(0).dim(a) == 0) {
        throw new convnet.autodiff.ShapeException(
            "maximum over the empty axis " + a + " of " + in.get(0));
      }
    }
    return s;
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    return Reductions.reduce(
        in.get(0), (Attrs.Reduce) attrs, out, Double.NEGATIVE_INFINITY, Math::max);
  }

  /**
   * The adjoint is shared equally among tied maxima (a valid subgradient that keeps the op
   * symmetric).
   */
  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    Node x = y.input(0);
    Attrs.Reduce r = (Attrs.Reduce) y.attrs();
    Shape kept = Reductions.keptShape(x.shape(), r.axes());
    Node isMax = g.eq(x, g.reshape(y, kept));
    Node count = g.sum(isMax, r.axes(), true);
    return Grads.of(g.mul(isMax, g.div(g.reshape(dy, kept), count)));
  }

  @Override
  public Fusion fusion() {
    return Fusion.REDUCTION;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.reduceMax(in.get(0), ((Attrs.Reduce) y.attrs()).axes());
  }

  @Override
  public long flops(Node y) {
    return y.input(0).shape().size();
  }
}
