package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API SGEMM as it was before the shared-packing rewrite (8x2 tile, B packed per row
 * chunk), kept for the interleaved before/after timings of {@link SgemmCompare}.
 *
 * <p>Goto-style blocking: a KC×NC block of op(B) is packed into NR-wide column panels, an MC×KC
 * block of op(A) into MR-tall row panels (both zero-padded to whole panels), and an MR×NR
 * micro-kernel keeps its 2·MR accumulators in registers. The species is a static final constant and
 * vectors live only in locals, which is what lets C2 compile the micro-kernel to straight FMA code.
 */
final class SgemmBaseline {

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

  private SgemmBaseline() {}

  static int vectorBits() {
    return S.vectorBitSize();
  }

  /** The old parallel entry: 8-row panels cut into up to 16 chunks, each packing all of op(B). */
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
    long work = (long) m * n * k;
    int chunks = Parallel.chunkCount(Math.max(1, m / 8));
    if (work < Sgemm.PARALLEL_THRESHOLD || chunks == 1) {
      sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    int panels = (m + 7) / 8;
    Parallel.forChunks(
        panels,
        chunks,
        (chunk, p0, p1) -> {
          int i0 = p0 * 8;
          int i1 = Math.min(m, p1 * 8);
          if (i1 > i0) {
            int aRow = transA ? aOff + i0 : aOff + i0 * lda;
            sgemm(
                transA,
                transB,
                i1 - i0,
                n,
                k,
                alpha,
                a,
                aRow,
                lda,
                b,
                bOff,
                ldb,
                beta,
                c,
                cOff + i0 * ldc,
                ldc);
          }
        });
  }

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
      int mr = Math.min(MR, mc - ir);
      int base = (ir / MR) * kc * MR;
      if (!transA) {
        for (int r = 0; r < MR; r++) {
          if (r < mr) {
            int src = aOff + (i0 + ir + r) * lda + p0;
            for (int p = 0; p < kc; p++) {
              pa[base + p * MR + r] = a[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              pa[base + p * MR + r] = 0f;
            }
          }
        }
      } else {
        for (int p = 0; p < kc; p++) {
          int src = aOff + (p0 + p) * lda + i0 + ir;
          int dst = base + p * MR;
          for (int r = 0; r < mr; r++) {
            pa[dst + r] = a[src + r];
          }
          for (int r = mr; r < MR; r++) {
            pa[dst + r] = 0f;
          }
        }
      }
    }
  }

  /**
   * Packs rows [p0, p0+kc) × columns [j0, j0+nc) of op(B) as NR-column panels, k-major inside a
   * panel.
   */
  static void packB(
      boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] pb) {
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      int base = (jr / NR) * kc * NR;
      if (!transB) {
        for (int p = 0; p < kc; p++) {
          int dst = base + p * NR;
          System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + jr, pb, dst, nr);
          for (int j = nr; j < NR; j++) {
            pb[dst + j] = 0f;
          }
        }
      } else {
        for (int j = 0; j < NR; j++) {
          if (j < nr) {
            int src = bOff + (j0 + jr + j) * ldb + p0;
            for (int p = 0; p < kc; p++) {
              pb[base + p * NR + j] = b[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              pb[base + p * NR + j] = 0f;
            }
          }
        }
      }
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
