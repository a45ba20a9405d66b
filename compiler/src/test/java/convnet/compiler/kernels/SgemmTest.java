package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SgemmTest {

  static java.util.stream.IntStream seeds() {
    return java.util.stream.IntStream.range(0, 60);
  }

  /**
   * A random product; sizes sometimes cross the K (256), M (96) and N blocking of the packed
   * kernel.
   */
  record Case(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float beta,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc) {

    static Case random(long seed) {
      Random r = new Random(seed);
      boolean big = r.nextInt(4) == 0;
      int m = 1 + r.nextInt(big ? 130 : 40);
      int n = 1 + r.nextInt(big ? 140 : 50);
      int k = 1 + r.nextInt(big ? 600 : 40);
      boolean ta = r.nextBoolean();
      boolean tb = r.nextBoolean();
      int lda = (ta ? m : k) + r.nextInt(3);
      int ldb = (tb ? k : n) + r.nextInt(3);
      int ldc = n + r.nextInt(3);
      int aOff = r.nextInt(5);
      int bOff = r.nextInt(5);
      int cOff = r.nextInt(5);
      float[] a = Reference.random(r, aOff + lda * (ta ? k : m));
      float[] b = Reference.random(r, bOff + ldb * (tb ? n : k));
      float[] c = Reference.random(r, cOff + ldc * m);
      float alpha = r.nextInt(3) == 0 ? 1f : (float) (r.nextDouble() * 4 - 2);
      float beta =
          switch (r.nextInt(3)) {
            case 0 -> 0f;
            case 1 -> 1f;
            default -> (float) (r.nextDouble() * 2 - 1);
          };
      if (beta == 0f) {
        // beta = 0 must overwrite C, NaNs included.
        Arrays.fill(c, Float.NaN);
      }
      return new Case(ta, tb, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    Reference.Result expected() {
      return Reference.sgemm(
          transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    float[] run(boolean scalar) {
      float[] out = c.clone();
      if (scalar) {
        ScalarSgemm.sgemm(
            transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
      } else {
        Sgemm.sgemm(
            transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
      }
      return out;
    }

    void check(float[] out, String what) {
      Reference.Result want = expected();
      for (int i = 0; i < m; i++) {
        float[] row = Arrays.copyOfRange(out, cOff + i * ldc, cOff + i * ldc + n);
        Reference.Result wantRow =
            new Reference.Result(
                Arrays.copyOfRange(want.value(), i * n, i * n + n),
                Arrays.copyOfRange(want.magnitude(), i * n, i * n + n));
        Reference.assertClose(row, 0, wantRow, what + " row " + i);
        // Padding between rows (ldc > n) must stay untouched.
        for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
          float before = c[cOff + i * ldc + j];
          float after = out[cOff + i * ldc + j];
          if (Float.floatToIntBits(before) != Float.floatToIntBits(after)) {
            throw new AssertionError(what + ": wrote outside C at row " + i + " column " + j);
          }
        }
      }
    }

    @Override
    public String toString() {
      return "sgemm(transA="
          + transA
          + ", transB="
          + transB
          + ", m="
          + m
          + ", n="
          + n
          + ", k="
          + k
          + ", alpha="
          + alpha
          + ", beta="
          + beta
          + ")";
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void matchesReference(int seed) {
    Case c = Case.random(seed);
    c.check(c.run(false), "seed " + seed + " " + c);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void scalarFallbackMatchesReference(int seed) {
    Case c = Case.random(seed);
    c.check(c.run(true), "seed " + seed + " scalar " + c);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void resultDoesNotDependOnThreadCount(int threads) {
    int saved = Parallel.threads();
    try {
      Random r = new Random(7);
      int m = 203;
      int n = 97;
      int k = 300;
      float[] a = Reference.random(r, m * k);
      float[] b = Reference.random(r, k * n);
      Parallel.setThreads(1);
      float[] one = new float[m * n];
      Sgemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, one, 0, n);
      Parallel.setThreads(threads);
      float[] many = new float[m * n];
      Sgemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, many, 0, n);
      assertArrayEquals(one, many, "threads " + threads);
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * A product large enough for the multi-threaded path, in the shapes it treats differently: thin
   * (op(B) packed per task), tall (op(B) packed once and shared), both transposes, offsets, padded
   * leading dimensions, any alpha and beta.
   */
  static Case parallelCase(long seed, int shape) {
    Random r = new Random(seed);
    int m;
    int n;
    int k;
    int kind = r.nextInt(3);
    switch (shape >= 0 ? shape : kind) {
      case 0 -> { // a dense layer's batch: few rows, long K
        m = 1 + r.nextInt(100);
        n = 20 + r.nextInt(300);
        k = 300 + r.nextInt(900);
      }
      case 1 -> { // a weight gradient: many rows, short K
        m = 150 + r.nextInt(250);
        n = 30 + r.nextInt(300);
        k = 1 + r.nextInt(120);
      }
      default -> { // square-ish, several row blocks and K blocks
        m = 200 + r.nextInt(150);
        n = 60 + r.nextInt(150);
        k = 200 + r.nextInt(400);
      }
    }
    // Enough work for the parallel path, whatever the draw.
    k = (int) Math.max(k, Sgemm.PARALLEL_THRESHOLD / ((long) m * n) + 1);
    boolean ta = r.nextBoolean();
    boolean tb = r.nextBoolean();
    int lda = (ta ? m : k) + r.nextInt(3);
    int ldb = (tb ? k : n) + r.nextInt(3);
    int ldc = n + r.nextInt(3);
    int aOff = r.nextInt(5);
    int bOff = r.nextInt(5);
    int cOff = r.nextInt(5);
    float[] a = Reference.random(r, aOff + lda * (ta ? k : m));
    float[] b = Reference.random(r, bOff + ldb * (tb ? n : k));
    float[] c = Reference.random(r, cOff + ldc * m);
    float alpha = r.nextBoolean() ? 1f : (float) (r.nextDouble() * 4 - 2);
    float beta = r.nextBoolean() ? 0f : (float) (r.nextDouble() * 2 - 1);
    if (beta == 0f) {
      Arrays.fill(c, Float.NaN);
    }
    return new Case(ta, tb, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
  }

  static java.util.stream.IntStream parallelSeeds() {
    return java.util.stream.IntStream.range(0, 12);
  }

  /**
   * The multi-threaded path matches the reference and, bit for bit, the single-threaded kernel on
   * 1, 2 and 3 threads: each element's summation order depends on k alone, never on the tiling.
   */
  @ParameterizedTest
  @MethodSource("parallelSeeds")
  void parallelPathIsExactAndThreadIndependent(int seed) {
    Case c = parallelCase(seed, -1);
    String what = "seed " + seed + " " + c;
    float[] serial = c.c().clone();
    Sgemm.sgemmSerial(
        c.transA(),
        c.transB(),
        c.m(),
        c.n(),
        c.k(),
        c.alpha(),
        c.a(),
        c.aOff(),
        c.lda(),
        c.b(),
        c.bOff(),
        c.ldb(),
        c.beta(),
        serial,
        c.cOff(),
        c.ldc());
    int saved = Parallel.threads();
    try {
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        float[] out = c.run(false);
        c.check(out, what + " threads " + threads);
        assertArrayEquals(serial, out, what + ": threads " + threads + " differ from serial");
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * A product whose packed operands exceed the packing limit is cut into column blocks, with the
   * same bits as in one piece.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void columnBlocksGiveTheSameBits(int seed) {
    Assumptions.assumeTrue(KernelBackend.VECTOR, "needs the Vector API kernel");
    // Tall enough that op(B) is packed once and shared, the case that is cut into column blocks.
    Case c = parallelCase(100 + seed, 2);
    float[] whole = c.run(false);
    long saved = VectorSgemm.packedLimit;
    try {
      // Room for op(A) and about two B panels: several column blocks.
      VectorSgemm.packedLimit = (long) (c.m() + 2 * VectorSgemm.MR) * c.k() + 2L * 32 * c.k();
      float[] blocked = c.run(false);
      c.check(blocked, "seed " + seed + " " + c);
      assertArrayEquals(whole, blocked, "seed " + seed + " " + c);
    } finally {
      VectorSgemm.packedLimit = saved;
    }
  }

  @Test
  void zeroKScalesC() {
    float[] c = {1, 2, 3, 4};
    Sgemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 2);
    assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2}, c);
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Sgemm.sgemm(
                    false,
                    false,
                    4,
                    4,
                    4,
                    1f,
                    new float[15],
                    0,
                    4,
                    new float[16],
                    0,
                    4,
                    0f,
                    new float[16],
                    0,
                    4));
    assertTrue(e.getMessage().contains("matrix A"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Sgemm.sgemm(
                    false,
                    false,
                    4,
                    4,
                    4,
                    1f,
                    new float[16],
                    0,
                    3,
                    new float[16],
                    0,
                    4,
                    0f,
                    new float[16],
                    0,
                    4));
    assertTrue(e.getMessage().contains("leading dimension"), e.getMessage());
  }
}
