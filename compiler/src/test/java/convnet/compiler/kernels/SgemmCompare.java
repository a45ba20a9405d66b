package convnet.compiler.kernels;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Before/after timing of the matrix multiplies of the benchmark networks (dense and logistic
 * layers, forward and both gradients) and of square SGEMM: {@link SgemmBaseline} against {@link
 * Sgemm}, interleaved round by round in one JVM. With one thread the time is this thread's CPU
 * time; with more it is wall time (the only meaningful one for a parallel kernel, and noisier).
 * Median of the rounds. Not a unit test; run after {@code mvn -pl compiler -am test-compile} with
 * {@code java --add-modules jdk.incubator.vector -cp
 * compiler/target/classes:compiler/target/test-classes:autodiff/target/classes
 * convnet.compiler.kernels.SgemmCompare [rounds] [threads] [name filter]}.
 */
public final class SgemmCompare {

  private SgemmCompare() {}

  /** One product, timed through the old kernel and the new one. */
  private record Case(String name, double flops, Runnable before, Runnable after) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** CPU seconds of the whole process over the last {@link #secondsPerCall} run, per call. */
  private static double lastProcessCpu;

  private static double secondsPerCall(Runnable body, boolean cpu) {
    long start = cpu ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    long process = OS.getProcessCpuTime();
    int calls = 0;
    long now;
    do {
      body.run();
      calls++;
      now = cpu ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    } while (now - start < 150_000_000L);
    lastProcessCpu = (OS.getProcessCpuTime() - process) / 1e9 / calls;
    return (now - start) / 1e9 / calls;
  }

  private static Case product(String name, boolean ta, boolean tb, int m, int n, int k, long seed) {
    Random r = new Random(seed);
    int lda = ta ? m : k;
    int ldb = tb ? k : n;
    float[] a = Reference.random(r, m * k);
    float[] b = Reference.random(r, k * n);
    float[] c = new float[m * n];
    return new Case(
        String.format(
            Locale.ROOT, "%-28s %s%s %dx%dx%d", name, ta ? "T" : "N", tb ? "T" : "N", m, n, k),
        2.0 * m * n * k,
        () -> SgemmBaseline.parallel(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n),
        () -> Sgemm.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n));
  }

  /** The three products of a dense layer of batch 64: forward, input and weight gradients. */
  private static List<Case> dense(String name, int in, int out) {
    int n = 64;
    return List.of(
        product(name + " fwd", false, true, n, out, in, 1),
        product(name + " bwdInput", false, false, n, in, out, 2),
        product(name + " bwdWeight", true, false, out, in, n, 3));
  }

  /** Prints, per case, the median milliseconds and GFLOP/s before and after. */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Parallel.setThreads(threads);
    List<Case> cases = new ArrayList<>();
    cases.addAll(dense("B5 dense 3136->256", 3136, 256));
    cases.addAll(dense("B5 logistic 256->10", 256, 10));
    cases.addAll(dense("B1 logistic 512->10", 512, 10));
    cases.addAll(dense("B2 logistic 1024->10", 1024, 10));
    cases.addAll(dense("B4 logistic 4096->10", 4096, 10));
    cases.add(product("SGEMM", false, false, 512, 512, 512, 4));
    cases.add(product("SGEMM", false, false, 1024, 1024, 1024, 4));
    if (args.length > 2) {
      cases.removeIf(k -> !k.name.contains(args[2]));
    }
    boolean cpu = threads == 1;
    System.out.println(
        "backend "
            + KernelBackend.describe()
            + ", "
            + threads
            + " thread(s), "
            + (cpu ? "CPU time" : "wall time")
            + ", median of "
            + rounds
            + " interleaved rounds");
    for (Case k : cases) {
      double[] before = new double[rounds];
      double[] after = new double[rounds];
      double[] beforeCpu = new double[rounds];
      double[] afterCpu = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        before[round] = secondsPerCall(k.before, cpu);
        beforeCpu[round] = lastProcessCpu;
        after[round] = secondsPerCall(k.after, cpu);
        afterCpu[round] = lastProcessCpu;
      }
      Arrays.sort(before);
      Arrays.sort(after);
      Arrays.sort(beforeCpu);
      Arrays.sort(afterCpu);
      double b = before[rounds / 2];
      double a = after[rounds / 2];
      System.out.println(
          String.format(
              Locale.ROOT,
              "%-48s before %8.3f ms %6.1f GFLOP/s   after %8.3f ms %6.1f GFLOP/s   %5.2fx%s",
              k.name,
              b * 1e3,
              k.flops / b / 1e9,
              a * 1e3,
              k.flops / a / 1e9,
              b / a,
              cpu
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "   CPU of all threads %8.3f / %8.3f ms",
                      beforeCpu[rounds / 2] * 1e3,
                      afterCpu[rounds / 2] * 1e3)));
    }
  }
}
