package convnet.compiler.kernels;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Times the forward pass and the input gradient of the benchmark networks' second convolutions in
 * two builds side by side in one JVM (each build's class path loaded through its own class loader,
 * as in {@link BuildCompare}), calls of the two builds interleaved round by round: one thread's CPU
 * time, then the wall time of 2 threads, medians; and whether the two builds give the same bits.
 * Not a unit test; run with {@code java --add-modules jdk.incubator.vector -cp
 * compiler/target/classes:compiler/target/test-classes:autodiff/target/classes
 * convnet.compiler.kernels.InputGradientCompare OLD_CLASS_PATH NEW_CLASS_PATH [ROUNDS [SHAPES]]},
 * SHAPES as {@code "N,C,H,W,M,K,pad;..."} in place of B1-B5's.
 */
public final class InputGradientCompare {

  private InputGradientCompare() {}

  /** Prints, per convolution, pass and thread count, each build's median and their ratio. */
  public static void main(String[] args) throws ReflectiveOperationException, java.io.IOException {
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
    Method[] forward = new Method[2];
    Method[] backwardInput = new Method[2];
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
      Class<?> conv = loader.loadClass("convnet.compiler.kernels.Conv2d");
      forward[v] = conv.getMethod("forward", signature);
      backwardInput[v] = conv.getMethod("backwardInput", signature);
    }
    // N, C, H, W, M, K, pad: the second convolutions of B1, B2, B3, B4 and B5.
    int[][] shapes = {
      {64, 16, 12, 12, 32, 5, 0},
      {64, 32, 12, 12, 64, 5, 0},
      {16, 64, 26, 26, 256, 9, 0},
      {64, 32, 16, 16, 64, 3, 1},
      {64, 32, 14, 14, 64, 5, 2}
    };
    if (args.length > 3) {
      // Other shapes instead: "N,C,H,W,M,K,pad;N,C,...".
      String[] list = args[3].split(";");
      shapes = new int[list.length][];
      for (int i = 0; i < list.length; i++) {
        shapes[i] = Arrays.stream(list[i].split(",")).mapToInt(Integer::parseInt).toArray();
      }
    }
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
      float[] dy = Reference.random(r, n * m * oh * ow);
      double flops = 2.0 * n * m * oh * ow * c * k * k;
      for (int pass = 0; pass < 2; pass++) {
        Method[] method = pass == 0 ? forward : backwardInput;
        float[] out = new float[pass == 0 ? dy.length : x.length];
        Object[] a =
            pass == 0
                ? new Object[] {x, wt, out, n, c, h, w, m, k, k, 1, 1, pad, pad, 1}
                : new Object[] {dy, wt, out, n, c, h, w, m, k, k, 1, 1, pad, pad, 1};
        for (int threadCount = 1; threadCount <= 2; threadCount++) {
          double[][] t = new double[2][rounds];
          for (int round = 0; round <= rounds; round++) {
            for (int v = 0; v < 2; v++) {
              setThreads[v].invoke(null, threadCount);
              Method timed = method[v];
              CallTimer.Body body = () -> timed.invoke(null, a);
              double perCall =
                  threadCount == 1
                      ? CallTimer.cpuSecondsPerCall(body)
                      : CallTimer.wallSecondsPerCall(body);
              if (round > 0) {
                // Round 0 is the warm-up.
                t[v][round - 1] = perCall;
              }
            }
          }
          float[][] results = new float[2][];
          for (int v = 0; v < 2; v++) {
            method[v].invoke(null, a);
            results[v] = out.clone();
          }
          boolean same = Arrays.equals(results[0], results[1]);
          Arrays.sort(t[0]);
          Arrays.sort(t[1]);
          double before = t[0][rounds / 2];
          double after = t[1][rounds / 2];
          System.out.printf(
              Locale.ROOT,
              "%-28s %-13s %s  old %8.3f ms %6.1f GFLOP/s  new %8.3f ms %6.1f GFLOP/s  x%.2f  %s%n",
              Arrays.toString(sh),
              pass == 0 ? "forward" : "backwardInput",
              threadCount == 1 ? "1 thread CPU " : "2 threads wall",
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
}
