package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Pooling#eachImageThen}: every kernel, run image by image with an epilogue, writes bitwise
 * what the kernel's own method writes, with an output array and with the one-image scratch, and the
 * epilogue sees each image exactly once, complete, on 1, 2 and 3 threads.
 */
class PoolingEachImageTest {
  static LongStream seeds() {
    return LongStream.range(0, 40);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void imageByImageIsBitwiseTheWholeKernel(long seed) {
    Random r = new Random(seed);
    int n = 1 + r.nextInt(5);
    int c = 1 + r.nextInt(4);
    // The 2x2 stride-2 window (vector kernels) over maps narrower and wider than a vector, or a
    // general window with padding, overlap or ceil mode.
    boolean halving = r.nextBoolean();
    int h = halving ? 2 + 2 * r.nextInt(12) : 3 + r.nextInt(12);
    int w = halving ? 2 + 2 * r.nextInt(12) : 3 + r.nextInt(12);
    int k = halving ? 2 : 2 + r.nextInt(2);
    int stride = halving ? 2 : 1 + r.nextInt(3);
    int pad = halving ? 0 : r.nextInt(k / 2 + 1);
    boolean ceil = !halving && r.nextBoolean();
    int oh = Pooling.outputSize(h, k, stride, pad, ceil);
    int ow = Pooling.outputSize(w, k, stride, pad, ceil);
    float[] x = values(r, n * c * h * w);
    float[] dy = values(r, n * c * oh * ow);
    String context =
        "seed "
            + seed
            + ": n="
            + n
            + " c="
            + c
            + " "
            + h
            + "x"
            + w
            + " window "
            + k
            + " stride "
            + stride
            + " pad "
            + pad
            + (ceil ? " ceil" : "");
    int saved = Parallel.threads();
    try {
      for (Pooling.Kernel kernel : Pooling.Kernel.values()) {
        boolean pooled =
            kernel == Pooling.Kernel.AVG_FORWARD || kernel == Pooling.Kernel.MAX_FORWARD;
        int size = pooled ? n * c * oh * ow : n * c * h * w;
        float[] want = new float[size];
        switch (kernel) {
          case AVG_FORWARD ->
              Pooling.avgForward(x, want, n, c, h, w, k, k, stride, stride, pad, pad, ceil);
          case AVG_BACKWARD ->
              Pooling.avgBackward(dy, want, n, c, h, w, k, k, stride, stride, pad, pad, ceil);
          case MAX_FORWARD ->
              Pooling.maxForward(x, want, n, c, h, w, k, k, stride, stride, pad, pad, ceil);
          case MAX_BACKWARD ->
              Pooling.maxBackward(x, dy, want, n, c, h, w, k, k, stride, stride, pad, pad, ceil);
        }
        int image = size / n;
        for (int threads = 1; threads <= 3; threads++) {
          Parallel.setThreads(threads);
          for (boolean keep : new boolean[] {true, false}) {
            float[] out = keep ? new float[size] : null;
            if (keep) {
              Arrays.fill(out, Float.NaN);
            }
            float[] seen = new float[size];
            AtomicIntegerArray visits = new AtomicIntegerArray(n);
            Pooling.eachImageThen(
                kernel,
                kernel == Pooling.Kernel.AVG_BACKWARD ? null : x,
                dy,
                out,
                n,
                c,
                h,
                w,
                k,
                k,
                stride,
                stride,
                pad,
                pad,
                ceil,
                (i, output, offset) -> {
                  visits.incrementAndGet(i);
                  System.arraycopy(output, offset, seen, i * image, image);
                });
            String where = context + " " + kernel + " on " + threads + " threads, keep " + keep;
            for (int i = 0; i < n; i++) {
              assertEquals(1, visits.get(i), where + ": visits of image " + i);
            }
            assertArrayEquals(bits(want), bits(seen), where + ": what the epilogue saw");
            if (keep) {
              assertArrayEquals(bits(want), bits(out), where + ": the output array");
            }
          }
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void refusesToRunWithoutAnEpilogue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pooling.eachImageThen(
                    Pooling.Kernel.MAX_FORWARD,
                    new float[16],
                    null,
                    new float[4],
                    1,
                    1,
                    4,
                    4,
                    2,
                    2,
                    2,
                    2,
                    0,
                    0,
                    false,
                    null));
    assertEquals("pooling: no epilogue to run on each image", e.getMessage());
  }

  /** Values with ties, signed zeros, infinities and NaNs of two payloads among them. */
  private static float[] values(Random r, int size) {
    float[] v = new float[size];
    float[] special = {
      0f,
      -0f,
      1f,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN,
      Float.intBitsToFloat(0xffc00001)
    };
    for (int i = 0; i < size; i++) {
      v[i] = r.nextInt(8) == 0 ? special[r.nextInt(special.length)] : (float) r.nextGaussian();
    }
    return v;
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }
}
