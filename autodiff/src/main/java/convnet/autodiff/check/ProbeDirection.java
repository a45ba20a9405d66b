package convnet.autodiff.check;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One direction along which a gradient check compares a central difference with the symbolic
 * gradient: a random normal direction ({@code index} −1) or the unit vector of one coordinate.
 */
public record ProbeDirection(String where, double[] direction, int index) {

  /**
   * The probes of one tensor of shape {@code shape}: {@code tol.directions()} random normal
   * directions, then unit vectors at up to {@code tol.coordinates()} sampled coordinates (in
   * ascending order), drawn from {@code rnd} in that order so that every checker using this draws
   * the same probes from the same seed.
   */
  public static List<ProbeDirection> of(Shape shape, Tolerance tol, Random rnd) {
    int size = shape.size();
    List<ProbeDirection> out = new ArrayList<>();
    for (int k = 0; k < tol.directions(); k++) {
      double[] d = new double[size];
      for (int i = 0; i < size; i++) {
        d[i] = rnd.nextGaussian();
      }
      out.add(new ProbeDirection("direction " + (k + 1), d, -1));
    }
    for (int idx : sampleIndices(size, tol.coordinates(), rnd)) {
      double[] d = new double[size];
      d[idx] = 1;
      out.add(new ProbeDirection("index " + Arrays.toString(unravel(idx, shape)), d, idx));
    }
    return out;
  }

  /** The directional derivative ⟨gradient, direction⟩. */
  public double along(Tensor gradient) {
    double[] g = gradient.data();
    double s = 0;
    for (int i = 0; i < g.length; i++) {
      s += g[i] * direction[i];
    }
    return s;
  }

  /**
   * {@code value + step · direction}, the point at which a central difference evaluates the loss.
   */
  public Tensor moved(Tensor value, double step) {
    double[] moved = value.toArray();
    for (int i = 0; i < moved.length; i++) {
      moved[i] += step * direction[i];
    }
    return Tensor.wrap(value.shape(), moved);
  }

  private static List<Integer> sampleIndices(int size, int count, Random rnd) {
    List<Integer> all = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      all.add(i);
    }
    if (size <= count) {
      return all;
    }
    Collections.shuffle(all, rnd);
    List<Integer> some = new ArrayList<>(all.subList(0, count));
    Collections.sort(some);
    return some;
  }

  private static int[] unravel(int flat, Shape s) {
    int[] idx = new int[s.rank()];
    for (int a = s.rank() - 1; a >= 0; a--) {
      idx[a] = flat % s.dim(a);
      flat /= s.dim(a);
    }
    return idx;
  }
}
