package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/** dw = conv2dBackwardWeight(x, dy): the adjoint of conv2d with respect to its weight. */
final class Conv2dBackwardWeight implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Attrs.ConvGrad a = (Attrs.ConvGrad) attrs;
    Shape expected = ConvMath.outputShape(in.get(0), a.operandShape(), a.conv());
    if (!expected.equals(in.get(1))) {
      throw new ShapeException(
          "output gradient has shape "
              + in.get(1)
              + " but a convolution of "
              + in.get(0)
              + " with "
              + a.operandShape()
              + " gives "
              + expected);
    }
    return a.operandShape();
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    double[] w = new double[out.size()];
    ConvMath.walk(
        ConvMath.Mode.BACKWARD_WEIGHT,
        in.get(0).data(),
        in.get(0).shape(),
        w,
        out,
        in.get(1).data(),
        in.get(1).shape(),
        ((Attrs.ConvGrad) attrs).conv());
    return Tensor.wrap(out, w);
  }

  /**
   * Bilinear: <G, bwdWeight(x, dy)> = <conv2d(x, G), dy>, so d x = bwdInput(dy, G) and d dy =
   * conv2d(x, G).
   */
  @Override
  public Grads vjp(Node y, Node gw, GraphBuilder g) {
    Attrs.Conv c = ((Attrs.ConvGrad) y.attrs()).conv();
    Node x = y.input(0);
    Node dy = y.input(1);
    return Grads.of(g.conv2dBackwardInput(dy, gw, c, x.shape()), g.conv2d(x, gw, c));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.call(LibraryKernel.CONV2D_BACKWARD_WEIGHT);
  }

  @Override
  public long flops(Node y) {
    return Conv2d.convFlops(y.shape().dims(), y.input(1).shape().dims());
  }
}
