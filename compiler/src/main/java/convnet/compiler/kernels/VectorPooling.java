package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2×2 stride-2 pooling, max and average, forward and backward, on the Vector API (loaded only when
 * it is present): bitwise the results of the scalar forms in {@link Pooling} (for the average, up
 * to the payload of a NaN).
 *
 * <p>A tensor of even-sized maps is a sequence of row pairs (rows 2·oy and 2·oy + 1 of a plane are
 * consecutive in memory), pair R starting at 2·W·R with its outputs at OW·R. One step takes L
 * consecutive columns of both rows of a pair: lanes 2j and 2j + 1 of the two vectors are one
 * window, whose output is at o + j.
 *
 * <p>Max pooling compares {@link Pooling#key} integers (the order of its tie rule): the window's
 * first maximum in window order (row 0 even, row 0 odd, row 1 even, row 1 odd) is found as a
 * tournament that keeps the earlier cell on a tie: within each row (even against odd column, the
 * odd one taken only when its key is greater), then row 0's winner against row 1's. The forward
 * pass copies that cell's bits; the backward pass gives it the bits of dy and every other cell
 * +0.0. Average pooling adds the four cells in the scalar order, ((0 + row 0 even) + row 0 odd) +
 * row 1 even) + row 1 odd, and divides by 4.
 *
 * <p>The forward steps write L outputs, of which the first L/2 are the windows' and the rest are
 * scratch that the next step of the same thread overwrites; so a step only runs where its L outputs
 * lie inside the range of the call, and the scalar form finishes the pairs at the end. Kernels pass
 * only arrays and ints between methods (a vector passed to a method that the JIT does not inline is
 * boxed at every call, which made the backward pass 4× slower inside a training step).
 */
final class VectorPooling {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** The int species of the same bit size, so its lanes are the float lanes reinterpreted. */
  static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

  static final int L = S.length();

  /** Lane i ↔ lane i ^ 1: the other column of the same window. */
  private static final VectorShuffle<Integer> SWAP = VectorShuffle.fromOp(I, i -> i ^ 1);

  /** {@link #SWAP} on float lanes. */
  private static final VectorShuffle<Float> SWAP_F = VectorShuffle.fromOp(S, i -> i ^ 1);

  /** Lane i ← lane 2i: the windows' results, held in the even lanes, packed into the first half. */
  private static final VectorShuffle<Integer> PACK = VectorShuffle.fromOp(I, i -> (2 * i) % L);

  /** {@link #PACK} on float lanes. */
  private static final VectorShuffle<Float> PACK_F = VectorShuffle.fromOp(S, i -> (2 * i) % L);

  /** Lane i ← lane i / 2: each of the first L/2 outputs spread over its window's two columns. */
  private static final VectorShuffle<Integer> SPREAD = VectorShuffle.fromOp(I, i -> i / 2);

  /** {@link #SPREAD} on float lanes. */
  private static final VectorShuffle<Float> SPREAD_F = VectorShuffle.fromOp(S, i -> i / 2);

  /** The odd lanes. */
  private static final VectorMask<Integer> ODD = VectorMask.fromLong(I, 0xAAAAAAAAAAAAAAAAL);

  private VectorPooling() {}

  /**
   * Max pooling forward over the row pairs [r0, r1) of maps W wide (W even); returns the first pair
   * left to the scalar form.
   */
  static int maxHalvingForward(float[] x, float[] y, int r0, int r1, int w) {
    int end = last(true, x.length, y.length, r0, r1, w);
    int ow = w / 2;
    int lastCol = Math.max(w - L, 0);
    for (int pair = r0; pair < end; pair++) {
      for (int c = 0; c < w; c += L) {
        int col = Math.min(c, lastCol);
        maxForwardStep(x, y, 2 * w * pair + col, w, pair * ow + col / 2);
      }
    }
    return end;
  }

  /**
   * Max pooling backward: writes every cell of dx for the row pairs [r0, r1) and returns the first
   * pair left to the scalar form.
   */
  static int maxHalvingBackward(float[] x, float[] dy, float[] dx, int r0, int r1, int w) {
    int end = last(false, x.length, dy.length, r0, r1, w);
    int ow = w / 2;
    int lastCol = Math.max(w - L, 0);
    for (int pair = r0; pair < end; pair++) {
      for (int c = 0; c < w; c += L) {
        int col = Math.min(c, lastCol);
        maxBackwardStep(x, dy, dx, 2 * w * pair + col, w, pair * ow + col / 2);
      }
    }
    return end;
  }

  /** Average pooling forward, as {@link #maxHalvingForward}. */
  static int avgHalvingForward(float[] x, float[] y, int r0, int r1, int w) {
    int end = last(true, x.length, y.length, r0, r1, w);
    int ow = w / 2;
    int lastCol = Math.max(w - L, 0);
    for (int pair = r0; pair < end; pair++) {
      for (int c = 0; c < w; c += L) {
        int col = Math.min(c, lastCol);
        avgForwardStep(x, y, 2 * w * pair + col, w, pair * ow + col / 2);
      }
    }
    return end;
  }

  /** Average pooling backward, as {@link #maxHalvingBackward}. */
  static int avgHalvingBackward(float[] dy, float[] dx, int r0, int r1, int w) {
    int end = last(false, dx.length, dy.length, r0, r1, w);
    int ow = w / 2;
    int lastCol = Math.max(w - L, 0);
    for (int pair = r0; pair < end; pair++) {
      for (int c = 0; c < w; c += L) {
        int col = Math.min(c, lastCol);
        avgBackwardStep(dy, dx, 2 * w * pair + col, w, pair * ow + col / 2);
      }
    }
    return end;
  }

  /*
   * Each kernel is one loop calling its step at one place, maps narrower than L included (one step
   * per pair, at column 0): a method that held a second loop for them was compiled by C2, after
   * tiered compilation, into code 7-30x slower for the narrow maps.
   *
   * A step over maps narrower than L reads and writes past the pair: its last lanes fall on the next
   * rows (and outputs). They get wrong values that the steps of those rows, which come later,
   * overwrite. A last step at column W − L overlaps the one before: both write the same values.
   */

  /**
   * The end of the pairs [r0, end) whose steps stay inside what they may touch: x (or dx) of {@code
   * inLength} floats; for forward steps, the outputs of the pairs [r0, r1) (their scratch lanes);
   * for backward ones, dy of {@code outLength} floats and, over maps narrower than L, whose scratch
   * lanes fall on the next rows of dx, the rows of the pairs [r0, r1).
   */
  private static int last(boolean forward, int inLength, int outLength, int r0, int r1, int w) {
    int ow = w / 2;
    int col = Math.max(w - L, 0);
    int pair = r1;
    while (pair > r0) {
      int p = pair - 1;
      // The last step of pair p: at column max(W − L, 0), its outputs from p·OW + column/2.
      long in = 2L * w * p + col + w + L;
      long out = (long) p * ow + col / 2 + L;
      boolean fits =
          in <= inLength
              && (forward ? out <= (long) r1 * ow : out <= outLength && in <= 2L * w * r1);
      if (fits) {
        break;
      }
      pair--;
    }
    return pair;
  }

  /**
   * L columns of the rows at {@code at} and {@code at + w}; their L/2 windows' maxima to y[o..].
   */
  private static void maxForwardStep(float[] x, float[] y, int at, int w, int o) {
    IntVector a = FloatVector.fromArray(S, x, at).reinterpretAsInts();
    IntVector b = FloatVector.fromArray(S, x, at + w).reinterpretAsInts();
    IntVector ka = key(a);
    IntVector kb = key(b);
    IntVector kaOdd = ka.rearrange(SWAP);
    IntVector kbOdd = kb.rearrange(SWAP);
    // Even lanes: each row's first maximum (the odd column only when strictly greater), then row 1
    // only when strictly greater than row 0.
    IntVector ra = a.blend(a.rearrange(SWAP), kaOdd.compare(VectorOperators.GT, ka));
    IntVector rb = b.blend(b.rearrange(SWAP), kbOdd.compare(VectorOperators.GT, kb));
    IntVector rka = ka.max(kaOdd);
    IntVector rkb = kb.max(kbOdd);
    IntVector r = ra.blend(rb, rkb.compare(VectorOperators.GT, rka));
    r.rearrange(PACK).reinterpretAsFloats().intoArray(y, o);
  }

  /**
   * L columns of the rows at {@code at} and {@code at + w}, their windows' dy from {@code o}: dy at
   * each window's first maximum, +0.0 elsewhere.
   */
  private static void maxBackwardStep(float[] x, float[] dy, float[] dx, int at, int w, int o) {
    IntVector k0 = key(FloatVector.fromArray(S, x, at).reinterpretAsInts());
    IntVector k1 = key(FloatVector.fromArray(S, x, at + w).reinterpretAsInts());
    IntVector rowMax = k0.max(k1);
    IntVector windowMax = rowMax.max(rowMax.rearrange(SWAP));
    IntVector zero = IntVector.zero(I);
    IntVector e0 = zero.blend(-1, k0.eq(windowMax));
    IntVector e1 = zero.blend(-1, k1.eq(windowMax));
    IntVector e0Other = e0.rearrange(SWAP);
    IntVector e1Other = e1.rearrange(SWAP);
    IntVector odd = zero.blend(-1, ODD);
    // Row 0: an odd cell wins only when its even neighbour does not. Row 1: only when no cell of
    // row 0 wins, and an odd cell only when its even neighbour does not.
    IntVector s0 = e0.and(e0Other.and(odd).not());
    IntVector s1 = e1.and(e0.or(e0Other).or(e1Other.and(odd)).not());
    IntVector g = FloatVector.fromArray(S, dy, o).reinterpretAsInts().rearrange(SPREAD);
    g.and(s0).reinterpretAsFloats().intoArray(dx, at);
    g.and(s1).reinterpretAsFloats().intoArray(dx, at + w);
  }

  /** L columns of the rows at {@code at} and {@code at + w}; their L/2 windows' means to y[o..]. */
  private static void avgForwardStep(float[] x, float[] y, int at, int w, int o) {
    FloatVector a = FloatVector.fromArray(S, x, at);
    FloatVector b = FloatVector.fromArray(S, x, at + w);
    // 0 + a first, as the scalar sum starts from 0 (it turns −0.0 into 0.0).
    FloatVector sum =
        FloatVector.zero(S).add(a).add(a.rearrange(SWAP_F)).add(b).add(b.rearrange(SWAP_F));
    sum.div(4f).rearrange(PACK_F).intoArray(y, o);
  }

  /** dy[o..]/4 to the four cells of each window of L columns of the rows at {@code at}, +w. */
  private static void avgBackwardStep(float[] dy, float[] dx, int at, int w, int o) {
    FloatVector share = FloatVector.fromArray(S, dy, o).div(4f).rearrange(SPREAD_F);
    share.intoArray(dx, at);
    share.intoArray(dx, at + w);
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
