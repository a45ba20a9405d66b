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
            throw new convnet.autodiff.ShapeException(((Attrs.Elementwise) attrs).op() + " is not a unary op");
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
        Node x = y.input(0);
        return switch (y.scalarOp()) {
            case NEG -> Grads.of(g.neg(dy));
            case ABS -> Grads.of(g.mul(dy, g.sign(x)));
            case SIGN -> Grads.none("sign is piecewise constant");
            case EXP -> Grads.of(g.mul(dy, y));
            case LOG -> Grads.of(g.div(dy, x));
            // d tanh = 1 - tanh^2, written with y so no second tanh is computed.
            case TANH -> Grads.of(g.mul(dy, g.sub(g.scalar(1), g.square(y))));
            case SIGMOID -> Grads.of(g.mul(dy, g.mul(y, g.sub(g.scalar(1), y))));
            case SQRT -> Grads.of(g.div(g.mul(dy, 0.5), y));
            case SQUARE -> Grads.of(g.mul(dy, g.mul(x, 2)));
            case RECIPROCAL -> Grads.of(g.neg(g.mul(dy, g.square(y))));
            // Subgradient 0 at x == 0, matching eval's strict '>'.
            case RELU -> Grads.of(g.mul(dy, g.gt(x, 0)));
            default -> throw new IllegalStateException(y.scalarOp() + " is not unary");
        };
    }
}
