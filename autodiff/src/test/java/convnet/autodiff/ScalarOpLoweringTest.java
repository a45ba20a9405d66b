package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.ops.PrimitiveExpressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every scalar op's code-generation rule computes what its reference semantics computes: evaluating
 * the rule's words as primitive ops ({@link PrimitiveExpressions}) in double precision gives {@link
 * ScalarOp#apply}. This also checks that each word names the primitive op of the same meaning.
 */
class ScalarOpLoweringTest {

  /** Words evaluated: each primitive op by its own apply. */
  private static final PrimitiveExpressions<Double> VALUES =
      new PrimitiveExpressions<>() {
        @Override
        protected Double apply(ScalarOp op, List<Double> args) {
          return switch (args.size()) {
            case 1 -> op.apply(args.get(0));
            case 2 -> op.apply(args.get(0), args.get(1));
            default -> op.apply(args.get(0), args.get(1), args.get(2));
          };
        }

        @Override
        public Double constant(double value) {
          return value;
        }
      };

  @ParameterizedTest
  @EnumSource(ScalarOp.class)
  void loweringComputesTheReferenceValue(ScalarOp op) {
    Random r = new Random(op.ordinal());
    for (int trial = 0; trial < 200; trial++) {
      List<Double> args = new ArrayList<>();
      for (int i = 0; i < op.arity(); i++) {
        // Positive operands where the op needs them; a few exact zeros and ties for sign and
        // comparisons.
        double v = trial % 10 == 0 ? 0 : 4 * r.nextGaussian();
        args.add(
            op == ScalarOp.LOG || op == ScalarOp.SQRT || op == ScalarOp.POW && i == 0
                ? Math.abs(v) + 0.1
                : v);
      }
      double expected =
          switch (op.arity()) {
            case 1 -> op.apply(args.get(0));
            case 2 -> op.apply(args.get(0), args.get(1));
            default -> op.apply(args.get(0), args.get(1), args.get(2));
          };
      double got = VALUES.expand(op, args);
      if (Double.isNaN(expected)) {
        assertTrue(Double.isNaN(got), op + " at " + args + " gave " + got + ", not NaN");
        continue;
      }
      // softplus lowers to log(1 + e), which loses what log1p keeps of a tiny e: at most e itself.
      assertEquals(expected, got, 1e-12 * (1 + Math.abs(expected)), op + " at " + args);
    }
  }
}
