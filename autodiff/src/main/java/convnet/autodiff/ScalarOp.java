package convnet.autodiff;

import convnet.autodiff.ops.ElementwiseCode;
import convnet.autodiff.ops.Grads;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scalar operations of elementwise nodes ({@link OpKind#UNARY}, {@link OpKind#BINARY}; {@link
 * #SELECT} is the scalar form of {@link OpKind#WHERE}), each one definition: its value in double
 * precision, its gradient (for unary and binary operations) and its code in the {@link
 * ElementwiseCode} vocabulary.
 *
 * <p>Comparisons return 1.0 for true and 0.0 for false. Operations named by {@link #function()} can
 * be called in a {@code fn} body of the language.
 */
public enum ScalarOp {
  NEG(1, null) {
    @Override
    public double apply(double x) {
      return -x;
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.neg(dy));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.neg(a.get(0));
    }
  },
  ABS(1, "abs") {
    @Override
    public double apply(double x) {
      return Math.abs(x);
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.mul(dy, g.sign(y.input(0))));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.abs(a.get(0));
    }
  },
  SIGN(1, null) {
    @Override
    public double apply(double x) {
      return Math.signum(x);
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.none("sign is piecewise constant");
    }

    /** sign(x) = (x > 0) − (x < 0): 1, −1 or 0 (NaN gives 0 here, NaN in {@link #apply}). */
    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      V zero = k.constant(0);
      return k.sub(k.gt(a.get(0), zero), k.lt(a.get(0), zero));
    }
  },
  EXP(1, "exp") {
    @Override
    public double apply(double x) {
      return Math.exp(x);
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.mul(dy, y));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.exp(a.get(0));
    }
  },
  LOG(1, "log") {
    @Override
    public double apply(double x) {
      return Math.log(x);
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.div(dy, y.input(0)));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.log(a.get(0));
    }
  },
  TANH(1, "tanh") {
    @Override
    public double apply(double x) {
      return Math.tanh(x);
    }

    // d tanh = 1 - tanh^2, written with y so no second tanh is computed.
    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.mul(dy, g.sub(g.scalar(1), g.square(y))));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.tanh(a.get(0));
    }
  },
  SIGMOID(1, "sigmoid") {
    // Split on the sign so exp never overflows: both branches are the same function.
    @Override
    public double apply(double x) {
      return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.mul(dy, g.mul(y, g.sub(g.scalar(1), y))));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.sigmoid(a.get(0));
    }
  },
  SQRT(1, "sqrt") {
    @Override
    public double apply(double x) {
      return Math.sqrt(x);
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.div(g.mul(dy, 0.5), y));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.sqrt(a.get(0));
    }
  },
  SQUARE(1, null) {
    @Override
    public double apply(double x) {
      return x * x;
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.mul(dy, g.mul(y.input(0), 2)));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.square(a.get(0));
    }
  },
  RECIPROCAL(1, null) {
    @Override
    public double apply(double x) {
      return 1 / x;
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.neg(g.mul(dy, g.square(y))));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.reciprocal(a.get(0));
    }
  },
  RELU(1, null) {
    // Strict '>' so relu(0) = 0 and its derivative at 0 is 0, matching the vjp.
    @Override
    public double apply(double x) {
      return x > 0 ? x : 0;
    }

    /**
     * dy · (relu(x) &gt; 0), the same mask as (x &gt; 0) for every x (NaN and −0.0 included), read
     * from the output: a training step then keeps relu(x), which pooling and the next layer need
     * anyway, instead of storing a mask beside it (one pass less over the activation).
     */
    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.mul(dy, g.gt(y, 0)));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.relu(a.get(0));
    }
  },
  /** softplus(x) = log(1 + exp(x)), a smooth relu. */
  SOFTPLUS(1, "softplus") {
    // max(x, 0) + log(1 + exp(-|x|)) is the same function, and exp never overflows.
    @Override
    public double apply(double x) {
      return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    // d softplus(x) / dx = exp(x) / (1 + exp(x)) = sigmoid(x).
    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.mul(dy, g.sigmoid(y.input(0))));
    }

    // The vocabulary has no log1p: in float32, log(1 + e) loses e < 2^-24 entirely, an absolute
    // error below
    // 6e-8 (the result is then max(x, 0) + e to within that).
    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      V x = a.get(0);
      return k.add(k.relu(x), k.log(k.add(k.constant(1), k.exp(k.neg(k.abs(x))))));
    }
  },
  ADD(2, null) {
    @Override
    public double apply(double a, double b) {
      return a + b;
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(dy, dy);
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.add(a.get(0), a.get(1));
    }
  },
  SUB(2, null) {
    @Override
    public double apply(double a, double b) {
      return a - b;
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(dy, g.neg(dy));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.sub(a.get(0), a.get(1));
    }
  },
  MUL(2, null) {
    @Override
    public double apply(double a, double b) {
      return a * b;
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      return Grads.of(g.mul(dy, y.input(1)), g.mul(dy, y.input(0)));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.mul(a.get(0), a.get(1));
    }
  },
  DIV(2, null) {
    @Override
    public double apply(double a, double b) {
      return a / b;
    }

    // d(a/b)/db = -a/b^2 = -y/b.
    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      Node b = y.input(1);
      return Grads.of(g.div(dy, b), g.neg(g.div(g.mul(dy, y), b)));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.div(a.get(0), a.get(1));
    }
  },
  POW(2, null) {
    @Override
    public double apply(double a, double b) {
      return Math.pow(a, b);
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      Node a = y.input(0);
      Node b = y.input(1);
      return Grads.of(
          g.mul(dy, g.mul(b, g.pow(a, g.sub(b, g.scalar(1))))), g.mul(dy, g.mul(y, g.log(a))));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.pow(a.get(0), a.get(1));
    }
  },
  MAX(2, "max") {
    @Override
    public double apply(double a, double b) {
      return Math.max(a, b);
    }

    // Ties go to the first operand, matching Math.max's choice of either (they are equal).
    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      Node a = y.input(0);
      Node b = y.input(1);
      return Grads.of(g.mul(dy, g.ge(a, b)), g.mul(dy, g.lt(a, b)));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.max(a.get(0), a.get(1));
    }
  },
  MIN(2, "min") {
    @Override
    public double apply(double a, double b) {
      return Math.min(a, b);
    }

    @Override
    public Grads vjp(Node y, Node dy, GraphBuilder g) {
      Node a = y.input(0);
      Node b = y.input(1);
      return Grads.of(g.mul(dy, g.le(a, b)), g.mul(dy, g.gt(a, b)));
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.min(a.get(0), a.get(1));
    }
  },
  GT(2, null) {
    @Override
    public double apply(double a, double b) {
      return a > b ? 1 : 0;
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.gt(a.get(0), a.get(1));
    }
  },
  GE(2, null) {
    @Override
    public double apply(double a, double b) {
      return a >= b ? 1 : 0;
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.ge(a.get(0), a.get(1));
    }
  },
  LT(2, null) {
    @Override
    public double apply(double a, double b) {
      return a < b ? 1 : 0;
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.lt(a.get(0), a.get(1));
    }
  },
  LE(2, null) {
    @Override
    public double apply(double a, double b) {
      return a <= b ? 1 : 0;
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.le(a.get(0), a.get(1));
    }
  },
  EQ(2, null) {
    @Override
    public double apply(double a, double b) {
      return a == b ? 1 : 0;
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.eq(a.get(0), a.get(1));
    }
  },
  /**
   * select(c, a, b) = c != 0 ? a : b, the scalar form of {@link OpKind#WHERE} (which carries its
   * gradient).
   */
  SELECT(3, null) {
    @Override
    public double apply(double c, double a, double b) {
      return c != 0 ? a : b;
    }

    @Override
    public <V> V lower(ElementwiseCode<V> k, List<V> a) {
      return k.select(a.get(0), a.get(1), a.get(2));
    }
  };

  private final int arity;
  private final String function;

  ScalarOp(int arity, String function) {
    this.arity = arity;
    this.function = function;
  }

  /** 1 for unary operations, 2 for binary ones, 3 for {@link #SELECT}. */
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

  /** The name a {@code fn} body calls this operation by, or null when it cannot be called there. */
  public String function() {
    return function;
  }

  /** The operations a {@code fn} body can call, by name, in declaration order. */
  public static Map<String, ScalarOp> functions() {
    Map<String, ScalarOp> byName = new LinkedHashMap<>();
    for (ScalarOp op : values()) {
      if (op.function != null) {
        byName.put(op.function, op);
      }
    }
    return byName;
  }

  /** Applies a unary operation. */
  public double apply(double x) {
    throw new IllegalStateException(this + " is not unary");
  }

  /** Applies a binary operation. */
  public double apply(double a, double b) {
    throw new IllegalStateException(this + " is not binary");
  }

  /** Applies a ternary operation. */
  public double apply(double c, double a, double b) {
    throw new IllegalStateException(this + " is not ternary");
  }

  /**
   * The adjoints of the inputs of {@code y}, a unary or binary node of this operation, given its
   * adjoint {@code dy}; built from other ops, so it can be differentiated again.
   */
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    if (isComparison()) {
      return Grads.none("comparisons are piecewise constant");
    }
    throw new IllegalStateException(this + " has no gradient rule of its own");
  }

  /** This operation applied to {@code args}, in the code generator's vocabulary. */
  public abstract <V> V lower(ElementwiseCode<V> k, List<V> args);
}
