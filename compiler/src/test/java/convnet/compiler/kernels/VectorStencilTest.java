package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The few-maps stride-1 convolution on {@link VectorStencil} gives bitwise what the axpy form gives
 * (every output summing its taps in (input map, kernel row, kernel column) order by fused
 * multiply-adds from zero), on random shapes: planes of 1 to 40 columns and rows (so row counts
 * that are and are not multiples of 4, and widths below, at and above a vector), 1 to 3 input maps,
 * 1 to 4 output maps, windows of 1×1 to 9×9, padding 0 to 4.
 */
class VectorStencilTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void fewMapsConvolutionIsBitwiseTheAxpyForm(int seed) {
    Random r = new Random(seed);
    int n = 1 + r.nextInt(3);
    int c = 1 + r.nextInt(3);
    int m = 1 + r.nextInt(Conv2d.FEW_MAPS);
    int kh = 1 + r.nextInt(9);
    int kw = 1 + r.nextInt(9);
    int padH = r.nextInt(Math.min(kh, 5));
    int padW = r.nextInt(Math.min(kw, 5));
    int h = Math.max(kh - 2 * padH, 1) + r.nextInt(40);
    int w = Math.max(kw - 2 * padW, 1) + r.nextInt(40);
    int oh = Conv2d.outputSize(h, kh, 1, padH);
    int ow = Conv2d.outputSize(w, kw, 1, padW);
    float[] x = Reference.random(r, n * c * h * w);
    float[] wt = Reference.random(r, m * c * kh * kw);
    float[] y = new float[n * m * oh * ow];
    Conv2d.forward(x, wt, y, n, c, h, w, m, kh, kw, 1, 1, padH, padW, 1);
    float[] expected = axpyForm(x, wt, n, c, h, w, m, kh, kw, padH, padW);
    String shape =
        "seed " + seed + ": n=" + n + " c=" + c + " " + h + "x" + w + " m=" + m + " k=" + kh + "x"
            + kw + " pad=" + padH + "x" + padW;
    assertArrayEquals(expected, y, shape);
  }

  /** The axpy form: per output map, every tap added over the whole padded-width output in turn. */
  private static float[] axpyForm(
      float[] x,
      float[] wt,
      int n,
      int c,
      int h,
      int w,
      int m,
      int kh,
      int kw,
      int padH,
      int padW) {
    int hp = h + 2 * padH;
    int wp = w + 2 * padW;
    int oh = hp - kh + 1;
    int ow = wp - kw + 1;
    float[] y = new float[n * m * oh * ow];
    for (int img = 0; img < n; img++) {
      float[] planes = new float[c * hp * wp + kw];
      for (int i = 0; i < c; i++) {
        for (int iy = 0; iy < h; iy++) {
          System.arraycopy(
              x, ((img * c + i) * h + iy) * w, planes, i * hp * wp + (iy + padH) * wp + padW, w);
        }
      }
      for (int o = 0; o < m; o++) {
        float[] acc = new float[oh * wp];
        for (int i = 0; i < c; i++) {
          for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
              float a = wt[((o * c + i) * kh + ky) * kw + kx];
              int from = i * hp * wp + ky * wp + kx;
              for (int p = 0; p < acc.length; p++) {
                acc[p] = Math.fma(a, planes[from + p], acc[p]);
              }
            }
          }
        }
        for (int oy = 0; oy < oh; oy++) {
          System.arraycopy(acc, oy * wp, y, ((img * m + o) * oh + oy) * ow, ow);
        }
      }
    }
    return y;
  }
}
