package convnet.autodiff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Seeded random shapes and values for property tests. */
final class TestData {
  private TestData() {}

  static Shape shape(Random r, int minRank, int maxRank, int maxDim) {
    int rank = minRank + r.nextInt(maxRank - minRank + 1);
    int[] d = new int[rank];
    for (int i = 0; i < rank; i++) {
      d[i] = 1 + r.nextInt(maxDim);
    }
    return Shape.of(d);
  }

  /** A shape that broadcasts to {@code s}: some leading axes dropped, some axes set to 1. */
  static Shape broadcastable(Random r, Shape s) {
    int drop = r.nextInt(s.rank() + 1);
    List<Integer> d = new ArrayList<>();
    for (int i = drop; i < s.rank(); i++) {
      d.add(r.nextInt(3) == 0 ? 1 : s.dim(i));
    }
    return Shape.of(d);
  }

  static Tensor normal(Random r, Shape s) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian();
    }
    return Tensor.wrap(s, d);
  }

  static Tensor uniform(Random r, Shape s, double lo, double hi) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (hi - lo) * r.nextDouble();
    }
    return Tensor.wrap(s, d);
  }

  /** Values with |x| in [0.2, 2], random sign: away from the kinks of abs, relu and sign. */
  static Tensor awayFromZero(Random r, Shape s) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = (0.2 + 1.8 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1);
    }
    return Tensor.wrap(s, d);
  }

  /** Pairwise distinct values at least 0.05 apart, in random order: no ties for max and argmax. */
  static Tensor distinct(Random r, Shape s) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      v.add((i - s.size() / 2.0) * 0.05 + 0.01 * r.nextDouble());
    }
    Collections.shuffle(v, r);
    double[] d = new double[v.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = v.get(i);
    }
    return Tensor.wrap(s, d);
  }

  /** Random 0/1 values. */
  static Tensor mask(Random r, Shape s) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextBoolean() ? 1 : 0;
    }
    return Tensor.wrap(s, d);
  }
}
