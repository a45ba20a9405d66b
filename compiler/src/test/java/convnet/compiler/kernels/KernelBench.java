package convnet.compiler.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark of the kernels on the benchmark networks' shapes (batch 64): GFLOP/s of each
 * convolution's forward, input gradient and weight gradient, of SGEMM, at 1 and 2 threads, and the
 * training-step time those kernels imply for B1, B2 and B4. Not a unit test; run after {@code mvn
 * -pl compiler -am test-compile} with {@code java --add-modules jdk.incubator.vector -cp
 * compiler/target/classes:compiler/target/test-classes:autodiff/target/classes
 * convnet.compiler.kernels.KernelBench [seconds-per-measurement]}.
 */
public final class KernelBench {

  private KernelBench() {}

  /** One timed operation and how many floating-point operations it does. */
  private record Op(String name, double flops, Runnable body) {}

  private static double secondsPerRun = 0.4;

  /**
   * Repeats that saw more than this many cores of other processes' load are redone (the machine is
   * shared).
   */
  private static final double FOREIGN_LOAD_LIMIT = 0.1;

  private static int noisyMeasurements;

  /**
   * Median seconds per call over 5 timed repeats after a warm-up. A repeat during which other
   * processes kept more than {@link #FOREIGN_LOAD_LIMIT} cores busy is redone, up to 40 tries;
   * after that the measurement counts as noisy and uses what it has.
   */
  private static double time(Runnable body) {
    long warm = System.nanoTime();
    while (System.nanoTime() - warm < secondsPerRun * 1e9) {
      body.run();
    }
    double[] t = new double[5];
    int accepted = 0;
    int tries = 0;
    double[] fallback = new double[5];
    while (accepted < t.length && tries < 40) {
      tries++;
      long busy0 = busyTicks();
      long own0 = ownCpuNanos();
      int calls = 0;
      long start = System.nanoTime();
      long now;
      do {
        body.run();
        calls++;
        now = System.nanoTime();
      } while (now - start < secondsPerRun * 1e9 / 2);
      double wall = (now - start) / 1e9;
      double foreign = ((busyTicks() - busy0) / 100.0 - (ownCpuNanos() - own0) / 1e9) / wall;
      double perCall = wall / calls;
      fallback[(tries - 1) % fallback.length] = perCall;
      if (foreign <= FOREIGN_LOAD_LIMIT) {
        t[accepted++] = perCall;
      }
    }
    if (accepted < t.length) {
      noisyMeasurements++;
      t = fallback;
    }
    Arrays.sort(t);
    return t[t.length / 2];
  }

  /**
   * Busy CPU ticks of the whole machine (USER_HZ = 100), from /proc/stat; 0 where it does not
   * exist.
   */
  private static long busyTicks() {
    try {
      String[] f =
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
              .get(0)
              .trim()
              .split("\\s+");
      long sum = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        sum += Long.parseLong(f[i]);
      }
      return sum - Long.parseLong(f[4]) - Long.parseLong(f[5]);
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long ownCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static List<Op> conv(
      String name,
      int n,
      int c,
      int h,
      int w,
      int m,
      int k,
      int pad,
      boolean inputGrad,
      int copies) {
    Random r = new Random(1);
    int oh = Conv2d.outputSize(h, k, 1, pad);
    int ow = Conv2d.outputSize(w, k, 1, pad);
    float[] x = Reference.random(r, n * c * h * w);
    float[] wt = Reference.random(r, m * c * k * k);
    float[] y = new float[n * m * oh * ow];
    float[] dx = new float[x.length];
    float[] dw = new float[wt.length];
    double f = Conv2d.flops(n, c, h, w, m, k, k, 1, 1, pad, pad, 1);
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      String suffix = copies > 1 ? " #" + (i + 1) : "";
      ops.add(
          new Op(
              name + " fwd" + suffix,
              f,
              () -> Conv2d.forward(x, wt, y, n, c, h, w, m, k, k, 1, 1, pad, pad, 1)));
      if (inputGrad) {
        ops.add(
            new Op(
                name + " bwdInput" + suffix,
                f,
                () -> Conv2d.backwardInput(y, wt, dx, n, c, h, w, m, k, k, 1, 1, pad, pad, 1)));
      }
    }
    if (name.startsWith("conv")) {
      ops.add(
          new Op(
              name + " bwdWeight",
              f,
              () -> Conv2d.backwardWeight(x, y, dw, n, c, h, w, m, k, k, 1, 1, pad, pad, 1)));
    }
    return ops;
  }

  private static List<Op> pool(String name, boolean max, int n, int c, int h, int w) {
    float[] x = Reference.random(new Random(2), n * c * h * w);
    float[] y = new float[n * c * (h / 2) * (w / 2)];
    float[] dx = new float[x.length];
    double f = x.length;
    if (max) {
      return List.of(
          new Op(
              name + " fwd",
              f,
              () -> Pooling.maxForward(x, y, n, c, h, w, 2, 2, 2, 2, 0, 0, false)),
          new Op(
              name + " bwd",
              f,
              () -> Pooling.maxBackward(x, y, dx, n, c, h, w, 2, 2, 2, 2, 0, 0, false)));
    }
    return List.of(
        new Op(
            name + " fwd", f, () -> Pooling.avgForward(x, y, n, c, h, w, 2, 2, 2, 2, 0, 0, false)),
        new Op(
            name + " bwd",
            f,
            () -> Pooling.avgBackward(y, dx, n, c, h, w, 2, 2, 2, 2, 0, 0, false)));
  }

  private static List<Op> dense(String name, int n, int in, int out) {
    Random r = new Random(3);
    float[] x = Reference.random(r, n * in);
    float[] wt = Reference.random(r, out * in);
    float[] y = new float[n * out];
    float[] dx = new float[x.length];
    float[] dw = new float[wt.length];
    double f = 2.0 * n * in * out;
    return List.of(
        new Op(
            name + " fwd",
            f,
            () -> Sgemm.sgemm(false, true, n, out, in, 1f, x, 0, in, wt, 0, in, 0f, y, 0, out)),
        new Op(
            name + " bwdInput",
            f,
            () -> Sgemm.sgemm(false, false, n, in, out, 1f, y, 0, out, wt, 0, in, 0f, dx, 0, in)),
        new Op(
            name + " bwdWeight",
            f,
            () -> Sgemm.sgemm(true, false, out, in, n, 1f, y, 0, out, x, 0, in, 0f, dw, 0, in)));
  }

  private static List<Op> network(String id) {
    List<Op> ops = new ArrayList<>();
    switch (id) {
      case "B1" -> {
        ops.addAll(conv("conv1 1x28x28->16 5x5", 64, 1, 28, 28, 16, 5, 0, false, 1));
        ops.addAll(pool("avgpool 16x24x24", false, 64, 16, 24, 24));
        ops.addAll(conv("conv2 16x12x12->32 5x5", 64, 16, 12, 12, 32, 5, 0, true, 1));
        ops.addAll(pool("avgpool 32x8x8", false, 64, 32, 8, 8));
        ops.addAll(dense("dense 512->10", 64, 512, 10));
      }
      case "B2" -> {
        ops.addAll(conv("conv1 1x28x28->32 5x5", 64, 1, 28, 28, 32, 5, 0, false, 1));
        // The rewritten LCN: one single-map 9x9 convolution for the mean and one for the variance.
        ops.addAll(conv("lcn 1x24x24 9x9 pad4", 64, 1, 24, 24, 1, 9, 4, true, 2));
        ops.addAll(pool("avgpool 32x24x24", false, 64, 32, 24, 24));
        ops.addAll(conv("conv2 32x12x12->64 5x5", 64, 32, 12, 12, 64, 5, 0, true, 1));
        ops.addAll(conv("lcn 1x8x8 9x9 pad4", 64, 1, 8, 8, 1, 9, 4, true, 2));
        ops.addAll(pool("avgpool 64x8x8", false, 64, 64, 8, 8));
        ops.addAll(dense("dense 1024->10", 64, 1024, 10));
      }
      case "B4" -> {
        ops.addAll(conv("conv1 3x32x32->32 3x3 pad1", 64, 3, 32, 32, 32, 3, 1, false, 1));
        ops.addAll(pool("maxpool 32x32x32", true, 64, 32, 32, 32));
        ops.addAll(conv("conv2 32x16x16->64 3x3 pad1", 64, 32, 16, 16, 64, 3, 1, true, 1));
        ops.addAll(pool("maxpool 64x16x16", true, 64, 64, 16, 16));
        ops.addAll(dense("dense 4096->10", 64, 4096, 10));
      }
      case "B5" -> {
        ops.addAll(conv("conv1 1x28x28->32 5x5 pad2", 64, 1, 28, 28, 32, 5, 2, false, 1));
        ops.addAll(pool("maxpool 32x28x28", true, 64, 32, 28, 28));
        ops.addAll(conv("conv2 32x14x14->64 5x5 pad2", 64, 32, 14, 14, 64, 5, 2, true, 1));
        ops.addAll(pool("maxpool 64x14x14", true, 64, 64, 14, 14));
        ops.addAll(dense("dense 3136->256", 64, 3136, 256));
        ops.addAll(dense("dense 256->10", 64, 256, 10));
      }
      case "B3" -> {
        // Only the first layer (batch 16), the one shape of B3 the first-layer kernels concern.
        ops.addAll(conv("conv1 1x143x143->64 9x9", 16, 1, 143, 143, 64, 9, 0, false, 1));
      }
      default -> throw new IllegalArgumentException("unknown network " + id);
    }
    return ops;
  }

  /** Prints the table; the optional argument is the seconds spent on each measurement. */
  public static void main(String[] args) {
    if (args.length > 0) {
      secondsPerRun = Double.parseDouble(args[0]);
    }
    String only = args.length > 1 ? args[1] : "B1,B2,B4,B5,SGEMM";
    if (Boolean.getBoolean("bench.gemmOnly")) {
      // Time the im2col + GEMM forward path instead of the direct lane-maps one.
      Conv2d.useLaneMaps = false;
      Conv2d.usePlanes = false;
    }
    if (Boolean.getBoolean("bench.noPlanes")) {
      // Time the first layers on im2col + GEMM instead of the direct pixels-in-lanes kernel.
      Conv2d.usePlanes = false;
    }
    System.out.println(
        "backend "
            + KernelBackend.describe()
            + (Conv2d.useLaneMaps ? "" : " (im2col+GEMM only)")
            + (Conv2d.usePlanes ? "" : " (no plane kernel)")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " processors, batch 64");
    int[] threadCounts = {1, 2};
    for (String id : only.split(",")) {
      if (id.equals("SGEMM")) {
        for (int size : new int[] {256, 512, 1024}) {
          Random r = new Random(4);
          float[] a = Reference.random(r, size * size);
          float[] b = Reference.random(r, size * size);
          float[] c = new float[size * size];
          StringBuilder line =
              new StringBuilder(String.format(Locale.ROOT, "SGEMM %4d^3           ", size));
          for (int t : threadCounts) {
            Parallel.setThreads(t);
            double s =
                time(
                    () ->
                        Sgemm.sgemm(
                            false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0,
                            size));
            line.append(
                String.format(
                    Locale.ROOT, "  %d thr: %7.1f GFLOP/s", t, 2.0 * size * size * size / s / 1e9));
          }
          System.out.println(line);
        }
        continue;
      }
      System.out.println("== " + id);
      List<Op> ops = network(id);
      double[] total = new double[threadCounts.length];
      for (Op op : ops) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-36s", op.name));
        for (int ti = 0; ti < threadCounts.length; ti++) {
          Parallel.setThreads(threadCounts[ti]);
          double s = time(op.body);
          total[ti] += s;
          line.append(
              String.format(
                  Locale.ROOT,
                  "  %d thr: %8.3f ms %7.1f GFLOP/s",
                  threadCounts[ti],
                  s * 1e3,
                  op.flops / s / 1e9));
        }
        System.out.println(line);
      }
      for (int ti = 0; ti < threadCounts.length; ti++) {
        System.out.printf(
            Locale.ROOT,
            "%s kernels per training step, %d thr: %.2f ms -> %.0f img/s%n",
            id,
            threadCounts[ti],
            total[ti] * 1e3,
            64 / total[ti]);
      }
    }
    System.out.println(
        noisyMeasurements == 0
            ? "all measurements on a quiet machine"
            : noisyMeasurements
                + " measurements taken under load from other processes (less reliable)");
  }
}
