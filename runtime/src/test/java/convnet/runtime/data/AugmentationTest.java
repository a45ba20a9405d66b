package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AugmentationTest {
  static IntStream seeds() {
    return IntStream.range(0, 30);
  }

  /** Distinct positive values so every output pixel can be traced to its source. */
  private static float[] distinctImage(int c, int h, int w) {
    float[] x = new float[c * h * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    return x;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void outputIsAShiftedPossiblyMirroredCopy(int seed) {
    Random random = new Random(seed);
    int c = 1 + random.nextInt(3);
    int h = 1 + random.nextInt(9);
    int w = 1 + random.nextInt(9);
    int pad = random.nextInt(5);
    float[] x = distinctImage(c, h, w);
    float[] y = x.clone();
    Augmentation.parse("flip,crop(pad=" + pad + ")")
        .apply(y, 0, c, h, w, seed, random.nextInt(50), random.nextInt(1000), new float[c * h * w]);
    // Find the (mirror, dy, dx) that explains the output: one must exist with |d| <= pad.
    boolean explained = false;
    for (int m = 0; m < 2 && !explained; m++) {
      for (int dy = -pad; dy <= pad && !explained; dy++) {
        for (int dx = -pad; dx <= pad && !explained; dx++) {
          explained = Arrays.equals(y, transform(x, c, h, w, m == 1, dy, dx));
        }
      }
    }
    assertTrue(explained, "seed " + seed + ": output is not a flip/shift of the input");
  }

  private static float[] transform(float[] x, int c, int h, int w, boolean mirror, int dy, int dx) {
    float[] y = new float[x.length];
    for (int ch = 0; ch < c; ch++) {
      for (int r = 0; r < h; r++) {
        for (int col = 0; col < w; col++) {
          int sy = r + dy;
          int sx = (mirror ? w - 1 - col : col) + dx;
          y[(ch * h + r) * w + col] =
              sy >= 0 && sy < h && sx >= 0 && sx < w ? x[(ch * h + sy) * w + sx] : 0;
        }
      }
    }
    return y;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void sameSeedEpochIndexSameResult(int seed) {
    Augmentation a = Augmentation.parse("flip,crop(pad=4)");
    float[] x = distinctImage(3, 8, 8);
    float[] first = x.clone();
    float[] second = x.clone();
    a.apply(first, 0, 3, 8, 8, seed, 3, 17, new float[192]);
    a.apply(second, 0, 3, 8, 8, seed, 3, 17, new float[192]);
    assertArrayEquals(first, second, "seed " + seed);
  }

  @Test
  void choicesVaryWithEpochAndIndex() {
    Augmentation a = Augmentation.parse("flip,crop(pad=2)");
    float[] x = distinctImage(1, 6, 6);
    java.util.Set<String> outcomes = new java.util.HashSet<>();
    for (int epoch = 0; epoch < 10; epoch++) {
      for (int index = 0; index < 10; index++) {
        float[] y = x.clone();
        a.apply(y, 0, 1, 6, 6, 42, epoch, index, new float[36]);
        outcomes.add(Arrays.toString(y));
      }
    }
    // 2 x 5 x 5 = 50 possible outcomes; 100 draws must hit far more than a handful.
    assertTrue(outcomes.size() > 25, "only " + outcomes.size() + " distinct augmentations");
  }

  @Test
  void flipOnlyMirrorsAboutHalfTheTime() {
    Augmentation a = Augmentation.parse("flip");
    float[] x = distinctImage(1, 1, 4);
    int mirrored = 0;
    for (int index = 0; index < 1000; index++) {
      float[] y = x.clone();
      a.apply(y, 0, 1, 1, 4, 5, 0, index, new float[4]);
      if (y[0] == 4) {
        mirrored++;
        assertArrayEquals(new float[] {4, 3, 2, 1}, y);
      } else {
        assertArrayEquals(x, y);
      }
    }
    assertTrue(mirrored > 430 && mirrored < 570, mirrored + " of 1000 mirrored");
  }

  @Test
  void parseAndPrint() {
    assertTrue(Augmentation.parse("none").isIdentity());
    assertEquals(Augmentation.parse("flip,crop(pad=4)"), Augmentation.parse("flip, crop(pad=4)"));
    assertEquals(Augmentation.parse("crop(pad=2)"), Augmentation.parse("crop(2)"));
    assertEquals(Augmentation.parse("elastic(sigma=4,alpha=34)"), Augmentation.parse("elastic"));
    for (String s :
        new String[] {
          "none",
          "flip",
          "crop(pad=4)",
          "flip,crop(pad=3)",
          "translate(px=1.5)",
          "rotate(degrees=10)",
          "scale(min=0.9,max=1.1)",
          "elastic(sigma=4,alpha=34)",
          "elastic(sigma=2,alpha=8),flip,rotate(degrees=5)"
        }) {
      assertEquals(s, Augmentation.parse(s).toString());
    }
    assertTrue(
        assertThrows(DataError.class, () -> Augmentation.parse("rotate"))
            .getMessage()
            .contains("rotate needs degrees"));
    assertThrows(DataError.class, () -> Augmentation.parse("crop(pad=-1)"));
    assertThrows(DataError.class, () -> Augmentation.parse("crop(pad=x)"));
    assertThrows(DataError.class, () -> Augmentation.parse("crop(pad=1.5)"));
    assertThrows(DataError.class, () -> Augmentation.parse("elastic(beta=1)"));
    assertThrows(DataError.class, () -> Augmentation.parse("flip(1)"));
    assertEquals(
        "augmentation 'crop(pad=99999)': 'crop(pad=99999)': pad must be a whole number "
            + "between 0 and 32 (a shift of more than 32 pixels leaves nothing of the images "
            + "these networks take), found 99999",
        assertThrows(DataError.class, () -> Augmentation.parse("crop(pad=99999)")).getMessage());
    assertTrue(
        assertThrows(DataError.class, () -> Augmentation.parse("scale(2,1)"))
            .getMessage()
            .contains("min 2 is larger than max 1"));
    assertTrue(Augmentation.parse("crop(pad=0)").isIdentity());
    assertFalse(Augmentation.parse("crop(pad=0),flip").isIdentity());
  }

  @Test
  void shiftsLargerThanHalfTheImageAreRefusedForThatData() {
    Augmentation.parse("crop(pad=14)").checkFits(28, 28);
    DataError e =
        assertThrows(
            DataError.class, () -> Augmentation.parse("translate(px=15)").checkFits(28, 28));
    assertTrue(e.getMessage().contains("use at most 14"), e.getMessage());
  }
}
