package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/** Elementwise unary ops (the {@link convnet.autodiff.ScalarOp} is in the attributes). */
final class Unary implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    if (((Attrs.Elementwise) attrs).op().arity() != 1) {
      throw new convnet.autodiff.ShapeException(
          ((Attrs.Elementwise) attrs).op() + " is not a unary op");
    }
    return in.get(0);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    var op = ((Attrs.Elementwise) attrs).op();
    return in.get(0).map(op::apply);
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
