package convnet.compiler.kernels;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Times the convolution kernels (forward, input and weight gradient) of two builds side by side in
 * one JVM: each build's class directories (a class path: {@code compiler/target/classes} and {@code
 * autodiff/target/classes}, which the kernels use) are loaded through their own class loader, and
 * the two are called alternately, one thread, this thread's CPU time, median of 9 rounds (so that
 * load from other processes hits both alike). Not a unit test; run with {@code java --add-modules
 * jdk.incubator.vector -cp
 * compiler/target/classes:compiler/target/test-classes:autodiff/target/classes
 * convnet.compiler.kernels.BuildCompare OLD_CLASS_PATH NEW_CLASS_PATH}.
 */
public final class BuildCompare {

  private BuildCompare() {}

  private static final int ROUNDS = 9;

  /** Prints, per convolution and pass, the median milliseconds of each build and their ratio. */
  public static void main(String[] args) throws ReflectiveOperationException, java.io.IOException {
    Method[] forward = new Method[2];
    Method[] backwardInput = new Method[2];
    Method[] backwardWeight = new Method[2];
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
      loader
          .loadClass("convnet.compiler.kernels.Parallel")
          .getMethod("setThreads", int.class)
          .invoke(null, 1);
      Class<?> conv = loader.loadClass("convnet.compiler.kernels.Conv2d");
      forward[v] = conv.getMethod("forward", signature);
      backwardInput[v] = conv.getMethod("backwardInput", signature);
      backwardWeight[v] = conv.getMethod("backwardWeight", signature);
    }
    // N, C, H, W, M, K, pad: the second convolutions of B5, B1, B2, B4 and B3.
    int[][] shapes = {
      {64, 32, 14, 14, 64, 5, 2},
      {64, 16, 12, 12, 32, 5, 0},
      {64, 32, 12, 12, 64, 5, 0},
      {64, 32, 16, 16, 64, 3, 1},
      {16, 64, 26, 26, 256, 9, 0}
    };
    for (int[] sh : shapes) {
      int n = sh[0];
      int c = sh[1];
      int h = sh[2];
      int w = sh[3];
      int m = sh[4];
      int k = sh[5];
      int pad = sh[6];
      Random r = new Random(7);
      int oh = h + 2 * pad - k + 1;
      int ow = w + 2 * pad - k + 1;
      float[] x = Reference.random(r, n * c * h * w);
      float[] wt = Reference.random(r, m * c * k * k);
      float[] y = Reference.random(r, n * m * oh * ow);
      float[] dx = new float[x.length];
      float[] dw = new float[wt.length];
      double flops = 2.0 * n * m * oh * ow * c * k * k;
      for (int pass = 0; pass < 3; pass++) {
        double[][] t = new double[2][ROUNDS];
        for (int round = 0; round <= ROUNDS; round++) {
          for (int v = 0; v < 2; v++) {
            Method method =
                pass == 0 ? forward[v] : pass == 1 ? backwardInput[v] : backwardWeight[v];
            Object[] a =
                pass == 0
                    ? new Object[] {x, wt, y, n, c, h, w, m, k, k, 1, 1, pad, pad, 1}
                    : pass == 1
                        ? new Object[] {y, wt, dx, n, c, h, w, m, k, k, 1, 1, pad, pad, 1}
                        : new Object[] {x, y, dw, n, c, h, w, m, k, k, 1, 1, pad, pad, 1};
            double perCall = CallTimer.cpuSecondsPerCall(() -> method.invoke(null, a));
            if (round > 0) {
              // Round 0 is the warm-up.
              t[v][round - 1] = perCall;
            }
          }
        }
        // Whether the two builds give bitwise the same result on these inputs.
        float[][] results = new float[2][];
        for (int v = 0; v < 2; v++) {
          float[] out = new float[pass == 0 ? y.length : pass == 1 ? dx.length : dw.length];
          Method method = pass == 0 ? forward[v] : pass == 1 ? backwardInput[v] : backwardWeight[v];
          method.invoke(
              null,
              pass == 0
                  ? new Object[] {x, wt, out, n, c, h, w, m, k, k, 1, 1, pad, pad, 1}
                  : pass == 1
                      ? new Object[] {y, wt, out, n, c, h, w, m, k, k, 1, 1, pad, pad, 1}
                      : new Object[] {x, y, out, n, c, h, w, m, k, k, 1, 1, pad, pad, 1});
          results[v] = out;
        }
        boolean same = Arrays.equals(results[0], results[1]);
        Arrays.sort(t[0]);
        Arrays.sort(t[1]);
        double before = t[0][ROUNDS / 2];
        double after = t[1][ROUNDS / 2];
        System.out.printf(
            Locale.ROOT,
            "%-30s %-14s old %8.3f ms %6.1f GFLOP/s   new %8.3f ms %6.1f GFLOP/s   x%.2f  %s%n",
            Arrays.toString(sh),
            pass == 0 ? "forward" : pass == 1 ? "backwardInput" : "backwardWeight",
            before * 1e3,
            flops / before / 1e9,
            after * 1e3,
            flops / after / 1e9,
            before / after,
            same ? "same bits" : "different bits");
      }
    }
  }
}
