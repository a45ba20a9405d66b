package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/** log softmax along one axis: x - max - log Σ exp(x - max), which never overflows. */
final class LogSoftmax implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    int axis = ((Attrs.Axis) attrs).axis();
    if (axis >= in.get(0).rank() || in.get(0).dim(axis) == 0) {
      throw new ShapeException(
          "log softmax axis " + axis + " is out of range or empty for shape " + in.get(0));
    }
    return in.get(0);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    int axis = ((Attrs.Axis) attrs).axis();
    int len = out.dim(axis);
    int inner = out.strides()[axis];
    int outer = out.size() / (len * inner);
    double[] x = in.get(0).data();
    double[] y = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < len; k++) {
          m = Math.max(m, x[base + k * inner]);
        }
        double s = 0;
        for (int k = 0; k < len; k++) {
          s += Math.exp(x[base + k * inner] - m);
        }
        double lse = m + Math.log(s);
        for (int k = 0; k < len; k++) {
          y[base + k * inner] = x[base + k * inner] - lse;
        }
      }
    }
    return Tensor.wrap(out, y);
  }

  /** dx = dy - softmax · Σ_axis dy, with softmax = exp(y). */
  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    int axis = ((Attrs.Axis) y.attrs()).axis();
    Node total = g.sum(dy, List.of(axis), true);
    return Grads.of(g.sub(dy, g.mul(g.exp(y), total)));
  }

  @Override
  public Fusion fusion() {
    return Fusion.COMPOSITE;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    throw new IllegalStateException("log softmax is decomposed before code generation: " + y);
  }

  /**
   * m = max(x) and s = Σ exp(x − m) along the axis, then x − m − log s: the stable formula of
   * {@link #eval}.
   */
  @Override
  public Node decompose(Node y, List<Node> in, GraphBuilder g) {
    int axis = ((Attrs.Axis) y.attrs()).axis();
    Node x = in.get(0);
    Node max = g.reduceMax(x, List.of(axis), true);
    Node shifted = g.sub(x, max);
    Node sum = g.sum(g.exp(shifted), List.of(axis), true);
    return g.sub(shifted, g.log(sum));
  }
}
