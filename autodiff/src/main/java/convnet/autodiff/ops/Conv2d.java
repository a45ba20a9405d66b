package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/**
 * Cross-correlation of x [N, C, H, W] with w [O, C/groups, kh, kw] (PyTorch's conv2d), stride and
 * zero padding.
 */
final class Conv2d implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    return ConvMath.outputShape(in.get(0), in.get(1), (Attrs.Conv) attrs);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    double[] y = new double[out.size()];
    ConvMath.walk(
        ConvMath.Mode.FORWARD,
        in.get(0).data(),
        in.get(0).shape(),
        in.get(1).data(),
        in.get(1).shape(),
        y,
        out,
        (Attrs.Conv) attrs);
    return Tensor.wrap(out, y);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    Attrs.Conv c = (Attrs.Conv) y.attrs();
    Node x = y.input(0);
    Node w = y.input(1);
    return Grads.of(
        g.conv2dBackwardInput(dy, w, c, x.shape()), g.conv2dBackwardWeight(x, dy, c, w.shape()));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.call(LibraryKernel.CONV2D_FORWARD);
  }

  @Override
  public long flops(Node y) {
    return convFlops(y.input(1).shape().dims(), y.shape().dims());
  }

  /** 2·N·M·OH·OW·(C/groups)·KH·KW, with w [M, C/groups, KH, KW] and y [N, M, OH, OW]. */
  static long convFlops(int[] w, int[] y) {
    return 2L * y[0] * y[1] * y[2] * y[3] * w[1] * w[2] * w[3];
  }
}
