package convnet.compiler.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Before/after timing of the kernels that have two paths in one build (first-layer convolutions:
 * im2col + GEMM or the direct plane kernel; 2x2 pooling: scalar or vector), interleaved round by
 * round in one JVM so that load from other processes hits both alike. One thread; the time is this
 * thread's CPU time (less disturbed by other processes than wall time), median of the rounds. Not a
 * unit test; run after {@code mvn -pl compiler -am test-compile} with {@code java --add-modules
 * jdk.incubator.vector -cp
 * compiler/target/classes:compiler/target/test-classes:autodiff/target/classes
 * convnet.compiler.kernels.KernelCompare [rounds]}.
 */
public final class KernelCompare {

  private KernelCompare() {}

  /** One operation timed with its old path ({@code before}) and its new one. */
  private record Case(String name, double flops, Runnable body, Runnable before, Runnable after) {}

  private static Case conv(
      String name, int n, int c, int h, int w, int m, int k, int pad, boolean weight) {
    Random r = new Random(1);
    int oh = Conv2d.outputSize(h, k, 1, pad);
    int ow = Conv2d.outputSize(w, k, 1, pad);
    float[] x = Reference.random(r, n * c * h * w);
    float[] wt = Reference.random(r, m * c * k * k);
    float[] y = Reference.random(r, n * m * oh * ow);
    float[] dw = new float[wt.length];
    Runnable body =
        weight
            ? () -> Conv2d.backwardWeight(x, y, dw, n, c, h, w, m, k, k, 1, 1, pad, pad, 1)
            : () -> Conv2d.forward(x, wt, y, n, c, h, w, m, k, k, 1, 1, pad, pad, 1);
    return new Case(
        name + (weight ? " bwdWeight" : " fwd"),
        Conv2d.flops(n, c, h, w, m, k, k, 1, 1, pad, pad, 1),
        body,
        () -> Conv2d.usePlanes = false,
        () -> Conv2d.usePlanes = true);
  }

  private static Case maxPoolBackward(String name, int n, int c, int h, int w) {
    float[] x = Reference.random(new Random(2), n * c * h * w);
    float[] dy = Reference.random(new Random(3), n * c * (h / 2) * (w / 2));
    float[] dx = new float[x.length];
    return new Case(
        name + " bwd",
        x.length,
        () -> Pooling.maxBackward(x, dy, dx, n, c, h, w, 2, 2, 2, 2, 0, 0, false),
        () -> Pooling.useVector = false,
        () -> Pooling.useVector = true);
  }

  /** A 2x2/2 pooling kernel other than max backward: max or average, forward or backward. */
  private static Case pool(String name, boolean max, boolean forward, int n, int c, int h, int w) {
    float[] x = Reference.random(new Random(2), n * c * h * w);
    float[] dy = Reference.random(new Random(3), n * c * (h / 2) * (w / 2));
    float[] out = new float[forward ? dy.length : x.length];
    Runnable body =
        max
            ? () -> Pooling.maxForward(x, out, n, c, h, w, 2, 2, 2, 2, 0, 0, false)
            : forward
                ? () -> Pooling.avgForward(x, out, n, c, h, w, 2, 2, 2, 2, 0, 0, false)
                : () -> Pooling.avgBackward(dy, out, n, c, h, w, 2, 2, 2, 2, 0, 0, false);
    return new Case(
        name + (forward ? " fwd" : " bwd"),
        x.length,
        body,
        () -> Pooling.useVector = false,
        () -> Pooling.useVector = true);
  }

  /**
   * Prints, per case, the median milliseconds before and after and their ratio; the argument is the
   * number of rounds.
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    Parallel.setThreads(1);
    List<Case> cases =
        new ArrayList<>(
            List.of(
                conv("B1 conv1 1x28x28->16 5x5", 64, 1, 28, 28, 16, 5, 0, false),
                conv("B1 conv1 1x28x28->16 5x5", 64, 1, 28, 28, 16, 5, 0, true),
                conv("B2 conv1 1x28x28->32 5x5", 64, 1, 28, 28, 32, 5, 0, false),
                conv("B2 conv1 1x28x28->32 5x5", 64, 1, 28, 28, 32, 5, 0, true),
                conv("B4 conv1 3x32x32->32 3x3 pad1", 64, 3, 32, 32, 32, 3, 1, false),
                conv("B4 conv1 3x32x32->32 3x3 pad1", 64, 3, 32, 32, 32, 3, 1, true),
                conv("B5 conv1 1x28x28->32 5x5 pad2", 64, 1, 28, 28, 32, 5, 2, false),
                conv("B5 conv1 1x28x28->32 5x5 pad2", 64, 1, 28, 28, 32, 5, 2, true),
                conv("B3 conv1 1x143x143->64 9x9 (N=16)", 16, 1, 143, 143, 64, 9, 0, false),
                conv("B3 conv1 1x143x143->64 9x9 (N=16)", 16, 1, 143, 143, 64, 9, 0, true),
                maxPoolBackward("B4 maxpool 32x32x32", 64, 32, 32, 32),
                maxPoolBackward("B4 maxpool 64x16x16", 64, 64, 16, 16),
                maxPoolBackward("B5 maxpool 32x28x28", 64, 32, 28, 28),
                maxPoolBackward("B5 maxpool 64x14x14", 64, 64, 14, 14),
                pool("B4 maxpool 32x32x32", true, true, 64, 32, 32, 32),
                pool("B4 maxpool 64x16x16", true, true, 64, 64, 16, 16),
                pool("B5 maxpool 32x28x28", true, true, 64, 32, 28, 28),
                pool("B5 maxpool 64x14x14", true, true, 64, 64, 14, 14),
                pool("B1 avgpool 16x24x24", false, true, 64, 16, 24, 24),
                pool("B1 avgpool 16x24x24", false, false, 64, 16, 24, 24),
                pool("B1 avgpool 32x8x8", false, true, 64, 32, 8, 8),
                pool("B1 avgpool 32x8x8", false, false, 64, 32, 8, 8)));
    if (args.length > 1) {
      cases.removeIf(k -> !k.name.contains(args[1]));
    }
    System.out.println(
        "backend "
            + KernelBackend.describe()
            + ", 1 thread, CPU time, median of "
            + rounds
            + " interleaved rounds");
    for (Case k : cases) {
      double[] before = new double[rounds];
      double[] after = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        k.before.run();
        before[round] = CallTimer.cpuSecondsPerRun(k.body);
        k.after.run();
        after[round] = CallTimer.cpuSecondsPerRun(k.body);
      }
      k.after.run();
      Arrays.sort(before);
      Arrays.sort(after);
      double b = before[rounds / 2];
      double a = after[rounds / 2];
      System.out.printf(
          Locale.ROOT,
          "%-46s before %8.3f ms %6.1f GFLOP/s   after %8.3f ms %6.1f GFLOP/s   x%.2f%n",
          k.name,
          b * 1e3,
          k.flops / b / 1e9,
          a * 1e3,
          k.flops / a / 1e9,
          b / a);
    }
  }
}
