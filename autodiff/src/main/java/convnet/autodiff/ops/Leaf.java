package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/**
 * Inputs, parameters and constants: values come from outside the graph (or are the constant
 * itself).
 */
final class Leaf implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    if (attrs instanceof Attrs.Leaf l) {
      return l.shape();
    }
    return ((Attrs.Constant) attrs).value().shape();
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    if (attrs instanceof Attrs.Constant c) {
      return c.value();
    }
    throw new IllegalStateException(
        "inputs and parameters are bound by the interpreter, not evaluated");
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    return Grads.none("a leaf has no inputs");
  }

  @Override
  public Fusion fusion() {
    return Fusion.SOURCE;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    throw new IllegalStateException("a leaf has no code: " + y);
  }
}
