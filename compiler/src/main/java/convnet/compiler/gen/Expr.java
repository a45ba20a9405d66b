package convnet.compiler.gen;

import convnet.autodiff.ScalarOp;
import java.util.List;

/**
 * A node of the scalar expression DAG of a fused kernel, evaluated once per element of the
 * iteration space; equal nodes are computed once.
 */
public sealed interface Expr {

  /**
   * Element of buffer {@code slot}, of the given shape broadcast (numpy rules) over the iteration
   * space.
   */
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
      return other instanceof Const c
          && Float.floatToRawIntBits(c.value) == Float.floatToRawIntBits(value);
    }

    @Override
    public int hashCode() {
      return Float.floatToRawIntBits(value);
    }
  }

  /**
   * A scalar operation applied to its arguments. Not a record: its hash is computed once from its
   * arguments' (already computed) hashes, so hashing a deep or shared DAG costs one step per node
   * instead of recursing through it (a chain of thousands of nodes would overflow the stack, and a
   * node reading one argument twice would double the work at every level).
   */
  final class Apply implements Expr {
    private final ScalarOp op;
    private final List<Expr> args;
    private final int hash;

    public Apply(ScalarOp op, List<Expr> args) {
      this.args = List.copyOf(args);
      this.op = java.util.Objects.requireNonNull(op, "op");
      if (this.args.size() != op.arity()) {
        throw new IllegalArgumentException(
            op + " takes " + op.arity() + " arguments, got " + this.args.size());
      }
      int h = op.hashCode();
      for (Expr arg : this.args) {
        h = 31 * h + arg.hashCode();
      }
      this.hash = h;
    }

    public ScalarOp op() {
      return op;
    }

    public List<Expr> args() {
      return args;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    /**
     * Structural equality, compared with an explicit stack (no recursion) and cut short by identity
     * and hash.
     */
    @Override
    public boolean equals(Object other) {
      if (this == other) {
        return true;
      }
      if (!(other instanceof Apply)) {
        return false;
      }
      java.util.ArrayDeque<Expr[]> pairs = new java.util.ArrayDeque<>();
      pairs.push(new Expr[] {this, (Apply) other});
      while (!pairs.isEmpty()) {
        Expr[] pair = pairs.pop();
        Expr a = pair[0];
        Expr b = pair[1];
        if (a == b) {
          continue;
        }
        if (a.hashCode() != b.hashCode()) {
          return false;
        }
        if (a instanceof Apply x && b instanceof Apply y) {
          if (x.op != y.op) {
            return false;
          }
          for (int i = 0; i < x.args.size(); i++) {
            pairs.push(new Expr[] {x.args.get(i), y.args.get(i)});
          }
        } else if (a instanceof Apply || b instanceof Apply || !a.equals(b)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return "Apply[op=" + op + ", args=" + args.size() + "]";
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
