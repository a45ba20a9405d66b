package convnet.compiler.kernels;

/**
 * Single-precision general matrix multiply on row-major {@code float[]} matrices with offsets:
 * {@code C = alpha * op(A) * op(B) + beta * C}, as in BLAS but row-major.
 */
public final class Sgemm {

  /** Below this many multiply-adds a product runs on the calling thread alone. */
  static final long PARALLEL_THRESHOLD = 1L << 21;

  /**
   * Whether products with n at most one vector take {@code VectorThinSgemm} (bitwise the same
   * result); not final only so that tests and benchmarks can compare both paths.
   */
  static volatile boolean useThin = true;

  private Sgemm() {}

  /**
   * {@code C[m×n] = alpha * op(A)[m×k] * op(B)[k×n] + beta * C}. Row-major: element (i, j) of a
   * matrix X stored with leading dimension ldx is {@code x[xOff + i * ldx + j]}; {@code op(A) = A}
   * or its transpose when {@code transA} (then A is stored k×m). When {@code beta == 0}, C is
   * overwritten (NaNs in it do not survive). Large products run on several threads: op(A) and op(B)
   * are packed once and C is cut into tiles that the threads share. Products with n at most one
   * vector's width (a classifier's 10 outputs) pack only op(B) and read op(A) where it lies. Each
   * element of C sums its k products in an order fixed by k alone (blocks of 256 from k = 0, in k
   * order within a block; see {@code VectorSgemm}), so the result is bitwise the same whatever the
   * thread count or the tiling, and the same as {@link #sgemmSerial}'s.
   */
  public static void sgemm(
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
    check("A", a, aOff, lda, transA ? k : m, transA ? m : k);
    check("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    check("C", c, cOff, ldc, m, n);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0 || alpha == 0f) {
      scale(m, n, beta, c, cOff, ldc);
      return;
    }
    long work = (long) m * n * k;
    if (KernelBackend.VECTOR && useThin && VectorThinSgemm.takes(m, n)) {
      VectorThinSgemm.product(
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          a,
          aOff,
          lda,
          b,
          bOff,
          ldb,
          beta,
          c,
          cOff,
          ldc,
          work >= PARALLEL_THRESHOLD);
      return;
    }
    if (work < PARALLEL_THRESHOLD) {
      sgemmSerial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    if (KernelBackend.VECTOR) {
      VectorSgemm.parallel(
          transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    // The scalar fallback: chunks of whole 8-row panels, each computed as a serial product.
    int chunks = Parallel.chunkCount(Math.max(1, m / 8));
    int panels = (m + 7) / 8;
    Parallel.forChunks(
        panels,
        chunks,
        (chunk, p0, p1) -> {
          int i0 = p0 * 8;
          int i1 = Math.min(m, p1 * 8);
          if (i1 > i0) {
            int aRow = transA ? aOff + i0 : aOff + i0 * lda;
            sgemmSerial(
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

  /**
   * Same as {@link #sgemm} but always on the calling thread (for callers that already run in
   * parallel).
   */
  public static void sgemmSerial(
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
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0 || alpha == 0f) {
      scale(m, n, beta, c, cOff, ldc);
      return;
    }
    if (KernelBackend.VECTOR) {
      VectorSgemm.sgemm(
          transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else {
      ScalarSgemm.sgemm(
          transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
  }

  private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        c[row + j] = beta == 0f ? 0f : beta * c[row + j];
      }
    }
  }

  private static void check(String name, float[] x, int off, int ld, int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "sgemm: matrix " + name + " has negative size " + rows + "x" + cols);
    }
    if (x == null) {
      throw new IllegalArgumentException("sgemm: matrix " + name + " is null");
    }
    if (rows == 0 || cols == 0) {
      return;
    }
    if (ld < cols) {
      throw new IllegalArgumentException(
          "sgemm: leading dimension of "
              + name
              + " is "
              + ld
              + ", less than its "
              + cols
              + " columns");
    }
    long last = (long) off + (long) (rows - 1) * ld + cols - 1;
    if (off < 0 || last >= x.length) {
      throw new IllegalArgumentException(
          "sgemm: matrix "
              + name
              + " ("
              + rows
              + "x"
              + cols
              + ", offset "
              + off
              + ", leading dimension "
              + ld
              + ") needs "
              + (last + 1)
              + " floats, array has "
              + x.length);
    }
  }
}
