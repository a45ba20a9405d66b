package convnet.compiler.kernels;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Times the convolution weight gradient of two builds side by side in one JVM, on the first and
 * second convolutions of B1–B5 (batch 64, B3 16): each build's class path is loaded through its own
 * class loader and the two are called alternately, round by round; one thread's CPU time and the
 * wall time on 2 threads, medians. Also says whether the two builds' results are bitwise equal. Not
 * a unit test; run with {@code java --add-modules jdk.incubator.vector -cp
 * compiler/target/classes:compiler/target/test-classes:autodiff/target/classes
 * convnet.compiler.kernels.WeightCompare OLD_CLASS_PATH NEW_CLASS_PATH [ROUNDS]}.
 */
public final class WeightCompare {

  private WeightCompare() {}

  /** Prints, per convolution, the median milliseconds of each build and their ratio. */
  public static void main(String[] args) throws ReflectiveOperationException, java.io.IOException {
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    Method[] backwardWeight = new Method[2];
    Method[] setThreads = new Method[2];
    Class<?>[] signature = new Class<?>[15];
    Arrays.fill(signature, int.class);
    signature[0] = float[].class;
    signature[1] = float[].class;
    signature[2] = float[].class;
    for (int v = 0; v < 2; v++) {
      String[] dirs = args[v].split(java.io.File.pathSeparator);
      URL[] urls = new URL[dirs.length];
      for (int i = 0; i < dirs.length; i++) {
        urls[i] = Path.of(dirs[i]).toUri().toURL();
      }
      URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
      setThreads[v] =
          loader.loadClass("convnet.compiler.kernels.Parallel").getMethod("setThreads", int.class);
      backwardWeight[v] =
          loader
              .loadClass("convnet.compiler.kernels.Conv2d")
              .getMethod("backwardWeight", signature);
    }
    // Label, N, C, H, W, M, K, pad.
    Object[][] shapes = {
      {"B1 conv1", 64, 1, 28, 28, 16, 5, 0},
      {"B1 conv2", 64, 16, 12, 12, 32, 5, 0},
      {"B2 conv1", 64, 1, 28, 28, 32, 5, 0},
      {"B2 conv2", 64, 32, 12, 12, 64, 5, 0},
      {"B3 conv1", 16, 1, 143, 143, 64, 9, 0},
      {"B3 conv2", 16, 64, 26, 26, 256, 9, 0},
      {"B4 conv1", 64, 3, 32, 32, 32, 3, 1},
      {"B4 conv2", 64, 32, 16, 16, 64, 3, 1},
      {"B5 conv1", 64, 1, 28, 28, 32, 5, 2},
      {"B5 conv2", 64, 32, 14, 14, 64, 5, 2},
    };
    String only = System.getProperty("only", "");
    for (Object[] sh : shapes) {
      if (!((String) sh[0]).contains(only)) {
        continue;
      }
      int n = (Integer) sh[1];
      int c = (Integer) sh[2];
      int h = (Integer) sh[3];
      int w = (Integer) sh[4];
      int m = (Integer) sh[5];
      int k = (Integer) sh[6];
      int pad = (Integer) sh[7];
      Random r = new Random(7);
      int oh = h + 2 * pad - k + 1;
      int ow = w + 2 * pad - k + 1;
      float[] x = Reference.random(r, n * c * h * w);
      float[] dy = Reference.random(r, n * m * oh * ow);
      float[] dw = new float[m * c * k * k];
      double flops = 2.0 * n * m * oh * ow * c * k * k;
      Object[] a = {x, dy, dw, n, c, h, w, m, k, k, 1, 1, pad, pad, 1};
      double[][] cpu = new double[2][rounds];
      double[][] wall = new double[2][rounds];
      for (int round = 0; round <= rounds; round++) {
        for (int v = 0; v < 2; v++) {
          setThreads[v].invoke(null, 1);
          Method pass = backwardWeight[v];
          double perCall = CallTimer.cpuSecondsPerCall(() -> pass.invoke(null, a));
          setThreads[v].invoke(null, 2);
          double wallPerCall = CallTimer.wallSecondsPerCall(() -> pass.invoke(null, a));
          if (round > 0) {
            // Round 0 is the warm-up.
            cpu[v][round - 1] = perCall;
            wall[v][round - 1] = wallPerCall;
          }
        }
      }
      float[][] results = new float[2][];
      for (int v = 0; v < 2; v++) {
        float[] out = new float[dw.length];
        backwardWeight[v].invoke(null, x, dy, out, n, c, h, w, m, k, k, 1, 1, pad, pad, 1);
        results[v] = out;
      }
      boolean same = Arrays.equals(results[0], results[1]);
      for (double[][] t : new double[][][] {cpu, wall}) {
        Arrays.sort(t[0]);
        Arrays.sort(t[1]);
      }
      double before = cpu[0][rounds / 2];
      double after = cpu[1][rounds / 2];
      double before2 = wall[0][rounds / 2];
      double after2 = wall[1][rounds / 2];
      System.out.printf(
          Locale.ROOT,
          "%-9s 1 thread CPU: old %7.3f ms %6.1f GFLOP/s  new %7.3f ms %6.1f GFLOP/s  x%.2f"
              + " | 2 threads wall: old %7.3f  new %7.3f ms  x%.2f  %s%n",
          sh[0],
          before * 1e3,
          flops / before / 1e9,
          after * 1e3,
          flops / after / 1e9,
          before / after,
          before2 * 1e3,
          after2 * 1e3,
          before2 / after2,
          same ? "same bits" : "different bits");
    }
  }
}
