package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forward semantics of convolution and pooling against the definitions, and the seed's worked
 * example.
 */
class ConvolutionAndPoolingTest {
  private static Tensor eval(Node n) {
    return Interpreter.evaluate(n, Map.of(), DType.F64);
  }

  /**
   * Seed: x ∗ k with k = [[0, .25], [.5, 1]] is a true convolution, i.e. correlation with W =
   * flip(k).
   */
  @Test
  void seedWorkedExample() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.constant(Tensor.of(Shape.of(1, 1, 3, 3), 0, 80, 40, 20, 40, 0, 0, 0, 40));
    double[][] k = {{0, 0.25}, {0.5, 1}};
    double[] flipped = new double[4];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        flipped[i * 2 + j] = k[1 - i][1 - j];
      }
    }
    Node w = b.constant(Tensor.of(Shape.of(1, 1, 2, 2), flipped));
    Tensor y = eval(b.conv2d(x, w, Attrs.Conv.simple()));
    assertEquals(Shape.of(1, 1, 2, 2), y.shape());
    assertArrayEquals(new double[] {45, 110, 40, 40}, y.toArray(), 1e-12);
  }

  /**
   * conv2d equals the textbook sum, written independently here with explicit padding of a copy of
   * x.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(
      ints = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24
      })
  void convolutionMatchesDefinition(int seed) {
    Random r = new Random(seed);
    var c = OpGradientProperties.ConvSetup.random(r);
    Tensor x = TestData.normal(r, c.x());
    Tensor w = TestData.normal(r, c.w());
    GraphBuilder b = new GraphBuilder();
    Tensor y = eval(b.conv2d(b.constant(x), b.constant(w), c.conv()));
    assertEquals(c.y(), y.shape(), "seed " + seed);
    int ph = c.conv().padH();
    int pw = c.conv().padW();
    int hp = c.x().dim(2) + 2 * ph;
    int wp = c.x().dim(3) + 2 * pw;
    int cg = c.w().dim(1);
    int og = c.w().dim(0) / c.conv().groups();
    for (int n = 0; n < c.y().dim(0); n++) {
      for (int o = 0; o < c.y().dim(1); o++) {
        for (int i = 0; i < c.y().dim(2); i++) {
          for (int j = 0; j < c.y().dim(3); j++) {
            double s = 0;
            for (int ci = 0; ci < cg; ci++) {
              for (int p = 0; p < c.w().dim(2); p++) {
                for (int q = 0; q < c.w().dim(3); q++) {
                  int yy = i * c.conv().strideH() + p;
                  int xx = j * c.conv().strideW() + q;
                  boolean inside = yy >= ph && yy < hp - ph && xx >= pw && xx < wp - pw;
                  double xv = inside ? x.at(n, (o / og) * cg + ci, yy - ph, xx - pw) : 0;
                  s += w.at(o, ci, p, q) * xv;
                }
              }
            }
            assertEquals(
                s,
                y.at(n, o, i, j),
                1e-9,
                "seed " + seed + " at " + n + "," + o + "," + i + "," + j);
          }
        }
      }
    }
  }

  /**
   * The two gradient forms are the adjoints: <conv(x, w), dy> = <x, bwdInput(dy, w)> = <w,
   * bwdWeight(x, dy)>.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
  void backwardFormsAreAdjoints(int seed) {
    Random r = new Random(1000 + seed);
    var c = OpGradientProperties.ConvSetup.random(r);
    Tensor x = TestData.normal(r, c.x());
    Tensor w = TestData.normal(r, c.w());
    Tensor dy = TestData.normal(r, c.y());
    GraphBuilder b = new GraphBuilder();
    Node xn = b.constant(x);
    Node wn = b.constant(w);
    Node dyn = b.constant(dy);
    double a = eval(b.sumAll(b.mul(b.conv2d(xn, wn, c.conv()), dyn))).item();
    double bi = eval(b.sumAll(b.mul(xn, b.conv2dBackwardInput(dyn, wn, c.conv(), c.x())))).item();
    double bw = eval(b.sumAll(b.mul(wn, b.conv2dBackwardWeight(xn, dyn, c.conv(), c.w())))).item();
    assertEquals(a, bi, 1e-9 * (1 + Math.abs(a)), "seed " + seed);
    assertEquals(a, bw, 1e-9 * (1 + Math.abs(a)), "seed " + seed);
  }

  @Test
  void convolutionShapeErrorsSayWhatDoesNotFit() {
    GraphBuilder b = new GraphBuilder().setProvenance("L1_conv");
    Node x = b.input("x", Shape.of(2, 3, 8, 8));
    ShapeException e =
        assertThrows(
            ShapeException.class,
            () -> b.conv2d(x, b.param("w", Shape.of(4, 2, 3, 3)), Attrs.Conv.simple()));
    assertEquals("L1_conv", e.provenance());
    assertTrue(
        e.getMessage().contains("3 maps") && e.getMessage().contains("expects 2"), e.getMessage());
    ShapeException big =
        assertThrows(
            ShapeException.class,
            () -> b.conv2d(x, b.param("v", Shape.of(4, 3, 9, 9)), Attrs.Conv.simple()));
    assertTrue(big.getMessage().contains("larger than"), big.getMessage());
  }

  @ParameterizedTest(name = "H={0} k={1} s={2} p={3} ceil={4} -> {5}")
  @CsvSource({
    "5, 2, 2, 0, false, 2", "5, 2, 2, 0, true, 3", "6, 3, 2, 0, true, 3", "5, 3, 2, 1, true, 3",
    "4, 2, 3, 1, true, 2", "143, 10, 5, 0, false, 27", "28, 2, 2, 0, false, 14",
        "7, 3, 2, 1, false, 4"
  })
  void poolingOutputSizesFollowPyTorch(int h, int k, int s, int p, boolean ceil, int expected) {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(1, 1, h, h));
    Node y = b.maxPool(x, new Attrs.Pool(k, k, s, s, p, p, ceil));
    assertEquals(expected, y.shape().dim(2));
    assertEquals(expected, y.shape().dim(3));
  }

  @Test
  void maxPoolRoutesTiesToTheFirstMaximum() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.constant(Tensor.of(Shape.of(1, 1, 2, 2), 1, 1, 0, 1));
    Node dy = b.constant(Tensor.of(Shape.of(1, 1, 1, 1), 5));
    Attrs.Pool pool = Attrs.Pool.window(2, 2);
    assertArrayEquals(new double[] {1}, eval(b.maxPool(x, pool)).toArray());
    assertArrayEquals(new double[] {5, 0, 0, 0}, eval(b.maxPoolBackward(x, dy, pool)).toArray());
  }

  @Test
  void maxPoolPaddingNeverWinsAndAvgPoolIsABoxcar() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.constant(Tensor.of(Shape.of(1, 1, 2, 2), -1, -2, -3, -4));
    Attrs.Pool pool = new Attrs.Pool(2, 2, 2, 2, 1, 1, false);
    assertArrayEquals(new double[] {-1, -2, -3, -4}, eval(b.maxPool(x, pool)).toArray());
    // Boxcar: padding counts as zeros and the divisor is always the full window.
    assertArrayEquals(
        new double[] {-0.25, -0.5, -0.75, -1}, eval(b.avgPool(x, pool)).toArray(), 1e-12);
    Node y = b.constant(Tensor.of(Shape.of(1, 1, 2, 4), 1, 2, 3, 4, 5, 6, 7, 8));
    assertArrayEquals(
        new double[] {3.5, 5.5}, eval(b.avgPool(y, Attrs.Pool.window(2, 2))).toArray(), 1e-12);
  }

  @Test
  void logSoftmaxIsStableAndCrossEntropyAveragesOverTheBatch() {
    GraphBuilder b = new GraphBuilder();
    Tensor ls = eval(b.logSoftmax(b.constant(Tensor.of(Shape.of(1, 2), 1000, 0)), 1));
    assertArrayEquals(new double[] {0, -1000}, ls.toArray(), 1e-9);
    Tensor logits = Tensor.of(Shape.of(2, 3), 1, 2, 3, 0, 0, 0);
    Tensor labels = Tensor.of(Shape.of(2, 3), 0, 0, 1, 1, 0, 0);
    double loss = eval(b.softmaxCrossEntropy(b.constant(logits), b.constant(labels))).item();
    double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
    double l1 = Math.log(3);
    assertEquals((l0 + l1) / 2, loss, 1e-12);
  }
}
