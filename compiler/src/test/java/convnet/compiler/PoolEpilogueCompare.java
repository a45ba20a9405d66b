package convnet.compiler;

import convnet.autodiff.Attrs;
import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.compiler.kernels.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Measures the pooling fusions on the pooling layers of B4 and B5 alone (batch 64): a max-pool
 * gradient followed by the rectifier's mask multiply, a max pool followed by a dropout mask, and a
 * convolution with bias and relu followed by a max pool (which the convolution then runs on each
 * image), each compiled with and without the pooling fusions (the convolution epilogue on in both),
 * on one thread (the thread's CPU time), the two variants taking turns round by round in one JVM;
 * prints medians over the rounds.
 *
 * <pre>
 * ./convnet --version    # builds runtime/target/convnet.jar (ASM and the other modules)
 * mvn -B -ntp -q -pl compiler -am test-compile
 * java --add-modules jdk.incubator.vector \
 *     -cp compiler/target/classes:compiler/target/test-classes:runtime/target/convnet.jar \
 *     convnet.compiler.PoolEpilogueCompare 11
 * </pre>
 */
public final class PoolEpilogueCompare {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private PoolEpilogueCompare() {}

  /** Argument: the number of rounds. */
  public static void main(String[] args) {
    int rounds = Integer.parseInt(args[0]);
    Parallel.setThreads(1);
    List<Function> layers =
        List.of(
            backward("B4 max-pool gradient [64,32,32,32] then relu mask", 32, 32),
            backward("B4 max-pool gradient [64,64,16,16] then relu mask", 64, 16),
            backward("B5 max-pool gradient [64,32,28,28] then relu mask", 32, 28),
            backward("B5 max-pool gradient [64,64,14,14] then relu mask", 64, 14),
            forward("B4 max pool [64,64,16,16] then dropout mask", 64, 16),
            convPool("B4 conv1 3->32 32x32 3x3 pad 1, bias, relu, max pool", 3, 32, 32, 3, 1),
            convPool("B4 conv2 32->64 16x16 3x3 pad 1, bias, relu, max pool", 32, 16, 64, 3, 1),
            convPool("B5 conv1 1->32 28x28 5x5 pad 2, bias, relu, max pool", 1, 28, 32, 5, 2),
            convPool("B5 conv2 32->64 14x14 5x5 pad 2, bias, relu, max pool", 32, 14, 64, 5, 2));
    for (Function f : layers) {
      Random r = new Random(1);
      CompiledFunction[] variants = new CompiledFunction[2];
      for (int v = 0; v < 2; v++) {
        variants[v] =
            Compiler.compile(
                f, CompileOptions.defaults().withPoolEpilogues(v == 1).withConvPooling(v == 1));
        for (String name : variants[v].inputNames()) {
          float[] a = variants[v].buffer(name);
          boolean mask = name.startsWith("mask");
          for (int i = 0; i < a.length; i++) {
            a[i] = mask ? (r.nextBoolean() ? 1f : 0f) : (float) r.nextGaussian();
          }
        }
        timeOnce(variants[v], 1.0);
      }
      double[][] times = new double[2][rounds];
      for (int round = 0; round < rounds; round++) {
        for (int v = 0; v < 2; v++) {
          times[v][round] = timeOnce(variants[v], 0.3);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%s, one thread, CPU ms per call, median of %d rounds [min, max]:%n"
              + "  two kernels %.3f ms [%.3f, %.3f], with epilogue %.3f ms [%.3f, %.3f] (%.3fx)%n",
          f.name(),
          rounds,
          median(times[0]),
          Arrays.stream(times[0]).min().orElse(0),
          Arrays.stream(times[0]).max().orElse(0),
          median(times[1]),
          Arrays.stream(times[1]).min().orElse(0),
          Arrays.stream(times[1]).max().orElse(0),
          median(times[0]) / median(times[1]));
    }
  }

  /** out = max_pool_backward(x, dy) · mask, 2×2 stride 2, batch 64. */
  private static Function backward(String name, int maps, int size) {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(64, maps, size, size));
    Node dy = b.input("dy", Shape.of(64, maps, size / 2, size / 2));
    Node mask = b.input("mask", Shape.of(64, maps, size, size));
    Node dx = b.maxPoolBackward(x, dy, Attrs.Pool.window(2, 2));
    return new Function(name, Graph.of("output", b.mul(dx, mask)));
  }

  /** out = max_pool(x) · mask, 2×2 stride 2, batch 64. */
  private static Function forward(String name, int maps, int size) {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(64, maps, size, size));
    Node mask = b.input("mask", Shape.of(64, maps, size / 2, size / 2));
    Node y = b.maxPool(x, Attrs.Pool.window(2, 2));
    return new Function(name, Graph.of("output", b.mul(y, mask)));
  }

  /**
   * a = relu(conv(x, w) + b) and max_pool(a), both outputs (a training step keeps a for the pooling
   * gradient), batch 64.
   */
  private static Function convPool(String name, int c, int size, int maps, int k, int pad) {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(64, c, size, size));
    Node w = b.input("w", Shape.of(maps, c, k, k));
    Node bias = b.input("bias", Shape.of(maps, 1, 1));
    Node a = b.relu(b.add(b.conv2d(x, w, new Attrs.Conv(1, 1, pad, pad, 1)), bias));
    return new Function(
        name,
        Graph.of(
            new java.util.LinkedHashMap<>(
                java.util.Map.of(
                    "activation", a, "output", b.maxPool(a, Attrs.Pool.window(2, 2))))));
  }

  /** Runs f until {@code seconds} of this thread's CPU time have passed; CPU ms per run. */
  private static double timeOnce(CompiledFunction f, double seconds) {
    long start = THREADS.getCurrentThreadCpuTime();
    long end = start + (long) (seconds * 1e9);
    int runs = 0;
    long now;
    do {
      f.run();
      runs++;
      now = THREADS.getCurrentThreadCpuTime();
    } while (now < end);
    return (now - start) / 1e6 / runs;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
