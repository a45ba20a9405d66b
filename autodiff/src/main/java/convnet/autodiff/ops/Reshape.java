package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/** Same values in C order under a new shape of equal size. */
final class Reshape implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Shape target = ((Attrs.Target) attrs).shape();
    if (target.size() != in.get(0).size()) {
      throw new ShapeException(
          "cannot reshape "
              + in.get(0)
              + " ("
              + in.get(0).size()
              + " elements) to "
              + target
              + " ("
              + target.size()
              + " elements)");
    }
    return target;
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    return in.get(0).reshape(out);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    return Grads.of(g.reshape(dy, y.input(0).shape()));
  }

  @Override
  public Fusion fusion() {
    return Fusion.VIEW;
  }

  // A view: the value is the input's, in the same buffer.
  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return in.get(0);
  }
}
