package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.DType;
import convnet.autodiff.Graph;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.dsl.lower.Lowering;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PreprocessingTest {
  static IntStream seeds() {
    return IntStream.range(0, 25);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void standardizedImagesHaveZeroMeanUnitDeviation(int seed) {
    Random random = new Random(seed);
    int n = 1 + random.nextInt(300);
    float[] x = TestFiles.randomPixels(random, n + 5);
    float scale = 0.1f + random.nextFloat() * 10;
    for (int i = 0; i < x.length; i++) {
      x[i] = x[i] * scale + 3;
    }
    float[] before = x.clone();
    double originalStd = std(before, 5, n);
    Preprocessing.standardize(x, 5, n);
    assertEquals(0, mean(x, 5, n), 1e-4, "seed " + seed);
    // Low-contrast images meet the deviation floor 1/sqrt(n) and come out with std below 1.
    double expectedStd = originalStd / Math.max(originalStd, 1 / Math.sqrt(n));
    assertEquals(expectedStd, std(x, 5, n), 1e-3, "seed " + seed + " n " + n);
    for (int i = 0; i < 5; i++) {
      assertEquals(before[i], x[i], "seed " + seed + ": value outside the image changed");
    }
  }

  private static double mean(float[] x, int offset, int n) {
    double sum = 0;
    for (int i = offset; i < offset + n; i++) {
      sum += x[i];
    }
    return sum / n;
  }

  private static double std(float[] x, int offset, int n) {
    double mean = mean(x, offset, n);
    double var = 0;
    for (int i = offset; i < offset + n; i++) {
      var += (x[i] - mean) * (x[i] - mean);
    }
    return Math.sqrt(var / n);
  }

  @Test
  void constantImageStandardizesToZero() {
    float[] x = {0.5f, 0.5f, 0.5f, 0.5f};
    Preprocessing.standardize(x, 0, 4);
    assertEquals(List.of(0f, 0f, 0f, 0f), List.of(x[0], x[1], x[2], x[3]));
  }

  /**
   * Direct evaluation of the LCN definition with a 2-D Gaussian window (normalised over all maps
   * and positions) and the layer's epsilon under the square root, for comparison.
   */
  private static float[] lcnReference(
      float[] x, int channels, int height, int width, int window, double sigma) {
    int r = window / 2;
    double[][] w = new double[window][window];
    double total = 0;
    for (int p = 0; p < window; p++) {
      for (int q = 0; q < window; q++) {
        w[p][q] = Math.exp(-((p - r) * (p - r) + (q - r) * (q - r)) / (2 * sigma * sigma));
        total += w[p][q] * channels;
      }
    }
    double[] v = new double[x.length];
    for (int j = 0; j < height; j++) {
      for (int k = 0; k < width; k++) {
        double m = 0;
        for (int i = 0; i < channels; i++) {
          for (int p = 0; p < window; p++) {
            for (int q = 0; q < window; q++) {
              int y = j + p - r;
              int xx = k + q - r;
              if (y >= 0 && y < height && xx >= 0 && xx < width) {
                m += w[p][q] / total * x[(i * height + y) * width + xx];
              }
            }
          }
        }
        for (int i = 0; i < channels; i++) {
          v[(i * height + j) * width + k] = x[(i * height + j) * width + k] - m;
        }
      }
    }
    double[] sigmaMap = new double[height * width];
    double c = 0;
    for (int j = 0; j < height; j++) {
      for (int k = 0; k < width; k++) {
        double s = 0;
        for (int i = 0; i < channels; i++) {
          for (int p = 0; p < window; p++) {
            for (int q = 0; q < window; q++) {
              int y = j + p - r;
              int xx = k + q - r;
              if (y >= 0 && y < height && xx >= 0 && xx < width) {
                double d = v[(i * height + y) * width + xx];
                s += w[p][q] / total * d * d;
              }
            }
          }
        }
        sigmaMap[j * width + k] = Math.sqrt(s + Lowering.LCN_EPSILON);
        c += sigmaMap[j * width + k];
      }
    }
    c /= height * width;
    float[] y = new float[x.length];
    for (int i = 0; i < channels; i++) {
      for (int p = 0; p < height * width; p++) {
        y[i * height * width + p] = (float) (v[i * height * width + p] / Math.max(c, sigmaMap[p]));
      }
    }
    return y;
  }

  /**
   * Preprocessing by LCN gives, image by image, what the N layer's graph gives on the interpreter
   * (the oracle), and both follow the definition.
   */
  @ParameterizedTest
  @MethodSource("seeds")
  void lcnIsTheNLayer(int seed) {
    Random random = new Random(seed);
    int channels = 1 + random.nextInt(3);
    int height = 3 + random.nextInt(10);
    int width = 3 + random.nextInt(10);
    int window = 1 + 2 * random.nextInt(Math.min(3, Math.min(height, width) - 1));
    double sigma = 0.5 + random.nextDouble() * 3;
    int images = 1 + random.nextInt(3);
    int size = channels * height * width;
    float[] x = TestFiles.randomPixels(random, images * size);
    float[] normalised = x.clone();
    LocalContrastNormalization lcn = new LocalContrastNormalization(window, sigma);
    lcn.apply(normalised, images, channels, height, width);
    Graph layer =
        Lowering.lower(lcn.network(channels, height, width), 1, Lowering.Mode.INFERENCE, false);
    String what =
        "seed " + seed + ": " + channels + "x" + height + "x" + width + " window " + window;
    for (int n = 0; n < images; n++) {
      float[] one = java.util.Arrays.copyOfRange(x, n * size, (n + 1) * size);
      double[] byLayer =
          Interpreter.evaluate(
                  layer,
                  Map.of(
                      Lowering.INPUT, Tensor.ofFloats(Shape.of(1, channels, height, width), one)),
                  DType.F32)
              .get(Lowering.OUTPUT)
              .data();
      float[] expected = lcnReference(one, channels, height, width, window, sigma);
      for (int i = 0; i < size; i++) {
        assertEquals(
            byLayer[i], normalised[n * size + i], 1e-5, what + " image " + n + " index " + i);
        assertEquals(
            expected[i], normalised[n * size + i], 1e-4, what + " image " + n + " index " + i);
      }
    }
  }

  @Test
  void aWindowTheLayerRefusesForTheImagesIsADataError() {
    DataError e =
        assertThrows(
            DataError.class,
            () -> new LocalContrastNormalization(9, 2).apply(new float[16], 1, 1, 4, 4));
    assertTrue(e.getMessage().contains("lcn(9,2.0) on images of 1x4x4"), e.getMessage());
  }

  @Test
  void constantImageLcnIsZero() {
    float[] x = new float[2 * 5 * 5];
    java.util.Arrays.fill(x, 0.7f);
    new LocalContrastNormalization(3, 1).apply(x, 1, 2, 5, 5);
    // Subtractive step leaves border effects (zero padding), but the interior is exactly 0.
    assertEquals(0f, x[2 * 5 + 2], 1e-6);
  }

  @Test
  void parseAndPrint() {
    assertEquals(Preprocessing.NONE, Preprocessing.parse("none"));
    assertEquals(new Preprocessing(true, false, 9, 2.25), Preprocessing.parse("standardize"));
    assertEquals(new Preprocessing(false, true, 7, 1.75), Preprocessing.parse("lcn(7)"));
    assertEquals(
        new Preprocessing(true, true, 5, 2.0), Preprocessing.parse("standardize, lcn(5,2)"));
    for (String s : new String[] {"none", "standardize", "lcn(9,2.25)", "standardize,lcn(5,2.0)"}) {
      assertEquals(s, Preprocessing.parse(s).toString());
    }
    assertEquals("standardize", Preprocessing.DEFAULT.toString());
    assertEquals(
        "preprocessing 'blur': unknown step 'blur' (expected none, or any of resize(HxW), "
            + "pad(P), standardize, lcn, lcn(WINDOW) and lcn(WINDOW,SIGMA) joined by commas)",
        assertThrows(DataError.class, () -> Preprocessing.parse("blur")).getMessage());
    assertEquals(
        "preprocessing 'lcn(4)': the LCN window must be an odd size from 1 to 255 (a wider "
            + "Gaussian is flat over any image), not 4",
        assertThrows(DataError.class, () -> Preprocessing.parse("lcn(4)")).getMessage());
    assertThrows(DataError.class, () -> Preprocessing.parse("lcn(x)"));
  }

  @Test
  void applyLeavesTheInputAlone() {
    Random random = new Random(3);
    float[] pixels = TestFiles.randomPixels(random, 4 * 2 * 3 * 3);
    Dataset d =
        new Dataset("t", 2, 3, 3, List.of("a", "b"), pixels.clone(), new int[] {0, 1, 0, 1});
    Dataset p = Preprocessing.parse("standardize,lcn(3)").apply(d);
    assertEquals(pixels[5], d.pixel(0, 0, 1, 2));
    float[] one = new float[18];
    d.copyImage(2, one, 0);
    Preprocessing.standardize(one, 0, 18);
    new LocalContrastNormalization(3, 0.75).apply(one, 1, 2, 3, 3);
    float[] got = new float[18];
    p.copyImage(2, got, 0);
    for (int i = 0; i < 18; i++) {
      assertEquals(one[i], got[i], 1e-6, "index " + i);
    }
    assertSame(d, Preprocessing.NONE.apply(d));
  }
}
