package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The backward pass of 2×2 stride-2 max pooling on the Vector API (loaded only when it is present):
 * bitwise the same result as the scalar {@code Pooling.maxHalvingBackward}.
 *
 * <p>A tensor of even-sized maps is a sequence of row pairs (rows 2·oy and 2·oy + 1 of a plane are
 * consecutive in memory), pair R starting at 2·W·R with its outputs at OW·R. One step takes L
 * consecutive columns of both rows of a pair: lanes 2j and 2j + 1 of the two vectors are one
 * window. The window maximum is taken on {@link Pooling#key} integers (the order of max pooling's
 * tie rule) by a lane-wise max of the two rows and a max with the lanes swapped pairwise; the first
 * cell equal to it in window order (row 0 even, row 0 odd, row 1 even, row 1 odd) gets the bits of
 * dy, every other cell +0.0, exactly as the scalar code's masks do.
 */
final class VectorPooling {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** The int species of the same bit size, so its lanes are the float lanes reinterpreted. */
  static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

  static final int L = S.length();

  /** Lane i ↔ lane i ^ 1: the other column of the same window. */
  private static final VectorShuffle<Integer> SWAP = VectorShuffle.fromOp(I, i -> i ^ 1);

  /** Lane i ← lane i / 2: each of the first L/2 outputs spread over its window's two columns. */
  private static final VectorShuffle<Float> SPREAD = VectorShuffle.fromOp(S, i -> i / 2);

  /** −1 in odd lanes, 0 in even ones. */
  private static final int[] ODD_LANES = oddLanes();

  private VectorPooling() {}

  private static int[] oddLanes() {
    int[] odd = new int[L];
    for (int i = 1; i < L; i += 2) {
      odd[i] = -1;
    }
    return odd;
  }

  /**
   * Writes dx for the row pairs [r0, r1) of maps W wide (W even) and returns the first pair left to
   * the caller: the pairs at the end whose steps would touch memory past pair r1 (maps narrower
   * than L) or read dy past its end. Every cell of the pairs done is written.
   */
  static int maxHalvingBackward(float[] x, float[] dy, float[] dx, int r0, int r1, int w) {
    int ow = w / 2;
    IntVector odd = IntVector.fromArray(I, ODD_LANES, 0);
    if (w >= L) {
      int pair = r0;
      // A last step that starts at W − L overlaps the one before: both write the same values.
      int lastStep = w - L;
      for (; pair < r1 && pair * ow + lastStep / 2 + L <= dy.length; pair++) {
        int row = 2 * w * pair;
        int o = pair * ow;
        for (int c = 0; c < w; c += L) {
          int col = Math.min(c, lastStep);
          step(x, dy, dx, row + col, w, o + col / 2, odd);
        }
      }
      return pair;
    }
    // Maps narrower than L: a step's last lanes fall on the next rows. They are written with wrong
    // values that the steps of those rows, which come later, overwrite; so a step may run only when
    // what it touches lies before the end of the range.
    int end = 2 * w * r1;
    int pair = r0;
    for (; pair < r1 && 2 * w * pair + w + L <= end && pair * ow + L <= dy.length; pair++) {
      step(x, dy, dx, 2 * w * pair, w, pair * ow, odd);
    }
    return pair;
  }

  /**
   * One step: L columns of the two rows at {@code at} and {@code at + w}, their windows' dy from
   * {@code o}.
   */
  private static void step(float[] x, float[] dy, float[] dx, int at, int w, int o, IntVector odd) {
    IntVector k0 = key(FloatVector.fromArray(S, x, at).reinterpretAsInts());
    IntVector k1 = key(FloatVector.fromArray(S, x, at + w).reinterpretAsInts());
    IntVector rowMax = k0.max(k1);
    IntVector windowMax = rowMax.max(rowMax.rearrange(SWAP));
    IntVector zero = IntVector.zero(I);
    IntVector e0 = zero.blend(-1, k0.eq(windowMax));
    IntVector e1 = zero.blend(-1, k1.eq(windowMax));
    IntVector e0Other = e0.rearrange(SWAP);
    IntVector e1Other = e1.rearrange(SWAP);
    // Row 0: an odd cell wins only when its even neighbour does not. Row 1: only when no cell of
    // row 0 wins, and an odd cell only when its even neighbour does not.
    IntVector s0 = e0.and(e0Other.and(odd).not());
    IntVector s1 = e1.and(e0.or(e0Other).or(e1Other.and(odd)).not());
    IntVector g = FloatVector.fromArray(S, dy, o).rearrange(SPREAD).reinterpretAsInts();
    g.and(s0).reinterpretAsFloats().intoArray(dx, at);
    g.and(s1).reinterpretAsFloats().intoArray(dx, at + w);
  }

  /**
   * {@link Pooling#key} ({@code Windows.maxKey}) lane-wise: NaNs made the one canonical NaN, then
   * sign and magnitude to two's complement (−0.0 and 0.0 both 0).
   */
  private static IntVector key(IntVector bits) {
    IntVector canonical =
        bits.blend(0x7fc00000, bits.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000));
    IntVector sign = canonical.lanewise(VectorOperators.ASHR, 31);
    return canonical.and(0x7fffffff).lanewise(VectorOperators.XOR, sign).sub(sign);
  }
}
