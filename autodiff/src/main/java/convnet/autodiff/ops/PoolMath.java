package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;

/** Output shapes and window walks of 2-D pooling over [N, C, H, W]. */
final class PoolMath {
  private PoolMath() {}

  /**
   * Pooled shape ({@link Windows#pooledSize} on each axis), with a message saying why when there is
   * none.
   */
  static Shape outputShape(Shape x, Attrs.Pool p) {
    Indexing.requireRank(x, 4, "pooling input (NCHW)");
    return Shape.of(
        x.dim(0),
        x.dim(1),
        size(x.dim(2), p.windowH(), p.strideH(), p.padH(), p.ceil(), "height"),
        size(x.dim(3), p.windowW(), p.strideW(), p.padW(), p.ceil(), "width"));
  }

  private static int size(int in, int k, int s, int pad, boolean ceil, String axis) {
    if (!Windows.padFits(pad, k)) {
      throw new ShapeException(
          "pooling padding " + pad + " is more than half the window " + k + " (" + axis + ")");
    }
    if (in + 2 * pad - k < 0) {
      throw new ShapeException(
          "pooling window "
              + k
              + " is larger than the (padded) input "
              + axis
              + " "
              + (in + 2 * pad));
    }
    return Windows.pooledSize(in, k, s, pad, ceil);
  }

  /**
   * Flat index in x of the argmax ({@link Windows#displacesMax}) of window (oy, ox) of plane {@code
   * base}.
   */
  static int argmax(double[] x, int base, int h, int w, int oy, int ox, Attrs.Pool p) {
    int best = -1;
    double bestValue = Double.NEGATIVE_INFINITY;
    int y0 = Windows.windowStart(oy, p.strideH(), p.padH());
    int x0 = Windows.windowStart(ox, p.strideW(), p.padW());
    for (int ky = 0; ky < p.windowH(); ky++) {
      int iy = y0 + ky;
      if (iy < 0 || iy >= h) {
        continue;
      }
      for (int kx = 0; kx < p.windowW(); kx++) {
        int ix = x0 + kx;
        if (ix < 0 || ix >= w) {
          continue;
        }
        int i = base + iy * w + ix;
        if (best < 0 || Windows.displacesMax(x[i], bestValue)) {
          best = i;
          bestValue = x[i];
        }
      }
    }
    return best;
  }

  /** Calls {@code visit(planeIndex, inBase, outIndex, oy, ox)} for every output element. */
  interface WindowVisitor {
    void visit(int inBase, int outIndex, int oy, int ox);
  }

  static void forEachWindow(Shape x, Shape out, WindowVisitor v) {
    int planes = x.dim(0) * x.dim(1);
    int h = x.dim(2);
    int w = x.dim(3);
    int oh = out.dim(2);
    int ow = out.dim(3);
    for (int pl = 0; pl < planes; pl++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          v.visit(pl * h * w, (pl * oh + oy) * ow + ox, oy, ox);
        }
      }
    }
  }

  /**
   * Adds {@code scale · dy} of every window to the real elements of that window (avg-pool adjoint).
   */
  static double[] spread(double[] dy, Shape x, Shape out, Attrs.Pool p, double scale) {
    double[] dx = new double[x.size()];
    int h = x.dim(2);
    int w = x.dim(3);
    forEachWindow(
        x,
        out,
        (base, o, oy, ox) -> {
          double v = dy[o] * scale;
          for (int ky = 0; ky < p.windowH(); ky++) {
            int iy = Windows.windowStart(oy, p.strideH(), p.padH()) + ky;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int kx = 0; kx < p.windowW(); kx++) {
              int ix = Windows.windowStart(ox, p.strideW(), p.padW()) + kx;
              if (ix >= 0 && ix < w) {
                dx[base + iy * w + ix] += v;
              }
            }
          }
        });
    return dx;
  }
}
