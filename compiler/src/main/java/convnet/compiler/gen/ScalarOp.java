package convnet.compiler.gen;

/** The scalar operations of fused kernels; compares give 1 or 0, {@code SELECT(c, a, b)} is {@code c != 0 ? a : b}. */
public enum ScalarOp {
    NEG(1), ABS(1), EXP(1), LOG(1), TANH(1), SIGMOID(1), SQRT(1), SQUARE(1), RECIPROCAL(1), RELU(1),
    ADD(2), SUB(2), MUL(2), DIV(2), POW(2), MAX(2), MIN(2),
    GT(2), GE(2), LT(2), LE(2), EQ(2),
    SELECT(3);

    private final int arity;

    ScalarOp(int arity) {
        this.arity = arity;
    }

    public int arity() {
        return arity;
    }

    public boolean isCompare() {
        return this == GT || this == GE || this == LT || this == LE || this == EQ;
    }
}
