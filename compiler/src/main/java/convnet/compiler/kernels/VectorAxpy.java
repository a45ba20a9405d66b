package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code y += a·x} over contiguous runs, on the Vector API (loaded only when the module is
 * present).
 */
final class VectorAxpy {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VectorAxpy() {}

  static void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
    int i = 0;
    int bound = S.loopBound(n);
    FloatVector av = FloatVector.broadcast(S, a);
    for (; i < bound; i += S.length()) {
      FloatVector yv = FloatVector.fromArray(S, y, yOff + i);
      FloatVector.fromArray(S, x, xOff + i).fma(av, yv).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
    }
  }
}
