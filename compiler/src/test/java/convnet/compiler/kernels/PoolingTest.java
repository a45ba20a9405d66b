package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import convnet.autodiff.ops.Windows;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PoolingTest {

  static IntStream seeds() {
    return IntStream.range(0, 50);
  }

  /** A random pooling shape, checked against window loops written from PyTorch's definition. */
  record Geometry(
      int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil) {

    static Geometry random(long seed) {
      Random r = new Random(seed);
      if (seed % 5 == 0) {
        // The 2x2/2 unpadded window over even maps, which has its own loops.
        return new Geometry(
            1 + r.nextInt(3),
            1 + r.nextInt(3),
            2 * (1 + r.nextInt(6)),
            2 * (1 + r.nextInt(6)),
            2,
            2,
            2,
            2,
            0,
            0,
            r.nextBoolean());
      }
      int kh = 1 + r.nextInt(4);
      int kw = 1 + r.nextInt(4);
      int ph = r.nextInt(kh / 2 + 1);
      int pw = r.nextInt(kw / 2 + 1);
      return new Geometry(
          1 + r.nextInt(3),
          1 + r.nextInt(3),
          kh + r.nextInt(9),
          kw + r.nextInt(9),
          kh,
          kw,
          1 + r.nextInt(3),
          1 + r.nextInt(3),
          ph,
          pw,
          r.nextBoolean());
    }

    /** PyTorch's size rule, written out independently of the kernel's. */
    static int out(int in, int k, int s, int p, boolean ceil) {
      double q = (in + 2.0 * p - k) / s;
      int o = (int) (ceil ? Math.ceil(q) : Math.floor(q)) + 1;
      if (ceil && (o - 1) * s >= in + p) {
        o--;
      }
      return o;
    }

    int oh() {
      return out(h, kh, sh, ph, ceil);
    }

    int ow() {
      return out(w, kw, sw, pw, ceil);
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void avgMatchesReference(int seed) {
    Geometry g = Geometry.random(seed);
    Random r = new Random(seed);
    int oh = g.oh();
    int ow = g.ow();
    float[] x = Reference.random(r, g.n * g.c * g.h * g.w);
    float[] dy = Reference.random(r, g.n * g.c * oh * ow);
    Reference.Result y = new Reference.Result(dy.length);
    Reference.Result dx = new Reference.Result(x.length);
    for (int p = 0; p < g.n * g.c; p++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int ys = oy * g.sh - g.ph;
          int xs = ox * g.sw - g.pw;
          // Every window is divided by its full size, also where a ceil-mode window hangs past the
          // padding (the ops' rule; PyTorch would divide such a window by the cells that exist).
          int count = g.kh * g.kw;
          int yi = (p * oh + oy) * ow + ox;
          for (int iy = ys; iy < ys + g.kh; iy++) {
            for (int ix = xs; ix < xs + g.kw; ix++) {
              if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) {
                int xi = (p * g.h + iy) * g.w + ix;
                y.add(yi, (double) x[xi] / count);
                dx.add(xi, (double) dy[yi] / count);
              }
            }
          }
        }
      }
    }
    float[] got = new float[dy.length];
    Pooling.avgForward(x, got, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil);
    Reference.assertClose(got, 0, y, "seed " + seed + " " + g + " avgForward");
    float[] gotDx = Reference.random(r, x.length);
    Pooling.avgBackward(dy, gotDx, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil);
    Reference.assertClose(gotDx, 0, dx, "seed " + seed + " " + g + " avgBackward");
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void maxMatchesReference(int seed) {
    Geometry g = Geometry.random(seed);
    Random r = new Random(seed);
    int oh = g.oh();
    int ow = g.ow();
    float[] x = Reference.random(r, g.n * g.c * g.h * g.w);
    // Ties on purpose, so that "first maximum" is exercised.
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.round(x[i] * 2) / 2f;
    }
    float[] dy = Reference.random(r, g.n * g.c * oh * ow);
    float[] y = new float[dy.length];
    double[] dx = new double[x.length];
    for (int p = 0; p < g.n * g.c; p++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int best = -1;
          for (int iy = oy * g.sh - g.ph; iy < oy * g.sh - g.ph + g.kh; iy++) {
            for (int ix = ox * g.sw - g.pw; ix < ox * g.sw - g.pw + g.kw; ix++) {
              if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) {
                int xi = (p * g.h + iy) * g.w + ix;
                if (best < 0 || Windows.displacesMax(x[xi], x[best])) {
                  best = xi;
                }
              }
            }
          }
          int yi = (p * oh + oy) * ow + ox;
          y[yi] = x[best];
          dx[best] += dy[yi];
        }
      }
    }
    float[] got = new float[y.length];
    Pooling.maxForward(x, got, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil);
    assertArrayEquals(y, got, "seed " + seed + " " + g + " maxForward");
    float[] gotDx = Reference.random(r, x.length);
    Pooling.maxBackward(
        x, dy, gotDx, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ceil);
    for (int i = 0; i < x.length; i++) {
      assertEquals(
          dx[i],
          gotDx[i],
          1e-5 * (1 + Math.abs(dx[i])),
          "seed " + seed + " " + g + " maxBackward at " + i);
    }
  }

  /**
   * The ops' rule ({@link Windows#displacesMax}): the first NaN wins, a tie (−0.0 and 0.0 too)
   * keeps the first.
   */
  @Test
  void maxRoutesNaNsAndSignedZeroTiesAsTheOps() {
    float nan = Float.NaN;
    float[] x = {-0f, 0f, 1f, -1f, 5f, nan, 2f, nan, -3f, -0f, -2f, -0f, 7f, 8f, nan, 9f};
    float[] y = new float[4];
    Pooling.maxForward(x, y, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, false);
    // Windows (row-major): {-0,0,5,nan} {1,-1,2,nan} {-3,-0,7,8} {-2,-0,nan,9}.
    assertArrayEquals(new float[] {nan, nan, 8f, nan}, y);
    float[] dx = new float[16];
    Pooling.maxBackward(x, new float[] {1, 2, 3, 4}, dx, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, false);
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 4, 0}, dx);
    float[] zeros = {-0f, 0f, -0f, -0f};
    float[] z = new float[1];
    Pooling.maxForward(zeros, z, 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, false);
    assertEquals(0f, z[0], 0f, "the maximum of zeros is zero (of either sign)");
    float[] dz = new float[4];
    Pooling.maxBackward(zeros, new float[] {1}, dz, 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, false);
    assertArrayEquals(new float[] {1, 0, 0, 0}, dz, "-0.0 and 0.0 tie: the first wins");
    // A 2x2 window at stride 1 (one window over the 2x2 plane) takes the general path.
    float[] general = new float[4];
    Pooling.maxBackward(zeros, new float[] {1}, general, 1, 1, 2, 2, 2, 2, 1, 1, 0, 0, false);
    assertArrayEquals(
        new float[] {1, 0, 0, 0}, general, "the general path routes the tie the same way");
  }

  /**
   * The 2x2/2 backward pass (vector when the Vector API is present) against its scalar form,
   * bitwise, on maps narrower and wider than a vector, with ties, signed zeros, infinities and NaNs
   * of several bit patterns, at 1, 2 and 3 threads.
   */
  @ParameterizedTest
  @MethodSource("seeds")
  void maxHalvingBackwardIsBitwiseTheScalarForm(int seed) {
    Random r = new Random(seed);
    int n = 1 + r.nextInt(3);
    int c = 1 + r.nextInt(5);
    int h = 2 * (1 + r.nextInt(8));
    int w = 2 * (1 + r.nextInt(seed % 2 == 0 ? 8 : 24));
    float[] special = {
      0f,
      -0f,
      Float.NaN,
      Float.intBitsToFloat(0xffc00001),
      Float.intBitsToFloat(0x7f800123),
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      1f,
      -1f
    };
    float[] x = new float[n * c * h * w];
    for (int i = 0; i < x.length; i++) {
      int kind = r.nextInt(10);
      x[i] =
          kind < 3
              ? special[r.nextInt(special.length)]
              : kind < 6 ? r.nextInt(3) - 1 : (float) r.nextGaussian();
    }
    float[] dy = Reference.random(r, n * c * (h / 2) * (w / 2));
    dy[r.nextInt(dy.length)] = -0f;
    float[] want = new float[x.length];
    Pooling.maxHalvingBackwardPairs(x, dy, want, 0, 0, n * c * h / 2, w);
    int saved = Parallel.threads();
    try {
      for (int threads : new int[] {1, 2, 3}) {
        Parallel.setThreads(threads);
        float[] got = Reference.random(r, x.length);
        Pooling.maxBackward(x, dy, got, n, c, h, w, 2, 2, 2, 2, 0, 0, false);
        for (int i = 0; i < x.length; i++) {
          if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
            throw new AssertionError(
                "seed "
                    + seed
                    + ", "
                    + n
                    + "x"
                    + c
                    + "x"
                    + h
                    + "x"
                    + w
                    + ", "
                    + threads
                    + " threads: dx["
                    + i
                    + "] is "
                    + got[i]
                    + ", the scalar form gives "
                    + want[i]);
          }
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * The other 2x2/2 kernels (max forward, average forward and backward; vector when the Vector API
   * is present) against their scalar forms, bitwise (a NaN average is the canonical NaN in both
   * forms, whichever payload their float adds propagate), on maps narrower and wider than a vector,
   * at 1, 2 and 3 threads, into arrays longer than the tensors whose extra cells must stay
   * untouched.
   */
  @ParameterizedTest
  @MethodSource("seeds")
  void halvingKernelsAreBitwiseTheScalarForms(int seed) {
    Random r = new Random(1000 + seed);
    int n = 1 + r.nextInt(3);
    int c = 1 + r.nextInt(5);
    int h = 2 * (1 + r.nextInt(8));
    int w = 2 * (1 + r.nextInt(seed % 2 == 0 ? 8 : 24));
    float[] special = {
      0f,
      -0f,
      Float.NaN,
      Float.intBitsToFloat(0xffc00001),
      Float.intBitsToFloat(0x7f800123),
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      1f,
      -1f
    };
    int extra = 1 + r.nextInt(40);
    int in = n * c * h * w;
    int out = in / 4;
    float[] x = new float[in + extra];
    for (int i = 0; i < x.length; i++) {
      int kind = r.nextInt(10);
      x[i] =
          kind < 3
              ? special[r.nextInt(special.length)]
              : kind < 6 ? r.nextInt(3) - 1 : (float) r.nextGaussian();
    }
    float[] dy = Reference.random(r, out + extra);
    dy[r.nextInt(out)] = -0f;
    dy[r.nextInt(out)] = Float.NaN;
    float[] maxY = new float[out];
    Pooling.maxHalvingForwardPairs(x, maxY, 0, 0, n * c * h / 2, w);
    float[] avgY = new float[out];
    Pooling.avgHalvingForwardPairs(x, avgY, 0, 0, n * c * h / 2, w);
    float[] avgDx = new float[in];
    Pooling.avgHalvingBackwardPairs(dy, avgDx, 0, 0, n * c * h / 2, w);
    int saved = Parallel.threads();
    try {
      for (int threads : new int[] {1, 2, 3}) {
        Parallel.setThreads(threads);
        String where = "seed " + seed + ", " + n + "x" + c + "x" + h + "x" + w + ", " + threads;
        float[] got = Reference.random(r, out + extra);
        float[] tail = Arrays.copyOfRange(got, out, got.length);
        Pooling.maxForward(x, got, n, c, h, w, 2, 2, 2, 2, 0, 0, false);
        assertBitwise(maxY, got, tail, true, where + " threads: maxForward");
        got = Reference.random(r, out + extra);
        tail = Arrays.copyOfRange(got, out, got.length);
        Pooling.avgForward(x, got, n, c, h, w, 2, 2, 2, 2, 0, 0, false);
        assertBitwise(avgY, got, tail, true, where + " threads: avgForward");
        got = Reference.random(r, in + extra);
        tail = Arrays.copyOfRange(got, in, got.length);
        Pooling.avgBackward(dy, got, n, c, h, w, 2, 2, 2, 2, 0, 0, false);
        assertBitwise(avgDx, got, tail, true, where + " threads: avgBackward");
        got = Reference.random(r, in + extra);
        tail = Arrays.copyOfRange(got, in, got.length);
        float[] maxDx = new float[in];
        Pooling.maxHalvingBackwardPairs(x, dy, maxDx, 0, 0, n * c * h / 2, w);
        Pooling.maxBackward(x, dy, got, n, c, h, w, 2, 2, 2, 2, 0, 0, false);
        assertBitwise(maxDx, got, tail, true, where + " threads: maxBackward");
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * got starts with want's bits (raw bits, or with every NaN alike unless {@code raw}) and ends
   * with {@code tail} unchanged.
   */
  private static void assertBitwise(
      float[] want, float[] got, float[] tail, boolean raw, String where) {
    for (int i = 0; i < got.length; i++) {
      float expected = i < want.length ? want[i] : tail[i - want.length];
      boolean same =
          raw || i >= want.length
              ? Float.floatToRawIntBits(got[i]) == Float.floatToRawIntBits(expected)
              : Float.floatToIntBits(got[i]) == Float.floatToIntBits(expected);
      if (!same) {
        throw new AssertionError(
            where
                + ": ["
                + i
                + "] is "
                + got[i]
                + " ("
                + Integer.toHexString(Float.floatToRawIntBits(got[i]))
                + "), expected "
                + expected
                + " ("
                + Integer.toHexString(Float.floatToRawIntBits(expected))
                + ")"
                + (i < want.length ? " (the scalar form)" : " (past the tensor: untouched)"));
      }
    }
  }

  @Test
  void outputSizeFollowsPyTorch() {
    assertEquals(3, Pooling.outputSize(7, 2, 2, 0, false));
    assertEquals(4, Pooling.outputSize(7, 2, 2, 0, true));
    // ceil mode never starts a window in the right padding: 5 + 2·1 − 2 = 5, ceil(5/2)+1 = 4,
    // dropped to 3.
    assertEquals(3, Pooling.outputSize(5, 2, 2, 1, true));
    assertEquals(12, Pooling.outputSize(24, 2, 2, 0, false));
  }

  @Test
  void badWindowsSayWhatIsWrong() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Pooling.outputSize(4, 2, 2, 2, false));
    assertEquals(true, e.getMessage().contains("pad=2"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pooling.avgForward(
                    new float[3], new float[1], 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, false));
    assertEquals(true, e.getMessage().contains("x needs 4 floats"), e.getMessage());
  }
}
