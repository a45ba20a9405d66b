package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.ScalarOp;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/** where(cond != 0, a, b) with broadcasting of all three inputs. */
final class Where implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    return Shape.broadcast(Shape.broadcast(in.get(0), in.get(1)), in.get(2));
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    int[] mc = Indexing.broadcastMap(in.get(0).shape(), out);
    int[] ma = Indexing.broadcastMap(in.get(1).shape(), out);
    int[] mb = Indexing.broadcastMap(in.get(2).shape(), out);
    double[] c = in.get(0).data();
    double[] a = in.get(1).data();
    double[] b = in.get(2).data();
    double[] r = new double[out.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = c[mc[i]] != 0 ? a[ma[i]] : b[mb[i]];
    }
    return Tensor.wrap(out, r);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    Node c = y.input(0);
    Node zero = g.scalar(0);
    return Grads.partial(
        "the condition selects, it is not differentiable",
        null,
        g.where(c, dy, zero),
        g.where(c, zero, dy));
  }

  @Override
  public Fusion fusion() {
    return Fusion.ELEMENTWISE;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.apply(ScalarOp.SELECT, in);
  }

  @Override
  public long flops(Node y) {
    return y.shape().size();
  }
}
