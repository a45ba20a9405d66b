package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/** numpy broadcast_to. */
final class BroadcastTo implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Shape target = ((Attrs.Target) attrs).shape();
    if (!in.get(0).broadcastsTo(target)) {
      throw new ShapeException("cannot broadcast " + in.get(0) + " to " + target);
    }
    return target;
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    int[] map = Indexing.broadcastMap(in.get(0).shape(), out);
    double[] x = in.get(0).data();
    double[] r = new double[map.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[map[i]];
    }
    return Tensor.wrap(out, r);
  }

  /**
   * The adjoint of a broadcast is a sum over the broadcast axes, which Grad performs for every op.
   */
  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    return Grads.of(dy);
  }

  @Override
  public Fusion fusion() {
    return Fusion.ELEMENTWISE;
  }

  // Loads broadcast by their shape, so the value is the input's.
  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return in.get(0);
  }
}
