package convnet.autodiff;

/**
 * The scalar operations of elementwise nodes ({@link OpKind#UNARY} and {@link OpKind#BINARY}).
 *
 * <p>Comparisons return 1.0 for true and 0.0 for false. A code generator switches over this enum.
 */
public enum ScalarOp {
    NEG(1), ABS(1), SIGN(1), EXP(1), LOG(1), TANH(1), SIGMOID(1), SQRT(1), SQUARE(1), RECIPROCAL(1), RELU(1),
    ADD(2), SUB(2), MUL(2), DIV(2), POW(2), MAX(2), MIN(2),
    GT(2), GE(2), LT(2), LE(2), EQ(2);

    private final int arity;

    ScalarOp(int arity) {
        this.arity = arity;
    }

    /** 1 for unary operations, 2 for binary ones. */
    public int arity() {
        return arity;
    }

    /** Whether the result is a 0/1 truth value (its derivative is zero almost everywhere). */
    public boolean isComparison() {
        return this == GT || this == GE || this == LT || this == LE || this == EQ;
    }

    /** The lower-case name used in printed graphs. */
    public String symbol() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Applies a unary operation. */
    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            // Split on the sign so exp never overflows: both branches are the same function.
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1 / x;
            // Strict '>' so relu(0) = 0 and its derivative at 0 is 0, matching the vjp.
            case RELU -> x > 0 ? x : 0;
            default -> throw new IllegalStateException(this + " is not unary");
        };
    }

    /** Applies a binary operation. */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
            default -> throw new IllegalStateException(this + " is not binary");
        };
    }
}
