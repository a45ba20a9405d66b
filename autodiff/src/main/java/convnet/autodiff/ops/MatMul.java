package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.List;

/** The matrix product [m, k] x [k, n] -> [m, n]. */
final class MatMul implements OpRule {
  @Override
  public Shape shape(List<Shape> in, Attrs attrs) {
    Shape a = in.get(0);
    Shape b = in.get(1);
    Indexing.requireRank(a, 2, "left matmul operand");
    Indexing.requireRank(b, 2, "right matmul operand");
    if (a.dim(1) != b.dim(0)) {
      throw new ShapeException(
          "matmul of "
              + a
              + " and "
              + b
              + ": inner dimensions "
              + a.dim(1)
              + " and "
              + b.dim(0)
              + " differ");
    }
    return Shape.of(a.dim(0), b.dim(1));
  }

  @Override
  public Tensor eval(List<Tensor> in, Attrs attrs, Shape out) {
    double[] a = in.get(0).data();
    double[] b = in.get(1).data();
    int m = out.dim(0);
    int n = out.dim(1);
    int k = in.get(0).shape().dim(1);
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        double av = a[i * k + p];
        for (int j = 0; j < n; j++) {
          c[i * n + j] += av * b[p * n + j];
        }
      }
    }
    return Tensor.wrap(out, c);
  }

  @Override
  public Grads vjp(Node y, Node dy, GraphBuilder g) {
    Node a = y.input(0);
    Node b = y.input(1);
    return Grads.of(g.matmul(dy, g.transpose(b, 1, 0)), g.matmul(g.transpose(a, 1, 0), dy));
  }

  @Override
  public Fusion fusion() {
    return Fusion.LIBRARY;
  }

  @Override
  public <V> V lower(Node y, Lowering<V> k, List<V> in) {
    return k.call(LibraryKernel.MATMUL);
  }

  @Override
  public long flops(Node y) {
    return 2L * y.shape().dim(0) * y.shape().dim(1) * y.input(0).shape().dim(1);
  }
}
