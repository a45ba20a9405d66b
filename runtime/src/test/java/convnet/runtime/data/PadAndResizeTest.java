package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pad(P) and resize(HxW) preprocessing: text forms, bounds, and the pixels they produce. */
class PadAndResizeTest {
  private static Dataset images(int n, int c, int h, int w, float[] pixels) {
    return new Dataset("t", c, h, w, List.of("a", "b"), pixels, new int[n]);
  }

  private static float[] pixels(Dataset d) {
    float[] out = new float[d.size() * d.imageSize()];
    for (int i = 0; i < d.size(); i++) {
      d.copyImage(i, out, i * d.imageSize());
    }
    return out;
  }

  @Test
  void textFormsParseAndPrintInTheOrderTheyApply() {
    Preprocessing p = Preprocessing.parse("standardize, pad(2)");
    assertEquals(2, p.pad());
    assertEquals("pad(2),standardize", p.toString());
    assertEquals(p, Preprocessing.parse(p.toString()));
    Preprocessing r = Preprocessing.parse("resize(32x24),pad(1)");
    assertEquals(32, r.resizeHeight());
    assertEquals(24, r.resizeWidth());
    assertEquals("resize(32x24),pad(1)", r.toString());
    assertEquals(Preprocessing.DEFAULT, Preprocessing.parse("standardize"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pad(0)",
        "pad(1025)",
        "pad(x)",
        "resize(32)",
        "resize(0x4)",
        "resize(5000x5000)",
        "lcn(257)",
        "none,pad(2)"
      })
  void badPadAndResizeFormsAreRefusedWithTheReason(String text) {
    DataError e = assertThrows(DataError.class, () -> Preprocessing.parse(text));
    assertTrue(e.getMessage().startsWith("preprocessing '" + text + "'"), e.getMessage());
  }

  @Test
  void padAddsZeroBordersAndKeepsThePixels() {
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Dataset padded = Preprocessing.pad(images(2, 1, 2, 3, x), 1);
    assertEquals("1x4x5", padded.shapeText());
    assertArrayEquals(
        new float[] {
          0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0,
          0, 0, 0, 0, 0, 0, 7, 8, 9, 0, 0, 10, 11, 12, 0, 0, 0, 0, 0, 0
        },
        pixels(padded));
  }

  @Test
  void resizeUpsamplesLikeBilinearAtPixelCentres() {
    // PyTorch's interpolate(mode="bilinear", align_corners=False) of [[0, 1], [2, 3]] to 4x4.
    Dataset up = Preprocessing.resize(images(1, 1, 2, 2, new float[] {0, 1, 2, 3}), 4, 4);
    assertArrayEquals(
        new float[] {
          0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3
        },
        pixels(up),
        1e-6f);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void resizeHalvingAveragesEachTwoByTwoBlockAndKeepsConstantsAndSizes(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int c = 1 + random.nextInt(3);
    int h = 2 * (1 + random.nextInt(6));
    int w = 2 * (1 + random.nextInt(6));
    float[] x = new float[2 * c * h * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble();
    }
    Dataset data = images(2, c, h, w, x);
    float[] half = pixels(Preprocessing.resize(data, h / 2, w / 2));
    for (int n = 0; n < 2; n++) {
      for (int ch = 0; ch < c; ch++) {
        for (int r = 0; r < h / 2; r++) {
          for (int col = 0; col < w / 2; col++) {
            float mean =
                (data.pixel(n, ch, 2 * r, 2 * col)
                        + data.pixel(n, ch, 2 * r, 2 * col + 1)
                        + data.pixel(n, ch, 2 * r + 1, 2 * col)
                        + data.pixel(n, ch, 2 * r + 1, 2 * col + 1))
                    / 4;
            assertEquals(
                mean, half[((n * c + ch) * (h / 2) + r) * (w / 2) + col], 1e-5f, "seed " + seed);
          }
        }
      }
    }
    assertArrayEquals(
        x, pixels(Preprocessing.resize(data, h, w)), "same size is the identity, seed " + seed);
    float[] constant = new float[c * h * w];
    java.util.Arrays.fill(constant, 0.25f);
    int th = 1 + random.nextInt(40);
    int tw = 1 + random.nextInt(40);
    for (float v : pixels(Preprocessing.resize(images(1, c, h, w, constant), th, tw))) {
      assertEquals(0.25f, v, 1e-6f, "seed " + seed);
    }
  }

  @Test
  void sizeBeforeSaysWhatTheDataMustBeOrWhyTheStepsCannotFit() {
    assertArrayEquals(new int[] {28, 28}, Preprocessing.parse("pad(2)").sizeBefore(32, 32));
    assertArrayEquals(new int[] {32, 32}, Preprocessing.parse("resize(32x32)").sizeBefore(32, 32));
    DataError wrongResize =
        assertThrows(
            DataError.class, () -> Preprocessing.parse("resize(28x28)").sizeBefore(32, 32));
    assertTrue(
        wrongResize.getMessage().contains("makes images of 28x28 but the network's input is 32x32"),
        wrongResize.getMessage());
    DataError tooMuchPad =
        assertThrows(DataError.class, () -> Preprocessing.parse("pad(16)").sizeBefore(32, 32));
    assertTrue(tooMuchPad.getMessage().contains("leaves nothing"), tooMuchPad.getMessage());
  }
}
