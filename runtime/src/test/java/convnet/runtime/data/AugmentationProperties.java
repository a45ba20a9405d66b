package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded properties of every augmentation step: shape and value range kept, parameters of zero
 * (scale: one) are the identity, a fixed (seed, epoch, image) gives a fixed output, and {@code
 * elastic} equals a float64 reference built from the same random field.
 */
class AugmentationProperties {
  static IntStream seeds() {
    return IntStream.range(0, 40);
  }

  /** A random step with random parameters within the bounds, as text. */
  private static String randomStep(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> "flip";
      case 1 -> "crop(pad=" + r.nextInt(4) + ")";
      case 2 -> String.format(Locale.ROOT, "translate(px=%.3f)", 3 * r.nextDouble());
      case 3 -> String.format(Locale.ROOT, "rotate(degrees=%.3f)", 180 * r.nextDouble());
      case 4 -> {
        double a = 0.5 + r.nextDouble();
        yield String.format(Locale.ROOT, "scale(min=%.3f,max=%.3f)", a, a + r.nextDouble());
      }
      default ->
          String.format(
              Locale.ROOT,
              "elastic(sigma=%.3f,alpha=%.3f)",
              4 * r.nextDouble(),
              40 * r.nextDouble());
    };
  }

  private static float[] randomImage(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextGaussian() * 2 + 0.3);
    }
    return x;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void keepsShapeAndValueRangeAndIsAPureFunction(int seed) {
    Random r = new Random(seed);
    int c = 1 + r.nextInt(3);
    int h = 7 + r.nextInt(10);
    int w = 7 + r.nextInt(10);
    String text = randomStep(r) + (r.nextBoolean() ? "," + randomStep(r) : "");
    Augmentation a = Augmentation.parse(text);
    int n = c * h * w;
    // The image sits between sentinels: nothing outside it may change.
    float[] buffer = new float[n + 10];
    Arrays.fill(buffer, 123f);
    float[] x = randomImage(r, n);
    System.arraycopy(x, 0, buffer, 5, n);
    int epoch = r.nextInt(100);
    int index = r.nextInt(10000);
    a.apply(buffer, 5, c, h, w, seed, epoch, index, new float[n]);
    String where = "seed " + seed + ", " + text + ", " + c + "x" + h + "x" + w;
    for (int i = 0; i < 5; i++) {
      assertEquals(123f, buffer[i], where);
      assertEquals(123f, buffer[n + 5 + i], where);
    }
    float lo = 0;
    float hi = 0;
    for (float v : x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (int i = 0; i < n; i++) {
      float v = buffer[5 + i];
      assertTrue(
          v >= lo - 1e-5f && v <= hi + 1e-5f,
          where + ": pixel " + i + " = " + v + " outside [" + lo + ", " + hi + "]");
    }
    float[] again = x.clone();
    a.apply(again, 0, c, h, w, seed, epoch, index, new float[n]);
    assertArrayEquals(Arrays.copyOfRange(buffer, 5, 5 + n), again, where);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void parametersOfZeroAreTheIdentity(int seed) {
    Random r = new Random(seed);
    int c = 1 + r.nextInt(3);
    int h = 5 + r.nextInt(10);
    int w = 5 + r.nextInt(10);
    float[] x = randomImage(r, c * h * w);
    String sigma = String.format(Locale.ROOT, "%.3f", 5 * r.nextDouble());
    for (String text :
        new String[] {
          "crop(pad=0)",
          "translate(px=0)",
          "rotate(degrees=0)",
          "scale(min=1,max=1)",
          "elastic(sigma=" + sigma + ",alpha=0)"
        }) {
      Augmentation a = Augmentation.parse(text);
      float[] y = x.clone();
      a.apply(y, 0, c, h, w, seed, r.nextInt(10), r.nextInt(100), new float[x.length]);
      assertArrayEquals(x, y, "seed " + seed + ": " + text);
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void rotationsAndScalesOtherThanTheIdentityMoveSomething(int seed) {
    Random r = new Random(seed);
    float[] x = randomImage(r, 12 * 12);
    int moved = 0;
    for (String text :
        new String[] {
          "rotate(degrees=30)",
          "scale(min=0.5,max=0.8)",
          "translate(px=2)",
          "elastic(sigma=2,alpha=10)"
        }) {
      float[] y = x.clone();
      Augmentation.parse(text).apply(y, 0, 1, 12, 12, seed, 0, 7, new float[x.length]);
      moved += Arrays.equals(x, y) ? 0 : 1;
    }
    assertEquals(4, moved, "seed " + seed);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void elasticEqualsAFloat64ReferenceFromTheSameField(int seed) {
    Random r = new Random(seed);
    int c = 1 + r.nextInt(3);
    int h = 6 + r.nextInt(20);
    int w = 6 + r.nextInt(20);
    double sigma = 0.5 + 5 * r.nextDouble();
    double alpha = 50 * r.nextDouble();
    int epoch = r.nextInt(5);
    int index = r.nextInt(500);
    float[] x = randomImage(r, c * h * w);
    float[] y = x.clone();
    Augmentation.parse(String.format(Locale.ROOT, "elastic(sigma=%s,alpha=%s)", sigma, alpha))
        .apply(y, 0, c, h, w, seed, epoch, index, new float[x.length]);

    // The reference: the same uniforms, a direct 2-D Gaussian sum (not separable), and
    // bilinear sampling, all in double.
    SplittableRandom random = Augmentation.randomFor(seed, epoch, index);
    double[][] raw = new double[2][h * w];
    for (double[] plane : raw) {
      for (int i = 0; i < plane.length; i++) {
        plane[i] = random.nextDouble() * 2 - 1;
      }
    }
    int radius = (int) Math.ceil(4 * sigma);
    double norm = 0;
    for (int t = -radius; t <= radius; t++) {
      norm += Math.exp(-0.5 * t * t / (sigma * sigma));
    }
    double[][] field = new double[2][h * w];
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double sum = 0;
          for (int p = -radius; p <= radius; p++) {
            for (int q = -radius; q <= radius; q++) {
              int ii = i + p;
              int jj = j + q;
              if (ii >= 0 && ii < h && jj >= 0 && jj < w) {
                sum += Math.exp(-0.5 * (p * p + q * q) / (sigma * sigma)) * raw[k][ii * w + jj];
              }
            }
          }
          field[k][i * w + j] = alpha * sum / (norm * norm);
        }
      }
    }
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double sy = i + field[0][i * w + j];
          double sx = j + field[1][i * w + j];
          int y0 = (int) Math.floor(sy);
          int x0 = (int) Math.floor(sx);
          double fy = sy - y0;
          double fx = sx - x0;
          double expected =
              (1 - fy) * (1 - fx) * px(x, ch, h, w, y0, x0)
                  + (1 - fy) * fx * px(x, ch, h, w, y0, x0 + 1)
                  + fy * (1 - fx) * px(x, ch, h, w, y0 + 1, x0)
                  + fy * fx * px(x, ch, h, w, y0 + 1, x0 + 1);
          // The field is stored in float, so a sample point can move by ~1e-6 · alpha pixels.
          assertEquals(
              expected,
              y[(ch * h + i) * w + j],
              1e-4 * (1 + alpha / 10),
              "seed " + seed + " at " + ch + "," + i + "," + j);
        }
      }
    }
  }

  private static double px(float[] x, int ch, int h, int w, int i, int j) {
    return i >= 0 && i < h && j >= 0 && j < w ? x[(ch * h + i) * w + j] : 0;
  }
}
