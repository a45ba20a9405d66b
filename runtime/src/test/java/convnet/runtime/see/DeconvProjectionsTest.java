package convnet.runtime.see;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.Network;
import convnet.runtime.data.Dataset;
import convnet.runtime.model.Backend;
import convnet.runtime.model.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Top activations against a brute-force scan; projections of a hand-built network. */
class DeconvProjectionsTest {
  static IntStream seeds() {
    return IntStream.range(0, 30);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void topKEqualsABruteForceScan(int seed) {
    Random r = new Random(seed);
    int maps = 1 + r.nextInt(4);
    int channels = maps + r.nextInt(2);
    int h = 1 + r.nextInt(5);
    int w = 1 + r.nextInt(5);
    int images = 1 + r.nextInt(40);
    int k = 1 + r.nextInt(10);
    int batch = 1 + r.nextInt(8);
    // Few distinct values, so ties between images and positions happen.
    double[] all = new double[images * channels * h * w];
    for (int i = 0; i < all.length; i++) {
      all[i] = r.nextInt(7) - 3;
    }
    TopActivations top = new TopActivations(maps, k);
    for (int start = 0; start < images; start += batch) {
      int n = Math.min(batch, images - start);
      double[] chunk = new double[batch * channels * h * w];
      System.arraycopy(all, start * channels * h * w, chunk, 0, n * channels * h * w);
      top.scan(chunk, start, n, channels, h, w);
    }
    for (int m = 0; m < maps; m++) {
      List<TopActivations.Hit> brute = new ArrayList<>();
      for (int i = 0; i < images; i++) {
        TopActivations.Hit best = null;
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            double v = all[((i * channels + m) * h + y) * w + x];
            if (best == null || v > best.value()) {
              best = new TopActivations.Hit(i, m, y, x, v);
            }
          }
        }
        brute.add(best);
      }
      brute.sort(TopActivations.ORDER);
      assertEquals(brute.subList(0, Math.min(k, images)), top.top(m), "seed " + seed + " map " + m);
    }
  }

  private static Network network(String source) {
    CheckResult r = Checker.checkSource(source, "t.cnn");
    if (!r.ok()) {
      throw new AssertionError(r.diagnostics().render(source));
    }
    return r.network();
  }

  @Test
  void aHandBuiltNetworkProjectsOntoThePixelsOfItsStrongestActivation() {
    // Filter [[1, 0], [0, 1]], relu, 2x2 max pooling over the 2x2 conv output of a 3x3 image:
    // the one pooled value is the largest x(i, j) + x(i+1, j+1), and its projection is that
    // value at exactly those two pixels.
    Network n =
        network(
            """
        network hand {
            input 1x3x3
            1F2x2C - relu - PM2x2
        }
        """);
    Map<String, Tensor> weights =
        Map.of(
            "L1_conv.weight", Tensor.of(Shape.of(1, 1, 2, 2), 1, 0, 0, 1),
            "L1_conv.bias", Tensor.of(Shape.of(1), 0));
    float[] pixels = {
      1, 2, 0, 0, 1, 3, 2, 0, 1, // best 2 + 3 = 5 at conv (0, 1)
      4, 0, 0, 0, 4, 0, 0, 0, 0, // best 4 + 4 = 8 at conv (0, 0)
      0, 0, 0, 0, 1, 0, 0, 0, 1, // best 1 + 1 = 2 at conv (1, 1)
    };
    Dataset data = new Dataset("hand", 1, 3, 3, List.of("a", "b"), pixels, new int[] {0, 1, 0});
    List<List<DeconvProjections.Projection>> rows =
        DeconvProjections.compute(
            n,
            weights,
            data,
            3,
            "L3_maxpool",
            4,
            2,
            2,
            f -> Backends.prepare(f, Backend.INTERPRETED));
    assertEquals(1, rows.size(), "the layer has one map");
    List<DeconvProjections.Projection> row = rows.get(0);
    assertEquals(
        List.of(new TopActivations.Hit(1, 0, 0, 0, 8), new TopActivations.Hit(0, 0, 0, 0, 5)),
        row.stream().map(p -> p.hit()).toList());
    assertArrayEquals(new float[] {8, 0, 0, 0, 8, 0, 0, 0, 0}, row.get(0).projection());
    assertArrayEquals(new float[] {0, 5, 0, 0, 0, 5, 0, 0, 0}, row.get(1).projection());
    assertArrayEquals(java.util.Arrays.copyOfRange(pixels, 0, 9), row.get(1).image());
    assertEquals(new ReceptiveField.Box(0, 0, 2, 2), row.get(0).box());
    // Each projection beside its patch: 2 pairs in one row.
    assertEquals(
        2 + 4 * (3 * ImageGrid.zoomFor(3, 3, 56) + 2),
        DeconvProjections.draw(rows, 1, 3, 3).getWidth());
  }

  @Test
  void receptiveFieldsFollowWindowsStridesAndPadding() {
    Network n =
        network(
            """
        network rf {
            input 1x28x28
            conv(maps=2, kernel=5x5, pad=2) - PM2x2
            conv(maps=2, kernel=3x3) - N3x3
        }
        """);
    // Last position (row 11, column 0) of the 12x12 output: N widens by 1, the 3x3 conv by 2,
    // pooling doubles, the padded 5x5 conv adds 2 on each side.
    ReceptiveField.Box b = ReceptiveField.of(n.layers(), 11, 0, 28, 28);
    // rows: [11-1, 11+1] -> [10, 14] -> [20, 29] -> [18, 33] clipped to 27; columns [-1, 1] ->
    // [-1, 3] -> [-2, 7] -> [-4, 9] clipped to 0.
    assertEquals(new ReceptiveField.Box(18, 0, 27, 9), b);
  }
}
