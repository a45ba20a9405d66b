package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Products with one side of at most one vector's width (loaded only when the Vector API is
 * present): a logistic layer's 10 classes, {@code x·Wᵀ} of [64 × 4096] by [4096 × 10] or its weight
 * gradient [10 × 4096]. The packed {@link VectorSgemm} pads such a side to a 2-vector panel and
 * packs the other, large side too (for B4's classifier, 10 GFLOP/s); here only the thin side is
 * packed, into one vector per k, and the other side is read where it lies, 8 rows of it in
 * registers against that vector.
 *
 * <p>Summation order: that of {@link VectorSgemm}, exactly. Each element sums its k products K
 * block by K block ({@link VectorSgemm#KC} from k = 0), within a block in k order by fused
 * multiply-adds from zero, and each block's sum t is merged as {@code C = alpha·t + beta'·C}; so
 * the result is bitwise the packed product's, whichever of the two a shape takes.
 */
final class VectorThinSgemm {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  static final int ROWS = 8;

  private VectorThinSgemm() {}

  /** The caller's packed thin side, shared read-only with the threads of a call. */
  private static final ThreadLocal<float[][]> PACKED =
      ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  /** Per thread: one row block's sums. */
  private static final ThreadLocal<float[]> SUMS =
      ThreadLocal.withInitial(() -> new float[ROWS * L]);

  /** Whether {@link #product} takes a product of this shape: op(B) fits a vector. */
  static boolean takes(int m, int n) {
    return n <= L;
  }

  /** {@code C = alpha·op(A)·op(B) + beta·C} as {@link Sgemm#sgemm} states it. */
  static void product(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float beta,
      float[] c,
      int cOff,
      int ldc,
      boolean parallel) {
    thin(
        m,
        n,
        k,
        alpha,
        a,
        aOff,
        transA ? 1 : lda,
        transA ? lda : 1,
        b,
        bOff,
        transB ? 1 : ldb,
        transB ? ldb : 1,
        beta,
        c,
        cOff,
        ldc,
        1,
        parallel);
  }

  /**
   * C[i·cRow + j·cCol] = alpha · Σ_p X[i·xRow + p·xK] · T[p·tK + j·tCol] + beta · C, for i &lt;
   * rows, j &lt; cols ≤ L, p &lt; k (offsets omitted).
   */
  private static void thin(
      int rows,
      int cols,
      int k,
      float alpha,
      float[] x,
      int xOff,
      int xRow,
      int xK,
      float[] t,
      int tOff,
      int tK,
      int tCol,
      float beta,
      float[] c,
      int cOff,
      int cRow,
      int cCol,
      boolean parallel) {
    float[][] holder = PACKED.get();
    if (holder[0].length < k * L) {
      holder[0] = new float[k * L];
    }
    float[] packed = holder[0];
    for (int p = 0; p < k; p++) {
      int d = p * L;
      int s = tOff + p * tK;
      for (int j = 0; j < cols; j++) {
        packed[d + j] = t[s + j * tCol];
      }
      for (int j = cols; j < L; j++) {
        packed[d + j] = 0f;
      }
    }
    int blocks = (rows + ROWS - 1) / ROWS;
    Parallel.ChunkBody body =
        (chunk, b0, b1) -> {
          float[] sums = SUMS.get();
          for (int blk = b0; blk < b1; blk++) {
            int i0 = blk * ROWS;
            int count = Math.min(ROWS, rows - i0);
            for (int pc = 0; pc < k; pc += VectorSgemm.KC) {
              int kc = Math.min(VectorSgemm.KC, k - pc);
              int from = xOff + i0 * xRow + pc * xK;
              if (count == ROWS) {
                rows8(kc, x, from, xRow, xK, packed, pc * L, sums);
              } else {
                for (int r = 0; r < count; r++) {
                  row1(kc, x, from + r * xRow, xK, packed, pc * L, sums, r * L);
                }
              }
              float betaBlock = pc == 0 ? beta : 1f;
              for (int r = 0; r < count; r++) {
                int at = cOff + (i0 + r) * cRow;
                for (int j = 0; j < cols; j++) {
                  int ci = at + j * cCol;
                  float v = alpha * sums[r * L + j];
                  c[ci] = betaBlock == 0f ? v : v + betaBlock * c[ci];
                }
              }
            }
          }
        };
    if (parallel) {
      Parallel.forRange(blocks, body);
    } else {
      body.run(0, 0, blocks);
    }
  }

  /** Sums of 8 rows of X (from, rows xRow apart, k steps xK apart) against kc packed vectors. */
  private static void rows8(
      int kc, float[] x, int from, int xRow, int xK, float[] packed, int pOff, float[] sums) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    FloatVector s4 = s0;
    FloatVector s5 = s0;
    FloatVector s6 = s0;
    FloatVector s7 = s0;
    int at = from;
    for (int p = 0; p < kc; p++, at += xK) {
      FloatVector v = FloatVector.fromArray(S, packed, pOff + p * L);
      s0 = FloatVector.broadcast(S, x[at]).fma(v, s0);
      s1 = FloatVector.broadcast(S, x[at + xRow]).fma(v, s1);
      s2 = FloatVector.broadcast(S, x[at + 2 * xRow]).fma(v, s2);
      s3 = FloatVector.broadcast(S, x[at + 3 * xRow]).fma(v, s3);
      s4 = FloatVector.broadcast(S, x[at + 4 * xRow]).fma(v, s4);
      s5 = FloatVector.broadcast(S, x[at + 5 * xRow]).fma(v, s5);
      s6 = FloatVector.broadcast(S, x[at + 6 * xRow]).fma(v, s6);
      s7 = FloatVector.broadcast(S, x[at + 7 * xRow]).fma(v, s7);
    }
    s0.intoArray(sums, 0);
    s1.intoArray(sums, L);
    s2.intoArray(sums, 2 * L);
    s3.intoArray(sums, 3 * L);
    s4.intoArray(sums, 4 * L);
    s5.intoArray(sums, 5 * L);
    s6.intoArray(sums, 6 * L);
    s7.intoArray(sums, 7 * L);
  }

  /** Sums of one row of X against kc packed vectors, into sums[to..to+L). */
  private static void row1(
      int kc, float[] x, int from, int xK, float[] packed, int pOff, float[] sums, int to) {
    FloatVector s = FloatVector.zero(S);
    int at = from;
    for (int p = 0; p < kc; p++, at += xK) {
      s = FloatVector.broadcast(S, x[at]).fma(FloatVector.fromArray(S, packed, pOff + p * L), s);
    }
    s.intoArray(sums, to);
  }
}
