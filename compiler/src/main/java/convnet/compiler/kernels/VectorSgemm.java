package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packed, register-blocked SGEMM on the Vector API (loaded only when the module is present).
 *
 * <p>Goto-style blocking: a KC×NC block of op(B) is packed into NR-wide column panels, an MC×KC
 * block of op(A) into MR-tall row panels (both zero-padded to whole panels), and an MR×NR
 * micro-kernel keeps its 2·MR accumulators in registers. The species is a static final constant and
 * vectors live only in locals, which is what lets C2 compile the micro-kernel to straight FMA code.
 *
 * <p>Summation order, the same on every path and for every thread split: element (i, j) of C is
 * computed K block by K block (blocks of {@link #KC} starting at k = 0); within a block the
 * micro-kernel sums its products in k order with one fused multiply-add each, starting from zero,
 * and the block's sum {@code t} is merged as {@code C = alpha·t + beta'·C} (beta' is beta for the
 * first block, 1 afterwards). The order depends only on k, so neither the tiling of C into tasks
 * nor the thread count changes a bit of the result.
 */
final class VectorSgemm {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  static final int MR = 8;
  static final int NR = 2 * L;
  static final int KC = 256;
  static final int MC = 96;
  static final int NC = 64 * NR;

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(
          () -> new float[][] {new float[MC * KC], new float[KC * NC], new float[MR * NR]});

  private VectorSgemm() {}

  static int vectorBits() {
    return S.vectorBitSize();
  }

  /**
   * Most floats the shared packed copies of op(A) and op(B) should take together (64 MiB): op(B) is
   * then packed and used one column block at a time (op(A) is always packed whole, once). Not final
   * only so that a test can make it small.
   */
  static long packedLimit = 16L << 20;

  /**
   * Up to this many MC-row blocks, a task packs the op(B) panels it uses itself, into L1-sized
   * scratch; beyond, op(B) is packed once, whole, and shared (each row block would repack it).
   */
  static final int LOCAL_B_ROW_BLOCKS = 2;

  /** The calling thread's packed copies of op(A) and op(B), shared with the workers of a call. */
  private static final ThreadLocal<float[][]> SHARED =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  /**
   * The multi-threaded product. op(A) is packed once, whole, into MR-row panels shared by all
   * threads; so is op(B) when C has many row blocks, while for thin products (the dense layers'
   * 64-row batches) each task packs the B panels it uses, right before using them, so that they are
   * read from memory once and come back from L1. C is then cut into tiles of up to MC rows × a few
   * NR panels, which the threads take one by one. (Cutting C by rows alone, as before, made every
   * thread pack all of op(B) again: 8 times for a 64-row batch.) The result does not depend on the
   * tiling: see the summation order above.
   */
  static void parallel(
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
      int ldc) {
    int aPanels = (m + MR - 1) / MR;
    int rowBlocks = (m + MC - 1) / MC;
    boolean localB = rowBlocks <= LOCAL_B_ROW_BLOCKS;
    long aSize = (long) aPanels * MR * k;
    // Column blocks of whole NR panels such that both packed copies fit packedLimit.
    long perPanel = (long) NR * k;
    long room = Math.max(perPanel, packedLimit - aSize);
    int blockCols = localB ? n : (int) Math.min((long) n, Math.max(1, room / perPanel) * NR);
    float[][] shared = SHARED.get();
    if (shared[0].length < aSize) {
      shared[0] = new float[(int) aSize];
    }
    long bSize = localB ? 0 : (long) ((blockCols + NR - 1) / NR) * NR * k;
    if (shared[1].length < bSize) {
      shared[1] = new float[(int) bSize];
    }
    float[] pa = shared[0];
    float[] pb = shared[1];
    boolean aPacked = false;
    for (int j0 = 0; j0 < n; j0 += blockCols) {
      int jBase = j0;
      int nb = Math.min(blockCols, n - j0);
      int bPanels = (nb + NR - 1) / NR;
      int aUnits = aPacked ? 0 : aPanels;
      int units = aUnits + (localB ? 0 : bPanels);
      if (units > 0) {
        Parallel.forRange(
            units,
            (chunk, u0, u1) -> {
              for (int u = u0; u < u1; u++) {
                if (u < aUnits) {
                  packAPanel(
                      transA, a, aOff, lda, u * MR, Math.min(MR, m - u * MR), 0, k, pa, u * MR * k);
                } else {
                  int jp = u - aUnits;
                  packBPanel(
                      transB,
                      b,
                      bOff,
                      ldb,
                      0,
                      k,
                      jBase + jp * NR,
                      Math.min(NR, nb - jp * NR),
                      pb,
                      jp * NR * k);
                }
              }
            });
      }
      aPacked = true;
      // Tiles: MC rows × colPanels panels, enough of them for every thread to take several.
      int wanted = 4 * Parallel.threads();
      int colPanels = Math.max(1, Math.min(NC / NR, (bPanels * rowBlocks + wanted - 1) / wanted));
      int colBlocks = (bPanels + colPanels - 1) / colPanels;
      int tasks = rowBlocks * colBlocks;
      Parallel.forChunks(
          tasks,
          tasks,
          (task, t0, t1) -> {
            int rb = task / colBlocks;
            int cb = task % colBlocks;
            int i0 = rb * MC;
            int i1 = Math.min(m, i0 + MC);
            int jp0 = cb * colPanels;
            int jp1 = Math.min(bPanels, jp0 + colPanels);
            if (localB) {
              tileLocalB(
                  m,
                  nb,
                  k,
                  alpha,
                  pa,
                  transB,
                  b,
                  bOff,
                  ldb,
                  jBase,
                  beta,
                  c,
                  cOff + jBase,
                  ldc,
                  i0,
                  i1,
                  jp0,
                  jp1);
            } else {
              tile(m, nb, k, alpha, pa, pb, beta, c, cOff + jBase, ldc, i0, i1, jp0, jp1);
            }
          });
    }
  }

  /**
   * Rows [i0, i1) (i0 a multiple of MR) × panels [jp0, jp1) of C from the shared packed copies, K
   * block by K block.
   */
  private static void tile(
      int m,
      int n,
      int k,
      float alpha,
      float[] pa,
      float[] pb,
      float beta,
      float[] c,
      int cOff,
      int ldc,
      int i0,
      int i1,
      int jp0,
      int jp1) {
    float[] t = SCRATCH.get()[2];
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      float betaBlock = pc == 0 ? beta : 1f;
      for (int jp = jp0; jp < jp1; jp++) {
        int j = jp * NR;
        int nr = Math.min(NR, n - j);
        int bo = jp * NR * k + pc * NR;
        for (int i = i0; i < i1; i += MR) {
          int mr = Math.min(MR, m - i);
          kernel(kc, pa, (i / MR) * MR * k + pc * MR, pb, bo, t);
          merge(t, mr, nr, c, cOff + i * ldc + j, ldc, alpha, betaBlock);
        }
      }
    }
  }

  /**
   * As {@link #tile}, but packing each KC×NR panel of op(B) (columns counted from column j0 of
   * op(B)) into this thread's scratch right before the row panels use it.
   */
  private static void tileLocalB(
      int m,
      int n,
      int k,
      float alpha,
      float[] pa,
      boolean transB,
      float[] b,
      int bOff,
      int ldb,
      int j0,
      float beta,
      float[] c,
      int cOff,
      int ldc,
      int i0,
      int i1,
      int jp0,
      int jp1) {
    float[][] scratch = SCRATCH.get();
    float[] pb = scratch[1];
    float[] t = scratch[2];
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      float betaBlock = pc == 0 ? beta : 1f;
      for (int jp = jp0; jp < jp1; jp++) {
        int j = jp * NR;
        int nr = Math.min(NR, n - j);
        packBPanel(transB, b, bOff, ldb, pc, kc, j0 + j, nr, pb, 0);
        for (int i = i0; i < i1; i += MR) {
          int mr = Math.min(MR, m - i);
          kernel(kc, pa, (i / MR) * MR * k + pc * MR, pb, 0, t);
          merge(t, mr, nr, c, cOff + i * ldc + j, ldc, alpha, betaBlock);
        }
      }
    }
  }

  /**
   * Packs rows [i0, i0+mr) × columns [p0, p0+kc) of op(A) as one MR-row panel (k-major, zero rows
   * past mr) at pa[dst].
   */
  static void packAPanel(
      boolean transA,
      float[] a,
      int aOff,
      int lda,
      int i0,
      int mr,
      int p0,
      int kc,
      float[] pa,
      int dst) {
    if (transA) {
      for (int q = 0; q < kc; q++) {
        int src = aOff + (p0 + q) * lda + i0;
        int d = dst + q * MR;
        for (int r = 0; r < mr; r++) {
          pa[d + r] = a[src + r];
        }
        for (int r = mr; r < MR; r++) {
          pa[d + r] = 0f;
        }
      }
      return;
    }
    // Row by row within runs of PACK_RUN columns, so that the destination stays in L1.
    for (int q0 = 0; q0 < kc; q0 += PACK_RUN) {
      int q1 = Math.min(kc, q0 + PACK_RUN);
      for (int r = 0; r < MR; r++) {
        if (r < mr) {
          int src = aOff + (i0 + r) * lda + p0;
          for (int q = q0; q < q1; q++) {
            pa[dst + q * MR + r] = a[src + q];
          }
        } else {
          for (int q = q0; q < q1; q++) {
            pa[dst + q * MR + r] = 0f;
          }
        }
      }
    }
  }

  /**
   * Packs rows [p0, p0+kc) × columns [j0, j0+nr) of op(B) as one NR-column panel (k-major, zero
   * columns past nr) at pb[dst].
   */
  static void packBPanel(
      boolean transB,
      float[] b,
      int bOff,
      int ldb,
      int p0,
      int kc,
      int j0,
      int nr,
      float[] pb,
      int dst) {
    if (!transB) {
      for (int p = 0; p < kc; p++) {
        int d = dst + p * NR;
        System.arraycopy(b, bOff + (p0 + p) * ldb + j0, pb, d, nr);
        for (int j = nr; j < NR; j++) {
          pb[d + j] = 0f;
        }
      }
      return;
    }
    // One gather per lane group of each k row: lane j reads column j0 + j's row of B. In the
    // group that nr cuts, the lanes past nr re-read the group's first row and are then zeroed.
    int full = nr / L;
    int rem = nr - full * L;
    int[] index = new int[L];
    int[] tail = new int[L];
    for (int j = 0; j < L; j++) {
      index[j] = j * ldb;
      tail[j] = j < rem ? j * ldb : 0;
    }
    VectorMask<Float> valid = S.indexInRange(0, rem);
    FloatVector zero = FloatVector.zero(S);
    int base = bOff + j0 * ldb + p0;
    int groupStride = L * ldb;
    int groups = NR / L;
    for (int q = 0; q < kc; q++) {
      int d = dst + q * NR;
      int g = 0;
      for (; g < full; g++) {
        FloatVector.fromArray(S, b, base + g * groupStride + q, index, 0).intoArray(pb, d + g * L);
      }
      if (rem > 0) {
        zero.blend(FloatVector.fromArray(S, b, base + g * groupStride + q, tail, 0), valid)
            .intoArray(pb, d + g * L);
        g++;
      }
      for (; g < groups; g++) {
        zero.intoArray(pb, d + g * L);
      }
    }
  }

  /**
   * Columns of a row-major op(A) packed per run: the run of the panel being written stays in L1.
   */
  static final int PACK_RUN = 32;

  static void sgemm(
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
      int ldc) {
    float[][] scratch = SCRATCH.get();
    float[] pa = scratch[0];
    float[] pb = scratch[1];
    float[] t = scratch[2];
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        // Later K blocks add onto what the first one wrote.
        float betaBlock = pc == 0 ? beta : 1f;
        packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          packA(transA, a, aOff, lda, ic, mc, pc, kc, pa);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int pbOff = (jr / NR) * kc * NR;
            for (int ir = 0; ir < mc; ir += MR) {
              int mr = Math.min(MR, mc - ir);
              kernel(kc, pa, (ir / MR) * kc * MR, pb, pbOff, t);
              merge(t, mr, nr, c, cOff + (ic + ir) * ldc + jc + jr, ldc, alpha, betaBlock);
            }
          }
        }
      }
    }
  }

  /**
   * Packs rows [i0, i0+mc) × columns [p0, p0+kc) of op(A) as MR-row panels, k-major inside a panel.
   */
  static void packA(
      boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] pa) {
    for (int ir = 0; ir < mc; ir += MR) {
      packAPanel(
          transA, a, aOff, lda, i0 + ir, Math.min(MR, mc - ir), p0, kc, pa, (ir / MR) * kc * MR);
    }
  }

  /**
   * Packs rows [p0, p0+kc) × columns [j0, j0+nc) of op(B) as NR-column panels, k-major inside a
   * panel.
   */
  static void packB(
      boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] pb) {
    for (int jr = 0; jr < nc; jr += NR) {
      packBPanel(
          transB, b, bOff, ldb, p0, kc, j0 + jr, Math.min(NR, nc - jr), pb, (jr / NR) * kc * NR);
    }
  }

  /** The MR×NR register tile: t = A-panel · B-panel over kc. */
  static void kernel(int kc, float[] pa, int aOff, float[] pb, int bOff, float[] t) {
    FloatVector z = FloatVector.zero(S);
    FloatVector c00 = z,
        c01 = z,
        c10 = z,
        c11 = z,
        c20 = z,
        c21 = z,
        c30 = z,
        c31 = z,
        c40 = z,
        c41 = z,
        c50 = z,
        c51 = z,
        c60 = z,
        c61 = z,
        c70 = z,
        c71 = z;
    int ao = aOff;
    int bo = bOff;
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bo);
      FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
      FloatVector a;
      a = FloatVector.broadcast(S, pa[ao + 0]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, pa[ao + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, pa[ao + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, pa[ao + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, pa[ao + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, pa[ao + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(S, pa[ao + 6]);
      c60 = a.fma(b0, c60);
      c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(S, pa[ao + 7]);
      c70 = a.fma(b0, c70);
      c71 = a.fma(b1, c71);
      ao += MR;
      bo += NR;
    }
    c00.intoArray(t, 0 * NR);
    c01.intoArray(t, 0 * NR + L);
    c10.intoArray(t, 1 * NR);
    c11.intoArray(t, 1 * NR + L);
    c20.intoArray(t, 2 * NR);
    c21.intoArray(t, 2 * NR + L);
    c30.intoArray(t, 3 * NR);
    c31.intoArray(t, 3 * NR + L);
    c40.intoArray(t, 4 * NR);
    c41.intoArray(t, 4 * NR + L);
    c50.intoArray(t, 5 * NR);
    c51.intoArray(t, 5 * NR + L);
    c60.intoArray(t, 6 * NR);
    c61.intoArray(t, 6 * NR + L);
    c70.intoArray(t, 7 * NR);
    c71.intoArray(t, 7 * NR + L);
  }

  /** C-tile = alpha · t + beta · C-tile, for the mr×nr valid part of the tile. */
  static void merge(
      float[] t, int mr, int nr, float[] c, int co, int ldc, float alpha, float beta) {
    if (nr == NR) {
      for (int r = 0; r < mr; r++) {
        int row = co + r * ldc;
        FloatVector v0 = FloatVector.fromArray(S, t, r * NR).mul(alpha);
        FloatVector v1 = FloatVector.fromArray(S, t, r * NR + L).mul(alpha);
        if (beta != 0f) {
          v0 = v0.add(FloatVector.fromArray(S, c, row).mul(beta));
          v1 = v1.add(FloatVector.fromArray(S, c, row + L).mul(beta));
        }
        v0.intoArray(c, row);
        v1.intoArray(c, row + L);
      }
    } else {
      for (int r = 0; r < mr; r++) {
        int row = co + r * ldc;
        for (int j = 0; j < nr; j++) {
          c[row + j] =
              beta == 0f ? alpha * t[r * NR + j] : alpha * t[r * NR + j] + beta * c[row + j];
        }
      }
    }
  }
}
