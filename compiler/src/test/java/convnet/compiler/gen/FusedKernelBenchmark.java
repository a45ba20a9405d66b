package convnet.compiler.gen;

import convnet.autodiff.ScalarOp;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Elements per second of a fused y = g·tanh(x + b) kernel (per-channel b and g) over [64,16,24,24],
 * the first CSG stage of B1, on the vector path, the scalar path and a plain Java loop with
 * Math.tanh for reference. Not a unit test; run with {@code java --add-modules jdk.incubator.vector
 * -cp ... convnet.compiler.gen.FusedKernelBenchmark
 * [vector|scalar|plain|reduce-vector|reduce-scalar]...}; {@code vector:exp} (or log, sigmoid, ...)
 * replaces tanh by another function.
 */
public final class FusedKernelBenchmark {
  private static final int N = 64;
  private static final int C = 16;
  private static final int HW = 24 * 24;

  private FusedKernelBenchmark() {}

  public static void main(String[] args) throws Throwable {
    List<String> paths = args.length == 0 ? List.of("vector", "scalar", "plain") : List.of(args);
    float[][] buffers = {new float[N * C * HW], new float[C], new float[C], new float[N * C * HW]};
    Random random = new Random(1);
    for (float[] buffer : List.of(buffers[0], buffers[1], buffers[2])) {
      for (int i = 0; i < buffer.length; i++) {
        buffer[i] = (float) random.nextGaussian();
      }
    }
    for (String path : paths) {
      String[] parts = path.split(":");
      ScalarOp function =
          parts.length > 1
              ? ScalarOp.valueOf(parts[1].toUpperCase(java.util.Locale.ROOT))
              : ScalarOp.TANH;
      Runnable step =
          switch (parts[0]) {
            case "vector", "scalar" -> kernel(parts[0].equals("vector"), function, buffers);
            case "plain" -> () -> plain(buffers);
            case "reduce-vector", "reduce-scalar" ->
                biasGainGradients(parts[0].equals("reduce-vector"), buffers);
            default ->
                throw new IllegalArgumentException(
                    "unknown path " + path + "; expected vector, scalar or plain");
          };
      double[] rates = new double[7];
      for (int warmup = 0; warmup < 200; warmup++) {
        step.run();
      }
      for (int repeat = 0; repeat < rates.length; repeat++) {
        int calls = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
          step.run();
          calls++;
          elapsed = System.nanoTime() - start;
        } while (elapsed < 300_000_000L);
        rates[repeat] = (double) calls * N * C * HW / (elapsed / 1e9);
      }
      Arrays.sort(rates);
      System.out.printf(
          "%-14s %8.1f M elements/s (median of %d; min %.1f, max %.1f)%n",
          path,
          rates[rates.length / 2] / 1e6,
          rates.length,
          rates[0] / 1e6,
          rates[rates.length - 1] / 1e6);
    }
  }

  private static Runnable kernel(boolean vector, ScalarOp function, float[][] buffers) {
    Dims shape = Dims.of(N, C, HW);
    Expr value =
        Expr.apply(
            ScalarOp.MUL,
            Expr.load(2, Dims.of(C, 1)),
            Expr.apply(
                function,
                Expr.apply(ScalarOp.ADD, Expr.load(0, shape), Expr.load(1, Dims.of(C, 1)))));
    ElementwiseKernel kernel =
        new ElementwiseKernel(
            "biasTanhGain", shape, List.of(new ElementwiseKernel.Output(3, value)));
    MethodHandle run = new ElementwiseKernelGen(vector).generate(kernel).method("run");
    return () -> {
      try {
        run.invokeExact(buffers, 0, N);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** Bias and gain gradients of the same layer: Σ over N,H,W of dy and of dy·t, per channel. */
  private static Runnable biasGainGradients(boolean vector, float[][] buffers) {
    Dims shape = Dims.of(N, C, HW);
    Expr dy = Expr.load(0, shape);
    Expr t = Expr.load(3, shape);
    ReduceKernel kernel =
        new ReduceKernel(
            "biasGainGrad",
            shape,
            List.of(0, 2),
            List.of(
                new ReduceKernel.Reduction(1, ReduceKernel.Combine.SUM, dy),
                new ReduceKernel.Reduction(
                    2, ReduceKernel.Combine.SUM, Expr.apply(ScalarOp.MUL, dy, t))));
    MethodHandle run = new ReduceKernelGen(vector).generate(kernel).method("run");
    float[][] scratch = {buffers[0], new float[C], new float[C], buffers[3]};
    return () -> {
      try {
        run.invokeExact(scratch, 0, N, 0);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static void plain(float[][] buffers) {
    float[] x = buffers[0];
    float[] b = buffers[1];
    float[] g = buffers[2];
    float[] y = buffers[3];
    for (int n = 0; n < N; n++) {
      for (int c = 0; c < C; c++) {
        int base = (n * C + c) * HW;
        for (int p = 0; p < HW; p++) {
          y[base + p] = g[c] * (float) Math.tanh(x[base + p] + b[c]);
        }
      }
    }
  }
}
