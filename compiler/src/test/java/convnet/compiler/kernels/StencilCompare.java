package convnet.compiler.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Before/after timing of the few-maps stride-1 convolution (the 9×9 single-map window of local
 * contrast normalisation): the axpy form (every tap one vector axpy over the whole padded-width
 * output) against {@link VectorStencil} (4 output rows of a vector of columns in registers), batch
 * 64, one thread, that thread's CPU time, interleaved round by round, medians; also checks that
 * both give the same bits. Not a unit test; run after {@code mvn -pl compiler -am test-compile}
 * with {@code java --add-modules jdk.incubator.vector -cp
 * compiler/target/classes:compiler/target/test-classes:autodiff/target/classes
 * convnet.compiler.kernels.StencilCompare}.
 */
public final class StencilCompare {

  private StencilCompare() {}

  /** The axpy form that {@link VectorStencil} replaced, for one image's single map. */
  private static void axpyForm(
      float[] x,
      int xAt,
      int h,
      int w,
      float[] wt,
      int k,
      int pad,
      float[] y,
      int yAt,
      float[] buf) {
    int hp = h + 2 * pad;
    int wp = w + 2 * pad;
    int outH = hp - k + 1;
    int outW = wp - k + 1;
    int planeSize = hp * wp + k;
    int len = outH * wp;
    Arrays.fill(buf, 0, planeSize + len, 0f);
    for (int iy = 0; iy < h; iy++) {
      System.arraycopy(x, xAt + iy * w, buf, (iy + pad) * wp + pad, w);
    }
    for (int ky = 0; ky < k; ky++) {
      for (int kx = 0; kx < k; kx++) {
        VectorAxpy.axpy(len, wt[ky * k + kx], buf, ky * wp + kx, buf, planeSize);
      }
    }
    for (int oy = 0; oy < outH; oy++) {
      System.arraycopy(buf, planeSize + oy * wp, y, yAt + oy * outW, outW);
    }
  }

  public static void main(String[] args) {
    Random r = new Random(1);
    int n = 64;
    int k = 9;
    int pad = 4;
    for (int h : new int[] {24, 8, 135}) {
      int oh = h + 2 * pad - k + 1;
      float[] x = Reference.random(r, n * h * h);
      float[] wt = Reference.random(r, k * k);
      float[] before = new float[n * oh * oh];
      float[] after = new float[before.length];
      float[] buf = new float[2 * (h + 2 * pad) * (h + 2 * pad) + k];
      Runnable old =
          () -> {
            for (int i = 0; i < n; i++) {
              axpyForm(x, i * h * h, h, h, wt, k, pad, before, i * oh * oh, buf);
            }
          };
      Runnable now =
          () -> {
            for (int i = 0; i < n; i++) {
              Conv2d.shiftedPlanes(
                  x, i * h * h, 1, h, h, wt, 0, 1, k, k, pad, pad, after, i * oh * oh);
            }
          };
      double[] o = new double[9];
      double[] a = new double[9];
      for (int round = 0; round < o.length; round++) {
        o[round] = 1e3 * CallTimer.cpuSecondsPerRun(old);
        a[round] = 1e3 * CallTimer.cpuSecondsPerRun(now);
      }
      Arrays.sort(o);
      Arrays.sort(a);
      System.out.printf(
          Locale.ROOT,
          "1x%dx%d -> 1 map, %dx%d pad %d, batch %d: axpy %.3f ms, stencil %.3f ms, %.2fx, %s%n",
          h,
          h,
          k,
          k,
          pad,
          n,
          o[o.length / 2],
          a[a.length / 2],
          o[o.length / 2] / a[a.length / 2],
          Arrays.equals(before, after) ? "same bits" : "DIFFERENT BITS");
    }
  }
}
