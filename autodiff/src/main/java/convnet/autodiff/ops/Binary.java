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
        Node a = y.input(0);
        Node b = y.input(1);
        return switch (y.scalarOp()) {
            case ADD -> Grads.of(dy, dy);
            case SUB -> Grads.of(dy, g.neg(dy));
            case MUL -> Grads.of(g.mul(dy, b), g.mul(dy, a));
            // d(a/b)/db = -a/b^2 = -y/b.
            case DIV -> Grads.of(g.div(dy, b), g.neg(g.div(g.mul(dy, y), b)));
            case POW -> Grads.of(g.mul(dy, g.mul(b, g.pow(a, g.sub(b, g.scalar(1))))), g.mul(dy, g.mul(y, g.log(a))));
            // Ties go to the first operand, matching Math.max's choice of either (they are equal).
            case MAX -> Grads.of(g.mul(dy, g.ge(a, b)), g.mul(dy, g.lt(a, b)));
            case MIN -> Grads.of(g.mul(dy, g.le(a, b)), g.mul(dy, g.gt(a, b)));
            case GT, GE, LT, LE, EQ -> Grads.none("comparisons are piecewise constant");
            default -> throw new IllegalStateException(y.scalarOp() + " is not binary");
        };
    }
}
