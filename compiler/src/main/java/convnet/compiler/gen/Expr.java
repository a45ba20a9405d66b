package convnet.compiler.gen;

import java.util.List;

/**
 * A node of the scalar expression DAG of a fused kernel, evaluated once per element of the
 * iteration space; equal nodes are computed once.
 */
public sealed interface Expr {

    /** Element of buffer {@code slot}, of the given shape broadcast (numpy rules) over the iteration space. */
    record Load(int slot, Dims shape) implements Expr {
        public Load {
            if (slot < 0) {
                throw new IllegalArgumentException("negative buffer slot " + slot);
            }
            if (shape == null) {
                throw new IllegalArgumentException("load of slot " + slot + " has no shape");
            }
        }
    }

    /** A float constant. */
    record Const(float value) implements Expr {
        @Override
        public boolean equals(Object other) {
            // Bit equality, so -0 and 0 stay distinct nodes and NaN equals itself.
            return other instanceof Const c && Float.floatToRawIntBits(c.value) == Float.floatToRawIntBits(value);
        }

        @Override
        public int hashCode() {
            return Float.floatToRawIntBits(value);
        }
    }

    /** A scalar operation applied to its arguments. */
    record Apply(ScalarOp op, List<Expr> args) implements Expr {
        public Apply {
            args = List.copyOf(args);
            if (args.size() != op.arity()) {
                throw new IllegalArgumentException(op + " takes " + op.arity() + " arguments, got " + args.size());
            }
        }
    }

    static Load load(int slot, Dims shape) {
        return new Load(slot, shape);
    }

    static Const constant(float value) {
        return new Const(value);
    }

    static Apply apply(ScalarOp op, Expr... args) {
        return new Apply(op, List.of(args));
    }
}
