package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.ScalarOp;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/** Elementwise binary ops with numpy broadcasting. */
final class Binary implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    if (((Attrs.Elementwise) attrs).op().arity() != 2) {
      throw new ShapeException(((Attrs.Elementwise) attrs).op() + " is not a binary op");
    }
    return Shape.broadcast(in.get(0), in.get(1));
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    ScalarOp op = ((Attrs.Elementwise) attrs).op();
    double[] a = in.get(0).data();
    double[] b = in.get(1).data();
    double[] r = new double[out.size()];
    if (a.length == r.length && b.length == r.length) {
      for (int i = 0; i < r.length; i++) {
        r[i] = op.apply(a[i], b[i]);
      }
    } else {
      int[] ma = Indexing.broadcastMap(in.get(0).shape(), out);
      int[] mb = Indexing.broadcastMap(in.get(1).shape(), out);
      for (int i = 0; i < r.length; i++) {
        r[i] = op.apply(a[ma[i]], b[mb[i]]);
      }
    }
    return Tensor.wrap(out, r);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    return y.scalarOp().vjp(y, dy, g);
  }

  @Override
  public Fusion fusion() {
    return Fusion.ELEMENTWISE;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.apply(y.scalarOp(), in);
  }

  @Override
  public long flops(Node y) {
    return y.shape().size();
  }
}
