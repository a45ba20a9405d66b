package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The stride-1 convolution of a few zero-padded planes into one output map with the output in
 * registers (loaded only when the Vector API is present): 4 output rows × one vector of columns per
 * pass, every tap one weight broadcast, 4 loads and 4 fused multiply-adds. The axpy form it
 * replaces read and wrote the whole output once per tap (81 times for a 9×9 window), so it was
 * bound by stores.
 *
 * <p>Each output sums its taps in the order (input map, kernel row, kernel column), one fused
 * multiply-add each, from zero: the order of the axpy form, so results are bitwise the same.
 */
final class VectorStencil {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  /** Rows of output a pass keeps in registers. */
  static final int ROWS = 4;

  private VectorStencil() {}

  /** Per thread: the taps' offsets in the padded planes. */
  private static final ThreadLocal<int[][]> OFFSETS = ThreadLocal.withInitial(() -> new int[1][0]);

  /** Per thread: {@link #ROWS} output rows of whole vectors, before their valid columns go out. */
  private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

  /**
   * Floats the padded planes must be followed by (zeros or anything), because a pass reads whole
   * vectors up to that far past the last row's valid columns.
   */
  static int slack(int kw) {
    return kw + 2 * L;
  }

  /**
   * Output map {@code out[oy·outW + ox]} at {@code outAt} = Σ_i Σ_ky Σ_kx wt[wAt + (i·kh + ky)·kw +
   * kx] · buf[i·planeSize + (oy + ky)·wp + ox + kx], for oy &lt; outH, ox &lt; outW.
   */
  static void convolve(
      float[] buf,
      int planeSize,
      int wp,
      int inMaps,
      float[] wt,
      int wAt,
      int kh,
      int kw,
      int outH,
      int outW,
      float[] out,
      int outAt) {
    int taps = inMaps * kh * kw;
    int[][] holder = OFFSETS.get();
    if (holder[0].length < taps) {
      holder[0] = new int[taps];
    }
    int[] offset = holder[0];
    for (int i = 0, t = 0; i < inMaps; i++) {
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++, t++) {
          offset[t] = i * planeSize + ky * wp + kx;
        }
      }
    }
    int width = (outW + L - 1) / L * L;
    float[][] rows = ROW.get();
    if (rows[0].length < ROWS * width) {
      rows[0] = new float[ROWS * width];
    }
    float[] row = rows[0];
    int oy = 0;
    for (; oy + ROWS <= outH; oy += ROWS) {
      for (int cx = 0; cx < outW; cx += L) {
        rows4(buf, offset, wt, wAt, taps, oy * wp + cx, wp, row, cx, width);
      }
      for (int r = 0; r < ROWS; r++) {
        System.arraycopy(row, r * width, out, outAt + (oy + r) * outW, outW);
      }
    }
    for (; oy < outH; oy++) {
      for (int cx = 0; cx < outW; cx += L) {
        rows1(buf, offset, wt, wAt, taps, oy * wp + cx, row, cx);
      }
      System.arraycopy(row, 0, out, outAt + oy * outW, outW);
    }
  }

  /** One vector of columns of 4 output rows, all taps; results to row[r·width + at]. */
  private static void rows4(
      float[] buf,
      int[] offset,
      float[] wt,
      int wAt,
      int taps,
      int base,
      int wp,
      float[] row,
      int at,
      int width) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector a2 = FloatVector.zero(S);
    FloatVector a3 = FloatVector.zero(S);
    for (int t = 0; t < taps; t++) {
      int o = base + offset[t];
      FloatVector w = FloatVector.broadcast(S, wt[wAt + t]);
      a0 = FloatVector.fromArray(S, buf, o).fma(w, a0);
      a1 = FloatVector.fromArray(S, buf, o + wp).fma(w, a1);
      a2 = FloatVector.fromArray(S, buf, o + 2 * wp).fma(w, a2);
      a3 = FloatVector.fromArray(S, buf, o + 3 * wp).fma(w, a3);
    }
    a0.intoArray(row, at);
    a1.intoArray(row, width + at);
    a2.intoArray(row, 2 * width + at);
    a3.intoArray(row, 3 * width + at);
  }

  /** One vector of columns of one output row, all taps; results to row[at]. */
  private static void rows1(
      float[] buf, int[] offset, float[] wt, int wAt, int taps, int base, float[] row, int at) {
    FloatVector a0 = FloatVector.zero(S);
    for (int t = 0; t < taps; t++) {
      a0 =
          FloatVector.fromArray(S, buf, base + offset[t])
              .fma(FloatVector.broadcast(S, wt[wAt + t]), a0);
    }
    a0.intoArray(row, at);
  }
}
