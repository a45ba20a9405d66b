package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Products with a side of at most one vector ({@code VectorThinSgemm}) give bitwise the packed
 * product's result, on 1, 2 and 3 threads: random thin shapes (mostly thin op(B), both
 * transpositions, K across the 256-wide K blocks, row counts that do and do not fill the 8-row
 * tile, padded leading dimensions and offsets, alpha and beta of 0, 1 and otherwise, and NaN in C
 * where beta is 0, which must not survive).
 */
class ThinSgemmTest {

  static java.util.stream.IntStream seeds() {
    return java.util.stream.IntStream.range(0, 40);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void thinProductsAreBitwiseThePackedOnes(int seed) {
    Random r = new Random(seed);
    int lanes = VectorThinSgemm.L;
    // Thin op(B) takes the thin kernel; thin op(A) stays packed (and must stay right).
    boolean thinB = r.nextInt(4) > 0;
    int thin = 1 + r.nextInt(lanes);
    int wide = 1 + r.nextInt(r.nextBoolean() ? 40 : 300);
    int m = thinB ? wide : thin;
    int n = thinB ? thin : wide;
    int k = 1 + r.nextInt(r.nextBoolean() ? 20 : 700);
    boolean transA = r.nextBoolean();
    boolean transB = r.nextBoolean();
    float[] scalars = {0f, 1f, 0.75f, -1.5f};
    float alpha = r.nextBoolean() ? 1f : scalars[1 + r.nextInt(3)];
    float beta = scalars[r.nextInt(scalars.length)];
    int lda = (transA ? m : k) + r.nextInt(3);
    int ldb = (transB ? k : n) + r.nextInt(3);
    int ldc = n + r.nextInt(3);
    int aOff = r.nextInt(5);
    int bOff = r.nextInt(5);
    int cOff = r.nextInt(5);
    float[] a = Reference.random(r, aOff + (transA ? k : m) * lda);
    float[] b = Reference.random(r, bOff + (transB ? n : k) * ldb);
    float[] c0 = Reference.random(r, cOff + m * ldc);
    if (beta == 0f) {
      Arrays.fill(c0, cOff, cOff + ldc, Float.NaN);
    }
    String shape =
        String.format(
            "seed %d: %s%s m=%d n=%d k=%d alpha=%s beta=%s lda=%d ldb=%d ldc=%d",
            seed, transA ? "Aᵀ" : "A", transB ? "Bᵀ" : "B", m, n, k, alpha, beta, lda, ldb, ldc);
    float[] want = c0.clone();
    int saved = Parallel.threads();
    try {
      Sgemm.useThin = false;
      Parallel.setThreads(1);
      Sgemm.sgemm(
          transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
      Sgemm.useThin = true;
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        float[] got = c0.clone();
        Sgemm.sgemm(
            transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
        assertArrayEquals(want, got, shape + " on " + threads + " threads");
      }
    } finally {
      Sgemm.useThin = true;
      Parallel.setThreads(saved);
    }
  }
}
