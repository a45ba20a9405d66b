package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hash-consing, node validation, broadcasting shapes and provenance. */
class GraphBuilderTest {
  @Test
  void equalNodesAreTheSameInstance() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(2, 3));
    assertSame(x, b.input("x", Shape.of(2, 3)));
    Node a = b.tanh(b.add(x, b.scalar(1)));
    Node c = b.tanh(b.add(b.input("x", Shape.of(2, 3)), b.scalar(1)));
    assertSame(a, c);
    assertSame(b.constant(Tensor.of(Shape.of(2), 1, 2)), b.constant(Tensor.of(Shape.of(2), 1, 2)));
    assertNotSame(b.add(x, b.scalar(1)), b.add(b.scalar(1), x));
    assertNotSame(b.sum(x, 0), b.sum(x, 1));
    // Provenance does not split equal nodes: the first one built is kept.
    b.setProvenance("L2_abs");
    Node again = b.tanh(b.add(x, b.scalar(1)));
    assertSame(a, again);
    assertEquals("", again.provenance());
    assertEquals("L2_abs", b.abs(x).provenance());
  }

  /**
   * Two independently built copies of one random graph collapse into one under hash-consing (CSE).
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
  void independentlyBuiltCopiesCollapseIntoOne(long seed) {
    Graph first = RewriteProperties.randomGraph(new Random(seed));
    Graph second = RewriteProperties.randomGraph(new Random(seed));
    Map<String, Node> both = new java.util.LinkedHashMap<>();
    first.outputs().forEach((k, v) -> both.put("1/" + k, v));
    second.outputs().forEach((k, v) -> both.put("2/" + k, v));
    Graph merged =
        new convnet.autodiff.rewrite.EliminateCommonSubexpressions().apply(Graph.of(both));
    Graph single = new convnet.autodiff.rewrite.EliminateCommonSubexpressions().apply(first);
    for (String k : first.outputs().keySet()) {
      assertSame(merged.output("1/" + k), merged.output("2/" + k), "seed " + seed + " output " + k);
    }
    assertEquals(single.nodeCount(), merged.nodeCount(), "seed " + seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
  void broadcastingFollowsNumpy(long seed) {
    Random r = new Random(seed);
    Shape out = TestData.shape(r, 0, 4, 4);
    Shape a = TestData.broadcastable(r, out);
    Shape c = TestData.broadcastable(r, out);
    Shape both = Shape.broadcast(a, c);
    assertTrue(a.broadcastsTo(both) && c.broadcastsTo(both), "seed " + seed);
    assertTrue(
        both.broadcastsTo(out),
        "seed " + seed + ": " + a + " + " + c + " = " + both + " vs " + out);
    // Values: a + c evaluated by the op equals the sum of explicitly broadcast copies.
    GraphBuilder b = new GraphBuilder();
    Tensor ta = TestData.normal(r, a);
    Tensor tc = TestData.normal(r, c);
    Tensor sum = Interpreter.evaluate(b.add(b.constant(ta), b.constant(tc)), Map.of(), DType.F64);
    Tensor ea = Interpreter.evaluate(b.broadcastTo(b.constant(ta), both), Map.of(), DType.F64);
    Tensor ec = Interpreter.evaluate(b.broadcastTo(b.constant(tc), both), Map.of(), DType.F64);
    for (int i = 0; i < sum.size(); i++) {
      assertEquals(ea.get(i) + ec.get(i), sum.get(i), 0, "seed " + seed + " element " + i);
    }
  }

  @Test
  void badShapesAreShapeExceptionsNamingTheLayer() {
    GraphBuilder b = new GraphBuilder().setProvenance("jarrett.cnn:3:5 L1_conv");
    ShapeException e =
        assertThrows(
            ShapeException.class,
            () -> b.add(b.input("x", Shape.of(2, 3)), b.input("y", Shape.of(4))));
    assertEquals("jarrett.cnn:3:5 L1_conv", e.provenance());
    assertTrue(
        e.getMessage()
            .startsWith("jarrett.cnn:3:5 L1_conv: binary: shapes [2, 3] and [4] do not broadcast"),
        e.getMessage());
    assertThrows(
        ShapeException.class,
        () -> b.matmul(b.input("a", Shape.of(2, 3)), b.input("c", Shape.of(2, 3))));
    assertThrows(ShapeException.class, () -> b.reshape(b.input("a", Shape.of(2, 3)), Shape.of(5)));
    assertThrows(ShapeException.class, () -> b.sum(b.input("a", Shape.of(2, 3)), 2));
    assertThrows(
        ShapeException.class,
        () -> b.maxPool(b.input("a", Shape.of(1, 1, 2, 2)), Attrs.Pool.window(3, 3)));
  }

  @Test
  void nodesValidateArityAndAttributes() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(2));
    assertThrows(
        IllegalArgumentException.class,
        () -> Node.of(OpKind.UNARY, new Attrs.Elementwise(ScalarOp.NEG), List.of(x, x), ""));
    assertThrows(
        IllegalArgumentException.class,
        () -> Node.of(OpKind.UNARY, Attrs.None.INSTANCE, List.of(x), ""));
    assertThrows(
        ShapeException.class,
        () -> Node.of(OpKind.UNARY, new Attrs.Elementwise(ScalarOp.ADD), List.of(x), ""));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Node(
                OpKind.UNARY, new Attrs.Elementwise(ScalarOp.NEG), List.of(x), Shape.of(3), ""));
    assertThrows(IllegalArgumentException.class, () -> new Attrs.Reduce(List.of(1, 0), false));
    assertThrows(IllegalArgumentException.class, () -> new Attrs.Permute(List.of(0, 0)));
    assertThrows(IllegalArgumentException.class, () -> new Attrs.Conv(0, 1, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
    ShapeException clash =
        assertThrows(
            ShapeException.class,
            () -> Graph.of(Map.of("a", b.input("w", Shape.of(2)), "c", b.param("w", Shape.of(2)))));
    assertTrue(clash.getMessage().contains("'w'"), clash.getMessage());
  }

  @Test
  void gradientNodesCarryTheProvenanceOfWhatTheyDifferentiate() {
    GraphBuilder b = new GraphBuilder();
    Node w = b.param("L1_conv.weight", Shape.of(3));
    b.setProvenance("L1_conv");
    Node y = b.tanh(w);
    b.setProvenance("loss");
    Node loss = b.sumAll(y);
    Node g = Grad.grad(b, loss, List.of(w)).get(0);
    assertEquals("L1_conv", g.provenance());
    assertEquals("loss", b.provenance());
  }
}
