package convnet.compiler.kernels;

import java.util.Random;

/** Obviously-correct loops, accumulated in double, that the kernels are checked against. */
final class Reference {

  /**
   * A reference result: the values and, per element, the sum of the absolute values of its terms.
   */
  record Result(double[] value, double[] magnitude) {
    Result(int size) {
      this(new double[size], new double[size]);
    }

    void add(int i, double term) {
      value[i] += term;
      magnitude[i] += Math.abs(term);
    }
  }

  /**
   * The float32 tolerance used everywhere: |got − want| ≤ 1e-4 · (1 + Σ|terms|). A float sum of t
   * terms in any order errs by at most about t·2^-24·Σ|terms|; with t up to a few thousand here
   * that is below 1e-4·Σ|terms|, and the 1 covers results that are zero or cancel.
   */
  static void assertClose(float[] got, int gotOff, Result want, String what) {
    for (int i = 0; i < want.value.length; i++) {
      double g = got[gotOff + i];
      double tol = 1e-4 * (1 + want.magnitude[i]);
      if (!(Math.abs(g - want.value[i]) <= tol)) {
        throw new AssertionError(
            what
                + ": element "
                + i
                + " is "
                + g
                + ", expected "
                + want.value[i]
                + " (tolerance "
                + tol
                + ")");
      }
    }
  }

  static float[] random(Random random, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return a;
  }

  private Reference() {}

  static Result sgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float beta,
      float[] c,
      int cOff,
      int ldc) {
    Result r = new Result(m * n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < k; p++) {
          double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          r.add(i * n + j, (double) alpha * av * bv);
        }
        if (beta != 0f) {
          r.add(i * n + j, (double) beta * c[cOff + i * ldc + j]);
        }
      }
    }
    return r;
  }

  /** Calls {@code term(xIndex, wIndex, yIndex)} for every multiply-add of a convolution. */
  interface Term {
    void at(int xi, int wi, int yi);
  }

  static void convTerms(
      int n,
      int c,
      int h,
      int w,
      int m,
      int kh,
      int kw,
      int sh,
      int sw,
      int ph,
      int pw,
      int groups,
      Term term) {
    int oh = (h + 2 * ph - kh) / sh + 1;
    int ow = (w + 2 * pw - kw) / sw + 1;
    int cg = c / groups;
    int mg = m / groups;
    for (int i = 0; i < n; i++) {
      for (int o = 0; o < m; o++) {
        int g = o / mg;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int yi = ((i * m + o) * oh + oy) * ow + ox;
            for (int ci = 0; ci < cg; ci++) {
              for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                  int iy = oy * sh - ph + ky;
                  int ix = ox * sw - pw + kx;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                    continue;
                  }
                  int xi = ((i * c + g * cg + ci) * h + iy) * w + ix;
                  int wi = ((o * cg + ci) * kh + ky) * kw + kx;
                  term.at(xi, wi, yi);
                }
              }
            }
          }
        }
      }
    }
  }
}
