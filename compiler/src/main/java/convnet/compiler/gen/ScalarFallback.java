package convnet.compiler.gen;

import convnet.autodiff.ops.ElementwiseCode;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a kernel must use scalar code to give the same bits on every run. The Vector API's
 * transcendental lanewise ops give different roundings when the JIT has compiled them (SVML stubs)
 * and before (per-lane Math calls), so a kernel using them would change its results as it warms up.
 * exp, log, tanh and sigmoid have vector forms built from plain arithmetic ({@link VectorMath}) and
 * stay vectorised; pow has none, so a kernel with pow runs scalar code, whose {@link FastMath#pow}
 * rounds Math's intrinsic, which the interpreter and the compilers share.
 */
public final class ScalarFallback {
  private ScalarFallback() {}

  /**
   * Whether the vector code of some operation reachable from {@code roots} would use a
   * transcendental lanewise op of the Vector API (today only pow).
   */
  public static boolean needed(List<Expr> roots) {
    ArrayDeque<Expr> stack = new ArrayDeque<>(roots);
    Set<Expr> seen = new HashSet<>();
    while (!stack.isEmpty()) {
      Expr e = stack.pop();
      if (!seen.add(e) || !(e instanceof Expr.Apply a)) {
        continue;
      }
      List<Boolean> none = java.util.Collections.nCopies(a.args().size(), false);
      if (a.op().lower(TRANSCENDENTAL, none)) {
        return true;
      }
      stack.addAll(a.args());
    }
    return false;
  }

  /** Evaluates to true when an operation's vector code calls a transcendental lanewise op. */
  private static final ElementwiseCode<Boolean> TRANSCENDENTAL =
      new ElementwiseCode<>() {
        @Override
        public Boolean constant(double value) {
          return false;
        }

        @Override
        public Boolean neg(Boolean x) {
          return x;
        }

        @Override
        public Boolean abs(Boolean x) {
          return x;
        }

        @Override
        public Boolean exp(Boolean x) {
          return x;
        }

        @Override
        public Boolean log(Boolean x) {
          return x;
        }

        @Override
        public Boolean tanh(Boolean x) {
          return x;
        }

        @Override
        public Boolean sigmoid(Boolean x) {
          return x;
        }

        @Override
        public Boolean sqrt(Boolean x) {
          return x;
        }

        @Override
        public Boolean square(Boolean x) {
          return x;
        }

        @Override
        public Boolean reciprocal(Boolean x) {
          return x;
        }

        @Override
        public Boolean relu(Boolean x) {
          return x;
        }

        @Override
        public Boolean add(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean sub(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean mul(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean div(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean pow(Boolean a, Boolean b) {
          return true;
        }

        @Override
        public Boolean max(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean min(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean gt(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean ge(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean lt(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean le(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean eq(Boolean a, Boolean b) {
          return a || b;
        }

        @Override
        public Boolean select(Boolean c, Boolean a, Boolean b) {
          return c || a || b;
        }
      };
}
