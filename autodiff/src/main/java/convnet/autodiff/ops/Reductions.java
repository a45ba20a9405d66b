package convnet.autodiff.ops;

import convnet.autodiff.Attrs;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/** Shape and evaluation shared by the reductions. */
final class Reductions {
  private Reductions() {}

  static Shape shape(Shape x, Attrs.Reduce r) {
    List<Integer> dims = new ArrayList<>();
    for (int a : r.axes()) {
      if (a >= x.rank()) {
        throw new ShapeException("reduce axis " + a + " is out of range for shape " + x);
      }
    }
    for (int i = 0; i < x.rank(); i++) {
      if (r.axes().contains(i)) {
        if (r.keepDims()) {
          dims.add(1);
        }
      } else {
        dims.add(x.dim(i));
      }
    }
    return Shape.of(dims);
  }

  /** {@code x}'s shape with the reduced axes set to 1. */
  static Shape keptShape(Shape x, List<Integer> axes) {
    int[] d = x.dims();
    for (int a : axes) {
      d[a] = 1;
    }
    return Shape.of(d);
  }

  static Tensor reduce(Tensor x, Attrs.Reduce r, Shape out, double init, DoubleBinaryOperator f) {
    Shape kept = keptShape(x.shape(), r.axes());
    int[] map = Indexing.broadcastMap(kept, x.shape());
    double[] acc = new double[kept.size()];
    java.util.Arrays.fill(acc, init);
    double[] xd = x.data();
    for (int i = 0; i < xd.length; i++) {
      acc[map[i]] = f.applyAsDouble(acc[map[i]], xd[i]);
    }
    return Tensor.wrap(out, acc);
  }
}
