package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values of the layout ops on small hand-checked examples. */
class LayoutOpsTest {
  private final GraphBuilder b = new GraphBuilder();
  // [[0, 1, 2], [3, 4, 5]]
  private final Node x = b.constant(Tensor.of(Shape.of(2, 3), 0, 1, 2, 3, 4, 5));

  private static Tensor eval(Node n) {
    return Interpreter.evaluate(n, Map.of(), DType.F64);
  }

  @Test
  void padAndSlice() {
    Tensor p = eval(b.pad(x, List.of(1, 0), List.of(0, 2)));
    assertEquals(Shape.of(3, 5), p.shape());
    assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 5, 0, 0}, p.toArray());
    Tensor s = eval(b.slice(x, List.of(0, 1), List.of(2, 3)));
    assertArrayEquals(new double[] {1, 2, 4, 5}, s.toArray());
    assertArrayEquals(new double[] {3, 4, 5}, eval(b.sliceAxis(x, 0, 1, 2)).toArray());
    assertEquals(Shape.of(2, 0), eval(b.slice(x, List.of(0, 1), List.of(2, 1))).shape());
  }

  @Test
  void transposeReshapeBroadcastConcat() {
    assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, eval(b.transpose(x, 1, 0)).toArray());
    assertEquals(Shape.of(3, 2), eval(b.reshape(x, Shape.of(3, 2))).shape());
    assertArrayEquals(
        new double[] {0, 1, 2, 3, 4, 5}, eval(b.reshape(x, Shape.of(3, 2))).toArray());
    Node row = b.constant(Tensor.of(Shape.of(3), 7, 8, 9));
    assertArrayEquals(
        new double[] {7, 8, 9, 7, 8, 9}, eval(b.broadcastTo(row, Shape.of(2, 3))).toArray());
    Node col = b.constant(Tensor.of(Shape.of(2, 1), 7, 8));
    assertArrayEquals(
        new double[] {7, 7, 7, 8, 8, 8}, eval(b.broadcastTo(col, Shape.of(2, 3))).toArray());
    assertArrayEquals(
        new double[] {0, 1, 2, 7, 3, 4, 5, 8}, eval(b.concat(1, List.of(x, col))).toArray());
    assertArrayEquals(
        new double[] {0, 1, 2, 3, 4, 5, 7, 8, 9},
        eval(b.concat(0, List.of(x, b.reshape(row, Shape.of(1, 3))))).toArray());
  }

  @Test
  void reductions() {
    assertArrayEquals(new double[] {3, 5, 7}, eval(b.sum(x, 0)).toArray());
    assertArrayEquals(new double[] {3, 12}, eval(b.sum(x, -1)).toArray());
    assertEquals(Shape.of(2, 1), eval(b.reduceMax(x, List.of(1), true)).shape());
    assertArrayEquals(new double[] {2, 5}, eval(b.reduceMax(x, List.of(1), true)).toArray());
    assertEquals(15.0, eval(b.sumAll(x)).item());
    assertArrayEquals(new double[] {1, 4}, eval(b.mean(x, List.of(1), false)).toArray(), 1e-15);
  }
}
