package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vectorised finiteness check of the trainer against a plain loop. */
class AllFiniteTest {
  private static final float[] BAD = {
    Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc00001)
  };

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void agreesWithAPlainLoopWhereverTheBadValueIs(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int trial = 0; trial < 200; trial++) {
      int size = random.nextInt(0, 300);
      // Longer than size: values past it must be ignored.
      float[] d = new float[size + random.nextInt(0, 20)];
      for (int i = 0; i < d.length; i++) {
        // Large finite values too: their products with 0 are still 0.
        d[i] = (float) (random.nextDouble(-1, 1) * (random.nextBoolean() ? 1 : Float.MAX_VALUE));
      }
      int bad = random.nextInt(0, 3);
      for (int k = 0; k < bad && d.length > 0; k++) {
        d[random.nextInt(d.length)] = BAD[random.nextInt(BAD.length)];
      }
      boolean expected = true;
      for (int i = 0; i < size; i++) {
        expected &= Float.isFinite(d[i]);
      }
      assertEquals(
          expected,
          Trainer.allFinite(d, size),
          "seed " + seed + ", trial " + trial + ", size " + size);
    }
  }
}
