package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The deconvnet projection: hand-built networks whose answer is known, and its laws. */
class DeconvnetTest {
  private static final Attrs.Conv PLAIN = new Attrs.Conv(1, 1, 0, 0, 1);

  private static double[] project(Graph forward, Map<String, Tensor> values, Tensor seed) {
    Graph p = Deconvnet.projection(forward, "y", "x");
    Map<String, Tensor> v = new java.util.HashMap<>(values);
    v.put(Deconvnet.SEED, seed);
    return Interpreter.evaluate(p, v, DType.F64).get(Deconvnet.PROJECTION).toArray();
  }

  /** x (1x3) → 1x1 filter of weight 1 → rectifier → filter [1, −1, 2] → one number. */
  private static Graph twoLayers(boolean abs) {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(1, 1, 1, 3));
    Node a = b.conv2d(x, b.param("w1", Shape.of(1, 1, 1, 1)), PLAIN);
    Node r = abs ? b.abs(a) : b.relu(a);
    Node y = b.conv2d(r, b.param("w2", Shape.of(1, 1, 1, 3)), PLAIN);
    return Graph.of(Map.of("y", y));
  }

  private static final Map<String, Tensor> TWO_LAYER_VALUES =
      Map.of(
          "x", Tensor.of(Shape.of(1, 1, 1, 3), 3, 2, -1),
          "w1", Tensor.of(Shape.of(1, 1, 1, 1), 1),
          "w2", Tensor.of(Shape.of(1, 1, 1, 3), 1, -1, 2));

  @Test
  void reluRectifiesTheSignalGoingDownWhereTheGradientWouldMaskIt() {
    Tensor seed = Tensor.of(Shape.of(1, 1, 1, 1), 1);
    // Down through w2: [1, −1, 2]. Deconvnet: relu of that, [1, 0, 2], whatever x's sign.
    assertArrayEquals(new double[] {1, 0, 2}, project(twoLayers(false), TWO_LAYER_VALUES, seed));
    // The gradient masks by x > 0 instead: [1, −1, 0].
    Graph g = twoLayers(false);
    GraphBuilder b = new GraphBuilder();
    for (Node n : g.nodes()) {
      b.intern(n);
    }
    Node grad = Grad.vjp(b, g.output("y"), b.constant(seed), List.of(g.inputs().get("x"))).get(0);
    assertArrayEquals(
        new double[] {1, -1, 0}, Interpreter.evaluate(grad, TWO_LAYER_VALUES, DType.F64).toArray());
  }

  @Test
  void absRectifiesTheSignalWithItsOwnFunction() {
    Tensor seed = Tensor.of(Shape.of(1, 1, 1, 1), 1);
    assertArrayEquals(new double[] {1, 1, 2}, project(twoLayers(true), TWO_LAYER_VALUES, seed));
  }

  @Test
  void maxPoolingUsesTheSwitchesAndAveragePoolingSpreadsEvenly() {
    // x 3x3, filter [[1, 0], [0, 1]]: conv output [[2, 5], [0, 2]], relu keeps it, 2x2 pooling.
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(1, 1, 3, 3));
    Node c = b.relu(b.conv2d(x, b.param("w", Shape.of(1, 1, 2, 2)), PLAIN));
    Attrs.Pool pool = new Attrs.Pool(2, 2, 2, 2, 0, 0, false);
    Map<String, Tensor> values =
        Map.of(
            "x", Tensor.of(Shape.of(1, 1, 3, 3), 1, 2, 0, 0, 1, 3, 2, 0, 1),
            "w", Tensor.of(Shape.of(1, 1, 2, 2), 1, 0, 0, 1));
    Tensor seed = Tensor.of(Shape.of(1, 1, 1, 1), 5);
    // The maximum 5 came from conv position (0, 1) = x(0, 1) + x(1, 2): the projection is 5 at
    // exactly those two pixels.
    assertArrayEquals(
        new double[] {0, 5, 0, 0, 0, 5, 0, 0, 0},
        project(Graph.of(Map.of("y", b.maxPool(c, pool))), values, seed));
    // Average pooling spreads 5/4 over the four conv positions; each reaches two pixels.
    double q = 5 / 4.0;
    assertArrayEquals(
        new double[] {q, q, 0, q, 2 * q, q, 0, q, q},
        project(Graph.of(Map.of("y", b.avgPool(c, pool))), values, seed));
  }

  static IntStream seeds() {
    return IntStream.range(0, 20);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void withoutRectifiersTheProjectionIsTheGradientAndTheForwardPassIsKept(int s) {
    Random r = new Random(s);
    int c = 1 + r.nextInt(2);
    int maps = 1 + r.nextInt(3);
    int size = 6 + r.nextInt(4);
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(1, c, size, size));
    Node w = b.param("w", Shape.of(maps, c, 3, 3));
    Node h = b.tanh(b.conv2d(x, w, PLAIN));
    Attrs.Pool pool = new Attrs.Pool(2, 2, 2, 2, 0, 0, false);
    Node y = r.nextBoolean() ? b.maxPool(h, pool) : b.avgPool(h, pool);
    Graph forward = Graph.of(Map.of("y", y));
    Map<String, Tensor> values =
        Map.of("x", TestData.normal(r, x.shape()), "w", TestData.normal(r, w.shape()));
    Tensor seed = TestData.normal(r, y.shape());
    Node grad = Grad.vjp(b, y, b.constant(seed), List.of(x)).get(0);
    double[] expected = Interpreter.evaluate(grad, values, DType.F64).toArray();
    double[] actual = project(forward, values, seed);
    assertArrayEquals(expected, actual, 1e-12, "seed " + s);

    Graph p = Deconvnet.projection(forward, "y", "x");
    Map<String, Tensor> v = new java.util.HashMap<>(values);
    v.put(Deconvnet.SEED, seed);
    assertEquals(
        Interpreter.evaluate(forward, values, DType.F64).get("y"),
        Interpreter.evaluate(p, v, DType.F64).get("y"),
        "seed " + s);
  }
}
