package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/**
 * Everything about one primitive op: its shape rule, its reference semantics, its symbolic gradient
 * and its code-generation rule (a fusion class, a lowering into the {@link Lowering} vocabulary and
 * a flop count).
 */
public interface OpRule {

  /**
   * The output shape for these input shapes, or a {@link convnet.autodiff.ShapeException} saying
   * why not.
   */
  Shape shape(List<Shape> in, Attrs attrs);

  /**
   * Reference semantics in double precision; inputs have the shapes {@link #shape} accepted, {@code
   * out} is its result.
   */
  Tensor eval(List<Tensor> in, Attrs attrs, Shape out);

  /**
   * Vector-Jacobian product: given {@code y} (a node of this kind) and the adjoint {@code dy}
   * (shape of y), the adjoint of each input, built from other ops so that it can be differentiated
   * again. An input's adjoint may have the broadcast shape of {@code y}; {@link
   * convnet.autodiff.Grad} sums it back to the input's shape.
   */
  Grads vjp(Node y, Node dy, GraphBuilder g);

  /** How a code generator partitions nodes of this op into kernels. */
  Fusion fusion();

  /**
   * The code of node {@code y}, written in the code generator's vocabulary; {@code in} holds the
   * values of y's inputs. Only {@link Fusion#ELEMENTWISE}, {@link Fusion#REDUCTION} and {@link
   * Fusion#LIBRARY} ops are lowered.
   */
  <V> V lower(Node y, Lowering<V> k, List<V> in);

  /**
   * Arithmetic operations of one evaluation of {@code y}, for throughput figures: a multiply-add
   * counts two, an elementwise operation one per element; ops that only move data count none.
   */
  default long flops(Node y) {
    return 0;
  }

  /**
   * For {@link Fusion#COMPOSITE} ops: {@code y} rebuilt from other ops of {@code g} over the inputs
   * {@code in} (the same values, computed as {@link #eval} does).
   */
  default Node decompose(Node y, List<Node> in, GraphBuilder g) {
    throw new IllegalStateException(y.kind() + " is not a composite op");
  }
}
