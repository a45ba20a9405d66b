package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2×2 stride-2 pooling, max and average, forward and backward, on the Vector API (loaded only when
 * it is present): bitwise the results of the scalar forms in {@link Pooling}.
 *
 * <p>A tensor of even-sized maps is a sequence of row pairs (rows 2·oy and 2·oy + 1 of a plane are
 * consecutive in memory), pair R starting at 2·W·R with its outputs at OW·R. One step takes L
 * consecutive columns of both rows of a pair: lanes 2j and 2j + 1 of the two vectors are one
 * window, whose output is at o + j.
 *
 * <p>Max pooling follows the order of {@link Pooling#key} (its tie rule), compared on the floats
 * themselves ({@link #beats}): the window's first maximum in window order (row 0 even, row 0 odd,
 * row 1 even, row 1 odd) is found as a tournament that keeps the earlier cell on a tie: within each
 * row (even against odd column, the odd one taken only when it beats the even one), then row 0's
 * winner against row 1's. The forward pass copies that cell's bits; the backward pass gives it the
 * bits of dy and every other cell +0.0. Average pooling adds the four cells in the scalar order,
 * ((0 + row 0 even) + row 0 odd) + row 1 even) + row 1 odd, and divides by 4; a NaN result is
 * written as the canonical NaN, as the scalar form does, since the payload the adds propagate
 * differs between the forms.
 *
 * <p>The forward steps write L outputs, of which the first L/2 are the windows' and the rest are
 * scratch that the next step of the same thread overwrites; so a step only runs where its L outputs
 * lie inside the range of the call, and the scalar form finishes the pairs at the end.
 *
 * <p>Why float vectors only, and only arrays and ints between methods: the first form of the
 * backward pass compared integer keys (float bits reinterpreted as ints and back) and passed a
 * vector to its step method. Timed alone it ran at 0.65 ms for B5's first pool (one thread), but
 * compiled by the JIT inside a training step, next to the other vector kernels, the same code took
 * 2.5–3 ms: C2 could not fold the reinterpretations' target species there (its intrinsics reported
 * "missing constant") and fell back to boxed vectors; a vector argument to a step that was not
 * inlined was boxed at every call too.
 */
final class VectorPooling {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  static final int L = S.length();

  /** Lane i ↔ lane i ^ 1: the other column of the same window. */
  private static final VectorShuffle<Float> SWAP = VectorShuffle.fromOp(S, i -> i ^ 1);

  /** Lane i ← lane 2i: the windows' results, held in the even lanes, packed into the first half. */
  private static final VectorShuffle<Float> PACK = VectorShuffle.fromOp(S, i -> (2 * i) % L);

  /** Lane i ← lane i / 2: each of the first L/2 outputs spread over its window's two columns. */
  private static final VectorShuffle<Float> SPREAD = VectorShuffle.fromOp(S, i -> i / 2);

  /** The odd lanes. */
  private static final VectorMask<Float> ODD = VectorMask.fromLong(S, 0xAAAAAAAAAAAAAAAAL);

  private VectorPooling() {}

  /**
   * Max pooling forward over the row pairs [r0, r1) of maps W wide (W even); returns the first pair
   * left to the scalar form. Output i goes to y[i − shift] (shift 0, or the first output of one
   * image written to a one-image array).
   */
  static int maxHalvingForward(float[] x, float[] y, int shift, int r0, int r1, int w) {
    int end = last(true, x.length, y.length, r0, r1, w);
    int ow = w / 2;
    int lastCol = Math.max(w - L, 0);
    for (int pair = r0; pair < end; pair++) {
      for (int c = 0; c < w; c += L) {
        int col = Math.min(c, lastCol);
        maxForwardStep(x, y, 2 * w * pair + col, w, pair * ow + col / 2 - shift);
      }
    }
    return end;
  }

  /**
   * Max pooling backward: writes every cell of dx for the row pairs [r0, r1) and returns the first
   * pair left to the scalar form. dx cell i is at dx[i − shift].
   */
  static int maxHalvingBackward(
      float[] x, float[] dy, float[] dx, int shift, int r0, int r1, int w) {
    int end = last(false, x.length, dy.length, r0, r1, w);
    int ow = w / 2;
    int lastCol = Math.max(w - L, 0);
    for (int pair = r0; pair < end; pair++) {
      for (int c = 0; c < w; c += L) {
        int col = Math.min(c, lastCol);
        int at = 2 * w * pair + col;
        maxBackwardStep(x, dy, dx, at, at - shift, w, pair * ow + col / 2);
      }
    }
    return end;
  }

  /** Average pooling forward, as {@link #maxHalvingForward}. */
  static int avgHalvingForward(float[] x, float[] y, int shift, int r0, int r1, int w) {
    int end = last(true, x.length, y.length, r0, r1, w);
    int ow = w / 2;
    int lastCol = Math.max(w - L, 0);
    for (int pair = r0; pair < end; pair++) {
      for (int c = 0; c < w; c += L) {
        int col = Math.min(c, lastCol);
        avgForwardStep(x, y, 2 * w * pair + col, w, pair * ow + col / 2 - shift);
      }
    }
    return end;
  }

  /** Average pooling backward, as {@link #maxHalvingBackward}. */
  static int avgHalvingBackward(float[] dy, float[] dx, int shift, int r0, int r1, int w) {
    // dx holds the cells from index shift on, so its length bounds the cells it can take there.
    int end = last(false, dx.length + shift, dy.length, r0, r1, w);
    int ow = w / 2;
    int lastCol = Math.max(w - L, 0);
    for (int pair = r0; pair < end; pair++) {
      for (int c = 0; c < w; c += L) {
        int col = Math.min(c, lastCol);
        avgBackwardStep(dy, dx, 2 * w * pair + col - shift, w, pair * ow + col / 2);
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
    FloatVector a = FloatVector.fromArray(S, x, at);
    FloatVector b = FloatVector.fromArray(S, x, at + w);
    FloatVector aOdd = a.rearrange(SWAP);
    FloatVector bOdd = b.rearrange(SWAP);
    // Even lanes: each row's first maximum (the odd column only when it beats the even one), then
    // row 1's only when it beats row 0's. Blends move bits, so a NaN keeps its payload.
    FloatVector ra = a.blend(aOdd, beats(aOdd, a));
    FloatVector rb = b.blend(bOdd, beats(bOdd, b));
    FloatVector r = ra.blend(rb, beats(rb, ra));
    canonical(r).rearrange(PACK).intoArray(y, o);
  }

  /**
   * L columns of the rows at {@code at} and {@code at + w}, their windows' dy from {@code o}: dy at
   * each window's first maximum, +0.0 elsewhere, written to dx from {@code d} and {@code d + w}.
   */
  private static void maxBackwardStep(
      float[] x, float[] dy, float[] dx, int at, int d, int w, int o) {
    FloatVector a = FloatVector.fromArray(S, x, at);
    FloatVector b = FloatVector.fromArray(S, x, at + w);
    FloatVector aOther = a.rearrange(SWAP);
    FloatVector bOther = b.rearrange(SWAP);
    // The tournament of maxForwardStep, run in both lanes of a window alike: "left" and "right" are
    // the window's even and odd cells of a row whichever lane holds them.
    FloatVector aLeft = a.blend(aOther, ODD);
    FloatVector aRight = aOther.blend(a, ODD);
    FloatVector bLeft = b.blend(bOther, ODD);
    FloatVector bRight = bOther.blend(b, ODD);
    VectorMask<Float> aTakesRight = beats(aRight, aLeft);
    VectorMask<Float> bTakesRight = beats(bRight, bLeft);
    VectorMask<Float> takesRow1 =
        beats(bLeft.blend(bRight, bTakesRight), aLeft.blend(aRight, aTakesRight));
    // A lane wins when its row wins and its column is the row's winner: the odd lane when the row
    // takes its right cell, the even lane when not.
    VectorMask<Float> wins0 = takesRow1.not().and(aTakesRight.eq(ODD));
    VectorMask<Float> wins1 = takesRow1.and(bTakesRight.eq(ODD));
    FloatVector g = canonical(FloatVector.fromArray(S, dy, o)).rearrange(SPREAD);
    FloatVector zero = FloatVector.zero(S);
    zero.blend(g, wins0).intoArray(dx, d);
    zero.blend(g, wins1).intoArray(dx, d + w);
  }

  /**
   * v with every NaN the canonical one: the JIT's vector code moves a NaN's bits unchanged, but the
   * Java forms the Vector API runs before the JIT compiles a kernel may not, so a payload would
   * depend on timing.
   */
  private static FloatVector canonical(FloatVector v) {
    return v.blend(Float.NaN, v.compare(VectorOperators.NE, v));
  }

  /**
   * Lanes where p comes after q in {@link Pooling#key}'s order: greater as floats (so −0.0 and 0.0
   * tie), or a NaN where q is not one (every NaN ranks above +∞ and ties with every other NaN).
   */
  private static VectorMask<Float> beats(FloatVector p, FloatVector q) {
    VectorMask<Float> pNaN = p.compare(VectorOperators.NE, p);
    VectorMask<Float> qNaN = q.compare(VectorOperators.NE, q);
    return p.compare(VectorOperators.GT, q).or(pNaN.andNot(qNaN));
  }

  /** L columns of the rows at {@code at} and {@code at + w}; their L/2 windows' means to y[o..]. */
  private static void avgForwardStep(float[] x, float[] y, int at, int w, int o) {
    FloatVector a = FloatVector.fromArray(S, x, at);
    FloatVector b = FloatVector.fromArray(S, x, at + w);
    // 0 + a first, as the scalar sum starts from 0 (it turns −0.0 into 0.0).
    FloatVector sum =
        FloatVector.zero(S).add(a).add(a.rearrange(SWAP)).add(b).add(b.rearrange(SWAP));
    canonical(sum.div(4f)).rearrange(PACK).intoArray(y, o);
  }

  /** dy[o..]/4 to the four cells of each window of L columns of the rows at {@code at}, +w. */
  private static void avgBackwardStep(float[] dy, float[] dx, int at, int w, int o) {
    FloatVector share = canonical(FloatVector.fromArray(S, dy, o).div(4f)).rearrange(SPREAD);
    share.intoArray(dx, at);
    share.intoArray(dx, at + w);
  }
}
