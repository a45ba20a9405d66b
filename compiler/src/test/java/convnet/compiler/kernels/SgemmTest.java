package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
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
