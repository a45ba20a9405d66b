package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/**
 * dx = conv2dBackwardInput(dy, w): the adjoint of conv2d with respect to its input (a transposed
 * convolution).
 */
final class Conv2dBackwardInput implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Attrs.ConvGrad a = (Attrs.ConvGrad) attrs;
    Shape expected = ConvMath.outputShape(a.operandShape(), in.get(1), a.conv());
    if (!expected.equals(in.get(0))) {
      throw new ShapeException(
          "output gradient has shape "
              + in.get(0)
              + " but a convolution of "
              + a.operandShape()
              + " with "
              + in.get(1)
              + " gives "
              + expected);
    }
    return a.operandShape();
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    double[] x = new double[out.size()];
    ConvMath.walk(
        ConvMath.Mode.BACKWARD_INPUT,
        x,
        out,
        in.get(1).data(),
        in.get(1).shape(),
        in.get(0).data(),
        in.get(0).shape(),
        ((Attrs.ConvGrad) attrs).conv());
    return Tensor.wrap(out, x);
  }

  /**
   * Bilinear: <g, bwdInput(dy, w)> = <conv2d(g, w), dy>, so d dy = conv2d(g, w) and d w =
   * bwdWeight(g, dy).
   */
  @Override
  public Grads vjp(Node y, Node gy, GraphBuilder g) {
    Attrs.Conv c = ((Attrs.ConvGrad) y.attrs()).conv();
    Node dy = y.input(0);
    Node w = y.input(1);
    return Grads.of(g.conv2d(gy, w, c), g.conv2dBackwardWeight(gy, dy, c, w.shape()));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.call(LibraryKernel.CONV2D_BACKWARD_INPUT);
  }

  @Override
  public long flops(Node y) {
    return Conv2d.convFlops(y.input(1).shape().dims(), y.input(0).shape().dims());
  }
}
