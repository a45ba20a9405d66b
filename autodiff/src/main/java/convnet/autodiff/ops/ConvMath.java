package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;

/**
 * Shapes and reference loops of the 2-D cross-correlation y[n,o] = Σ_c Σ_ky,kx w[o,c,ky,kx]
 * x[n,g·cg+c, oy·s+ky-p, ox·s+kx-p] and its two adjoints; all three share the same index walk.
 */
final class ConvMath {
  private ConvMath() {}

  /**
   * Output shape of conv2d(x, w), checking every constraint with a message that names the numbers.
   */
  static Shape outputShape(Shape x, Shape w, Attrs.Conv c) {
    Indexing.requireRank(x, 4, "convolution input (NCHW)");
    Indexing.requireRank(w, 4, "convolution weight [out, in/groups, kh, kw]");
    int channels = x.dim(1);
    if (channels % c.groups() != 0 || w.dim(0) % c.groups() != 0) {
      throw new ShapeException(
          "groups="
              + c.groups()
              + " must divide the input maps ("
              + channels
              + ") and the output maps ("
              + w.dim(0)
              + ")");
    }
    if (w.dim(1) * c.groups() != channels) {
      throw new ShapeException(
          "input has "
              + channels
              + " maps but weight "
              + w
              + " expects "
              + w.dim(1) * c.groups()
              + " ("
              + w.dim(1)
              + " per group x "
              + c.groups()
              + " groups)");
    }
    int h = x.dim(2) + 2 * c.padH() - w.dim(2);
    int wd = x.dim(3) + 2 * c.padW() - w.dim(3);
    if (h < 0 || wd < 0) {
      throw new ShapeException(
          "kernel "
              + w.dim(2)
              + "x"
              + w.dim(3)
              + " is larger than the (padded) input "
              + (x.dim(2) + 2 * c.padH())
              + "x"
              + (x.dim(3) + 2 * c.padW()));
    }
    return Shape.of(
        x.dim(0),
        w.dim(0),
        Windows.convolvedSize(x.dim(2), w.dim(2), c.strideH(), c.padH()),
        Windows.convolvedSize(x.dim(3), w.dim(3), c.strideW(), c.padW()));
  }

  /** Which of the three products a walk accumulates. */
  enum Mode {
    FORWARD,
    BACKWARD_INPUT,
    BACKWARD_WEIGHT
  }

  /**
   * One walk over (n, o, c, ky, kx, oy, ox): FORWARD accumulates y += w·x, BACKWARD_INPUT x += w·y,
   * BACKWARD_WEIGHT w += x·y. The arrays not written are read.
   */
  static void walk(
      Mode mode, double[] x, Shape xs, double[] w, Shape ws, double[] y, Shape ys, Attrs.Conv c) {
    int n = xs.dim(0);
    int channels = xs.dim(1);
    int h = xs.dim(2);
    int wd = xs.dim(3);
    int outMaps = ws.dim(0);
    int cg = ws.dim(1);
    int kh = ws.dim(2);
    int kw = ws.dim(3);
    int oh = ys.dim(2);
    int ow = ys.dim(3);
    int og = outMaps / c.groups();
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < outMaps; o++) {
        int group = o / og;
        int yBase = (b * outMaps + o) * oh * ow;
        for (int ci = 0; ci < cg; ci++) {
          int xBase = (b * channels + group * cg + ci) * h * wd;
          for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
              int wi = ((o * cg + ci) * kh + ky) * kw + kx;
              double wv = w[wi];
              double acc = 0;
              for (int oy = 0; oy < oh; oy++) {
                int iy = oy * c.strideH() + ky - c.padH();
                if (iy < 0 || iy >= h) {
                  continue;
                }
                int xRow = xBase + iy * wd;
                int yRow = yBase + oy * ow;
                for (int ox = 0; ox < ow; ox++) {
                  int ix = ox * c.strideW() + kx - c.padW();
                  if (ix < 0 || ix >= wd) {
                    continue;
                  }
                  switch (mode) {
                    case FORWARD -> y[yRow + ox] += wv * x[xRow + ix];
                    case BACKWARD_INPUT -> x[xRow + ix] += wv * y[yRow + ox];
                    case BACKWARD_WEIGHT -> acc += x[xRow + ix] * y[yRow + ox];
                  }
                }
              }
              if (mode == Mode.BACKWARD_WEIGHT) {
                w[wi] += acc;
              }
            }
          }
        }
      }
    }
  }
}
