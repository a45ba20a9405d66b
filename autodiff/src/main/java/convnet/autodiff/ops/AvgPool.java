package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/**
 * Boxcar average pooling: the sum of each window's real elements divided by the full window size
 * kh·kw (padding counts as zeros), a fixed linear filter as in Jarrett et al.
 */
final class AvgPool implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    return PoolMath.outputShape(in.get(0), (Attrs.Pool) attrs);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    Attrs.Pool p = (Attrs.Pool) attrs;
    Shape xs = in.get(0).shape();
    double[] x = in.get(0).data();
    double[] y = new double[out.size()];
    int h = xs.dim(2);
    int w = xs.dim(3);
    double scale = 1.0 / Windows.averageDivisor(p.windowH(), p.windowW());
    PoolMath.forEachWindow(
        xs,
        out,
        (base, o, oy, ox) -> {
          double s = 0;
          for (int ky = 0; ky < p.windowH(); ky++) {
            int iy = Windows.windowStart(oy, p.strideH(), p.padH()) + ky;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int kx = 0; kx < p.windowW(); kx++) {
              int ix = Windows.windowStart(ox, p.strideW(), p.padW()) + kx;
              if (ix >= 0 && ix < w) {
                s += x[base + iy * w + ix];
              }
            }
          }
          y[o] = s * scale;
        });
    return Tensor.wrap(out, y);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    return Grads.of(g.avgPoolBackward(dy, (Attrs.Pool) y.attrs(), y.input(0).shape()));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.call(LibraryKernel.AVG_POOL_FORWARD);
  }
}
