package convnet.compiler.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The classifier's products on the packed SGEMM and on {@code VectorThinSgemm}, one thread, that
 * thread's CPU time, the two paths switched round by round in one JVM, medians of 7 rounds; prints
 * Markdown table rows. Not a unit test; run after {@code mvn -pl compiler -am test-compile} with
 * {@code java --add-modules jdk.incubator.vector -cp
 * compiler/target/classes:compiler/target/test-classes:autodiff/target/classes
 * convnet.compiler.kernels.ThinSgemmCompare}.
 */
public final class ThinSgemmCompare {

  private ThinSgemmCompare() {}

  static double[] both(Runnable r) {
    double[] t1 = new double[7], t2 = new double[7];
    for (int round = 0; round < 7; round++) {
      Sgemm.useThin = false;
      t1[round] = 1e3 * CallTimer.cpuSecondsPerRun(r);
      Sgemm.useThin = true;
      t2[round] = 1e3 * CallTimer.cpuSecondsPerRun(r);
    }
    Arrays.sort(t1);
    Arrays.sort(t2);
    return new double[] {t1[3], t2[3]};
  }

  public static void main(String[] a) {
    Parallel.setThreads(1);
    Random r = new Random(1);
    for (int k : new int[] {4096, 1024, 512, 256}) {
      int m = 64, n = 10;
      float[] x = Reference.random(r, m * k),
          w = Reference.random(r, n * k),
          c = new float[m * n],
          dy = Reference.random(r, m * n),
          dw = new float[n * k];
      double[] f = both(() -> Sgemm.sgemm(false, true, m, n, k, 1f, x, 0, k, w, 0, k, 0f, c, 0, n));
      double[] g =
          both(() -> Sgemm.sgemm(true, false, n, k, m, 1f, dy, 0, n, x, 0, k, 0f, dw, 0, k));
      System.out.printf(
          Locale.ROOT,
          "| [64 x %d] . [%d x 10], forward | %.3f ms | %.3f ms | %.1fx |%n| [10 x 64] . [64 x %d], weight gradient | %.3f ms | %.3f ms | %.1fx |%n",
          k,
          k,
          f[0],
          f[1],
          f[0] / f[1],
          k,
          g[0],
          g[1],
          g[0] / g[1]);
    }
  }
}
