package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.ops.Ops;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpRegistryTest {
  @Test
  void everyKindHasARule() {
    for (OpKind k : OpKind.values()) {
      assertTrue(Ops.hasRule(k), "no rule for " + k);
      assertNotNull(k.rule(), k.toString());
    }
  }

  @Test
  void everyScalarOpEvaluatesAndHasAVjp() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.param("x", Shape.of(2));
    Node y = b.param("y", Shape.of(2));
    for (ScalarOp op : ScalarOp.values()) {
      if (op == ScalarOp.SELECT) {
        continue; // the scalar form of WHERE, which has its own rule
      }
      Node n = op.arity() == 1 ? b.unary(op, x) : b.binary(op, x, y);
      var grads = n.kind().rule().vjp(n, b.full(n.shape(), 1), b);
      assertNotNull(grads, op.toString());
      if (!op.isComparison() && op != ScalarOp.SIGN) {
        assertNotNull(grads.get(0), "no gradient for the first operand of " + op);
      }
      double v = op.arity() == 1 ? op.apply(0.5) : op.apply(0.5, 0.25);
      assertTrue(!Double.isNaN(v), op.toString());
    }
  }

  @Test
  void gradientTestsCoverEveryNonLeafKind() {
    List<String> covered =
        OpGradientProperties.cases().stream()
            .map(OpGradientProperties.OpCase::kind)
            .map(Enum::name)
            .toList();
    for (OpKind k : OpKind.values()) {
      if (!k.isLeaf()) {
        assertTrue(covered.contains(k.name()), "no gradient property test for " + k);
      }
    }
  }
}
