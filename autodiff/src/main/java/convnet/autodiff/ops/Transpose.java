package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/** Axis permutation: output axis i is input axis perm[i]. */
final class Transpose implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    List<Integer> perm = ((Attrs.Permute) attrs).perm();
    Shape x = in.get(0);
    if (perm.size() != x.rank()) {
      throw new ShapeException("permutation " + perm + " does not fit shape " + x);
    }
    int[] d = new int[perm.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = x.dim(perm.get(i));
    }
    return Shape.of(d);
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    List<Integer> perm = ((Attrs.Permute) attrs).perm();
    int[] inStrides = in.get(0).shape().strides();
    int r = perm.size();
    int[] stride = new int[r];
    for (int i = 0; i < r; i++) {
      stride[i] = inStrides[perm.get(i)];
    }
    int[] dims = out.dims();
    double[] x = in.get(0).data();
    double[] y = new double[out.size()];
    int[] idx = new int[r];
    int cur = 0;
    for (int f = 0; f < y.length; f++) {
      y[f] = x[cur];
      for (int a = r - 1; a >= 0; a--) {
        idx[a]++;
        cur += stride[a];
        if (idx[a] < dims[a]) {
          break;
        }
        cur -= stride[a] * idx[a];
        idx[a] = 0;
      }
    }
    return Tensor.wrap(out, y);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    List<Integer> perm = ((Attrs.Permute) y.attrs()).perm();
    int[] inverse = new int[perm.size()];
    for (int i = 0; i < inverse.length; i++) {
      inverse[perm.get(i)] = i;
    }
    return Grads.of(g.transpose(dy, inverse));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  /** A strided copy: output axis a reads input axis perm[a]. */
  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    List<Integer> perm = ((Attrs.Permute) y.attrs()).perm();
    int[] inStrides = y.input(0).shape().strides();
    int[] src = new int[perm.size()];
    for (int a = 0; a < src.length; a++) {
      src[a] = inStrides[perm.get(a)];
    }
    return k.copy(0, y.shape().dims(), src, 0, y.shape().strides(), 0, false);
  }
}
