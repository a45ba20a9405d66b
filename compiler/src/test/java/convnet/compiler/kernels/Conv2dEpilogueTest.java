package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Conv2d#forwardThen}: the epilogue sees each image exactly once, with the bits {@link
 * Conv2d#forward} writes, whether y is kept or each image lands in a per-thread scratch array, on 1
 * and 3 threads (every shape of {@link Conv2dTest}, so every algorithm).
 */
class Conv2dEpilogueTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("convnet.compiler.kernels.Conv2dTest#cases")
  void epilogueSeesEachImageOnceWithTheForwardBits(String label, Conv2dTest.Geometry g) {
    Random r = new Random(label.hashCode());
    float[] x = Reference.random(r, g.xSize());
    float[] wt = Reference.random(r, g.wSize());
    float[] want = new float[g.ySize()];
    g.forward(x, wt, want);
    int image = g.m() * g.oh() * g.ow();
    int saved = Parallel.threads();
    try {
      for (int threads : new int[] {1, 3}) {
        Parallel.setThreads(threads);
        for (boolean keep : new boolean[] {true, false}) {
          float[] y = keep ? new float[g.ySize()] : null;
          float[] seen = new float[g.ySize()];
          AtomicIntegerArray calls = new AtomicIntegerArray(g.n());
          Conv2d.forwardThen(
              x,
              0,
              wt,
              0,
              y,
              0,
              g.n(),
              g.c(),
              g.h(),
              g.w(),
              g.m(),
              g.kh(),
              g.kw(),
              g.sh(),
              g.sw(),
              g.ph(),
              g.pw(),
              g.groups(),
              (i, out, at) -> {
                calls.incrementAndGet(i);
                if (keep) {
                  assertTrue(out == y && at == i * image, label + ": image " + i + " in y");
                }
                System.arraycopy(out, at, seen, i * image, image);
              });
          for (int i = 0; i < g.n(); i++) {
            assertEquals(1, calls.get(i), label + ": epilogue calls of image " + i);
          }
          String context = label + " " + g + " threads " + threads + (keep ? " kept" : " scratch");
          assertArrayEquals(want, seen, context + ": what the epilogue saw");
          if (keep) {
            assertArrayEquals(want, y, context + ": y");
          }
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void withoutAnOutputArrayAnEpilogueIsRequired() {
    float[] x = new float[2 * 3 * 3];
    float[] w = new float[2 * 2 * 2];
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Conv2d.forwardThen(x, 0, w, 0, null, 0, 1, 2, 3, 3, 2, 2, 2, 1, 1, 0, 0, 1, null));
    assertTrue(e.getMessage().contains("no output array"), e.getMessage());
    float[] shortX = Arrays.copyOf(x, 5);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Conv2d.forwardThen(
                shortX, 0, w, 0, null, 0, 1, 2, 3, 3, 2, 2, 2, 1, 1, 0, 0, 1, (i, o, a) -> {}));
  }
}
