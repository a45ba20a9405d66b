package convnet.runtime.cli;

import convnet.compiler.kernels.Sgemm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * This machine's float32 compute ceiling, against which convolution kernels are judged: a square
 * SGEMM timed with OpenBLAS through NumPy (when a Python with NumPy is present) and with convnet's
 * own Vector API SGEMM, both on the same number of threads, median of timed repeats after warm-up.
 */
record SgemmCeiling(
    int size,
    int threads,
    Optional<Double> openBlasGflops,
    String openBlasSource,
    double convnetGflops) {

  /**
   * The matrix size: large enough to be compute-bound, small enough to time in well under a second.
   */
  static final int SIZE = 1024;

  private static final int REPEATS = 5;
  private static final double REPEAT_SECONDS = 0.3;

  // Median of REPEATS repeats of at least REPEAT_SECONDS each after a warm-up, as the Java side
  // does.
  private static final String NUMPY_SCRIPT =
      String.join(
          "\n",
          "import sys, time",
          "import numpy as np",
          "n, repeats, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])",
          "rng = np.random.default_rng(1)",
          "a = rng.standard_normal((n, n), dtype=np.float32)",
          "b = rng.standard_normal((n, n), dtype=np.float32)",
          "end = time.perf_counter() + 1.0",
          "while time.perf_counter() < end:",
          "    a @ b",
          "rates = []",
          "for _ in range(repeats):",
          "    count, t0 = 0, time.perf_counter()",
          "    while True:",
          "        a @ b",
          "        count += 1",
          "        t = time.perf_counter() - t0",
          "        if t >= seconds:",
          "            break",
          "    rates.append(2.0 * n * n * n * count / t / 1e9)",
          "rates.sort()",
          "print(rates[len(rates) // 2])",
          "");

  /** Measures both sides with {@code threads} threads. */
  static SgemmCeiling measure(int threads) {
    String[] source = new String[1];
    Optional<Double> openBlas = openBlas(threads, source);
    return new SgemmCeiling(SIZE, threads, openBlas, source[0], convnet());
  }

  /** The share of the OpenBLAS ceiling (else of convnet's SGEMM) that {@code gflops} reaches. */
  double share(double gflops) {
    return gflops / openBlasGflops.orElse(convnetGflops);
  }

  /** One line for the table. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "SGEMM ceiling, %d^3 float32, %d threads: %s; convnet's SGEMM %.1f GFLOP/s",
        size,
        threads,
        openBlasGflops
            .map(g -> String.format(Locale.ROOT, "OpenBLAS via NumPy %.1f GFLOP/s", g))
            .orElse("OpenBLAS via NumPy not measured (" + openBlasSource + ")"),
        convnetGflops);
  }

  private static double convnet() {
    int n = SIZE;
    Random r = new Random(1);
    float[] a = new float[n * n];
    float[] b = new float[n * n];
    float[] c = new float[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
      b[i] = (float) r.nextGaussian();
    }
    long warmEnd = System.nanoTime() + 1_000_000_000L;
    do {
      Sgemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    } while (System.nanoTime() < warmEnd);
    double[] rates = new double[REPEATS];
    for (int k = 0; k < REPEATS; k++) {
      long t0 = System.nanoTime();
      long count = 0;
      double seconds;
      do {
        Sgemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        count++;
        seconds = (System.nanoTime() - t0) / 1e9;
      } while (seconds < REPEAT_SECONDS);
      rates[k] = 2.0 * n * n * n * count / seconds / 1e9;
    }
    Arrays.sort(rates);
    return rates[REPEATS / 2];
  }

  /**
   * Runs NumPy in a child process with OpenBLAS limited to {@code threads}. OPENBLAS_CORETYPE and
   * OPENBLAS_L2_SIZE are removed for that process alone: where the environment pins them (to work
   * around old OpenBLAS builds) they would hold a current NumPy below its real speed.
   */
  private static Optional<Double> openBlas(int threads, String[] source) {
    List<String> pythons = new ArrayList<>();
    String configured = System.getProperty("convnet.python");
    if (configured != null && !configured.isBlank()) {
      pythons.add(configured);
    }
    pythons.addAll(List.of("python3", "/usr/bin/python3"));
    String lastProblem = "no python3 found";
    for (String python : pythons) {
      Path script = null;
      try {
        script = Files.createTempFile("convnet-sgemm", ".py");
        Files.writeString(script, NUMPY_SCRIPT);
        ProcessBuilder pb =
            new ProcessBuilder(
                python,
                script.toString(),
                Integer.toString(SIZE),
                Integer.toString(REPEATS),
                Double.toString(REPEAT_SECONDS));
        Map<String, String> env = pb.environment();
        env.remove("OPENBLAS_CORETYPE");
        env.remove("OPENBLAS_L2_SIZE");
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          lastProblem = python + " took too long";
          continue;
        }
        String output =
            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
          lastProblem =
              python + (output.contains("No module named 'numpy'") ? " has no NumPy" : " failed");
          continue;
        }
        String[] lines = output.split("\\R");
        double gflops = Double.parseDouble(lines[lines.length - 1]);
        source[0] = python + " with NumPy";
        return Optional.of(gflops);
      } catch (IOException | NumberFormatException e) {
        lastProblem = python + ": " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        lastProblem = "interrupted";
        break;
      } finally {
        if (script != null) {
          try {
            Files.deleteIfExists(script);
          } catch (IOException e) {
            // A temporary file left behind is harmless.
          }
        }
      }
    }
    source[0] = lastProblem;
    return Optional.empty();
  }
}
