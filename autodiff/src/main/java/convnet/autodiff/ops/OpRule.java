package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/** Everything about one primitive op: its shape rule, its reference semantics and its symbolic gradient. */
public interface OpRule {

    /** The output shape for these input shapes, or a {@link convnet.autodiff.ShapeException} saying why not. */
    Shape shape(List<Shape> in, Attrs attrs);

    /** Reference semantics in double precision; inputs have the shapes {@link #shape} accepted, {@code out} is its result. */
    Tensor eval(List<Tensor> in, Attrs attrs, Shape out);

    /**
     * Vector-Jacobian product: given {@code y} (a node of this kind) and the adjoint {@code dy} (shape of y), the
     * adjoint of each input, built from other ops so that it can be differentiated again. An input's adjoint may
     * have the broadcast shape of {@code y}; {@link convnet.autodiff.Grad} sums it back to the input's shape.
     */
    Grads vjp(Node y, Node dy, GraphBuilder g);
}
