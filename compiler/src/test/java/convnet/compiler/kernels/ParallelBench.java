package convnet.compiler.kernels;

import java.util.Arrays;
import java.util.Locale;

/**
 * The cost of one parallel call: wall time of {@link Parallel#forChunks} over 16 chunks whose
 * bodies sum {@code work} floats each, median of 2001 calls, for several rounds. Not a unit test;
 * run after {@code mvn -pl compiler -am test-compile} with {@code java -cp
 * compiler/target/test-classes:compiler/target/classes convnet.compiler.kernels.ParallelBench
 * [threads] [rounds]}, and with another build's classes in place of {@code compiler/target/classes}
 * to compare builds (alternate the two, several times).
 */
public final class ParallelBench {

  private ParallelBench() {}

  private static volatile float sink;

  /**
   * Prints, per chunk size, the median over rounds of each round's median microseconds per call.
   */
  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Parallel.setThreads(threads);
    for (int work : new int[] {0, 200, 2000}) {
      float[] data = new float[16 * Math.max(work, 1)];
      Arrays.fill(data, 1f);
      Runnable call =
          () ->
              Parallel.forChunks(
                  16,
                  16,
                  (chunk, start, end) -> {
                    float acc = 0;
                    for (int i = chunk * work; i < (chunk + 1) * work; i++) {
                      acc += data[i] * 1.0001f;
                    }
                    sink = acc;
                  });
      long warmEnd = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < warmEnd) {
        call.run();
      }
      double[] medians = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        double[] micros = new double[2001];
        for (int k = 0; k < micros.length; k++) {
          long t0 = System.nanoTime();
          call.run();
          micros[k] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(micros);
        medians[r] = micros[micros.length / 2];
      }
      Arrays.sort(medians);
      System.out.printf(
          Locale.ROOT,
          "%d threads, 16 chunks of %4d floats: %6.1f us per call (rounds %.1f-%.1f)%n",
          threads,
          work,
          medians[rounds / 2],
          medians[0],
          medians[rounds - 1]);
    }
  }
}
