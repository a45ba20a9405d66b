package convnet.runtime.cli;

import convnet.autodiff.Attrs;
import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.CompileOptions;
import convnet.compiler.CompiledFunction;
import convnet.compiler.Compiler;
import convnet.compiler.kernels.Parallel;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the convolution epilogue: each network's compiled training step and inference, without
 * and with the epilogue, on one thread (so the thread's CPU time is the step's work, little
 * disturbed by other processes), the two variants taking turns round by round in one JVM; prints
 * medians over the rounds of the whole call and of each profiled kernel.
 *
 * <pre>
 * ./convnet --version    # builds runtime/target/convnet.jar
 * mvn -B -ntp -q -pl runtime -am test-compile
 * java --add-modules jdk.incubator.vector -cp runtime/target/test-classes:runtime/target/convnet.jar \
 *     convnet.runtime.cli.EpilogueCompare 9 examples/bench/b1.cnn examples/bench/b5.cnn layers
 * java --add-modules jdk.incubator.vector -cp runtime/target/test-classes:runtime/target/convnet.jar \
 *     convnet.runtime.cli.EpilogueCompare 9 pool examples/bench/b4.cnn examples/bench/b5.cnn
 * </pre>
 *
 * <p>With {@code pool} the variants differ by the pooling epilogue instead (the convolution
 * epilogue on in both).
 */
public final class EpilogueCompare {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Whether the variants differ by the pooling epilogue (else by the convolution epilogue). */
  private static boolean pooling;

  private EpilogueCompare() {}

  /**
   * Arguments: the number of rounds, then .cnn files, or {@code layers} for single convolution
   * layers of B5 and B1 (convolution, bias and activation, batch 64) timed alone.
   */
  public static void main(String[] args) {
    int rounds = Integer.parseInt(args[0]);
    Parallel.setThreads(1);
    for (int a = 1; a < args.length; a++) {
      if (args[a].equals("pool")) {
        pooling = true;
      } else if (args[a].equals("layers")) {
        layers(rounds);
      } else {
        compare(Path.of(args[a]), rounds);
      }
    }
  }

  /** One layer y = act(conv(x, w) + b) (tanh layers: (g + 1)·tanh(...)), as a function of x. */
  private static Function layer(
      String name, int c, int size, int maps, int k, int pad, boolean tanhGain) {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(64, c, size, size));
    Node w = b.param("w", Shape.of(maps, c, k, k));
    Node bias = b.param("b", Shape.of(maps, 1, 1));
    Node y = b.add(b.conv2d(x, w, new Attrs.Conv(1, 1, pad, pad, 1)), bias);
    Node out =
        tanhGain
            ? b.mul(b.add(b.param("g", Shape.of(maps, 1, 1)), b.scalar(1.0)), b.tanh(y))
            : b.relu(y);
    return new Function(name, Graph.of("output", out));
  }

  private static void layers(int rounds) {
    List<Function> layers =
        List.of(
            layer("B5 conv1 1->32 28x28 5x5 pad 2, bias, relu", 1, 28, 32, 5, 2, false),
            layer("B5 conv2 32->64 14x14 5x5 pad 2, bias, relu", 32, 14, 64, 5, 2, false),
            layer("B1 conv1 1->16 28x28 5x5, bias, tanh, gain", 1, 28, 16, 5, 0, true),
            layer("B1 conv2 16->32 12x12 5x5, bias, tanh, gain", 16, 12, 32, 5, 0, true));
    for (Function f : layers) {
      java.util.Random r = new java.util.Random(1);
      CompiledFunction[] variants = new CompiledFunction[2];
      for (int v = 0; v < 2; v++) {
        variants[v] = Compiler.compile(f, CompileOptions.defaults().withConvEpilogues(v == 1));
        for (String name : variants[v].inputNames()) {
          randomize(variants[v].buffer(name), r);
        }
        for (String name : variants[v].paramNames()) {
          randomize(variants[v].buffer(name), r);
        }
        timeOnce(variants[v], 1.0);
      }
      double[][] whole = new double[2][rounds];
      for (int round = 0; round < rounds; round++) {
        for (int v = 0; v < 2; v++) {
          whole[v][round] = timeOnce(variants[v], 0.3);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%s, batch 64, one thread, CPU ms per call, median of %d rounds [min, max]:%n"
              + "  conv then elementwise pass %.3f ms [%.3f, %.3f], with epilogue %.3f ms"
              + " [%.3f, %.3f] (%.3fx)%n",
          f.name(),
          rounds,
          median(whole[0]),
          Arrays.stream(whole[0]).min().orElse(0),
          Arrays.stream(whole[0]).max().orElse(0),
          median(whole[1]),
          Arrays.stream(whole[1]).min().orElse(0),
          Arrays.stream(whole[1]).max().orElse(0),
          median(whole[0]) / median(whole[1]));
    }
  }

  private static void randomize(float[] a, java.util.Random r) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (r.nextGaussian() * 0.2);
    }
  }

  private static void compare(Path file, int rounds) {
    NetworkModel model = NetworkModel.load(file, new PrintWriter(new StringWriter()));
    int batch = 64;
    Function train = CompileCommand.function(model, CompileCommand.Kind.train, batch);
    Function inference = CompileCommand.function(model, CompileCommand.Kind.inference, batch);
    Map<String, Tensor> values = BenchCommand.values(model, train, batch, 1);
    for (Function f : List.of(train, inference)) {
      CompiledFunction[] variants = new CompiledFunction[2];
      for (int v = 0; v < 2; v++) {
        variants[v] =
            Compiler.compile(
                f,
                CompileOptions.defaults()
                    .withInPlaceUpdates(f == train)
                    .withProfile(true)
                    .withConvEpilogues(pooling || v == 1)
                    .withPoolEpilogues(pooling && v == 1));
        for (String name : variants[v].inputNames()) {
          fill(variants[v].buffer(name), values.get(name));
        }
        for (String name : variants[v].paramNames()) {
          fill(variants[v].buffer(name), values.get(name));
        }
        timeOnce(variants[v], 2.0);
      }
      double[][] whole = new double[2][rounds];
      List<Map<String, double[]>> kernels = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
      for (int round = 0; round < rounds; round++) {
        for (int v = 0; v < 2; v++) {
          variants[v].resetProfile();
          whole[v][round] = timeOnce(variants[v], 0.5);
          for (CompiledFunction.KernelTime k : variants[v].profile()) {
            String key = k.kernel().index() + " " + k.kernel().op() + " " + describe(k.kernel());
            kernels.get(v).computeIfAbsent(key, x -> new double[rounds])[round] = k.millis();
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%s %s, batch %d, one thread, CPU ms per call, median of %d rounds [min, max]:%n"
              + "  without epilogue %.3f ms [%.3f, %.3f], with %.3f ms [%.3f, %.3f] (%.3fx)%n",
          file.getFileName(),
          f == train ? "training step" : "inference",
          batch,
          rounds,
          median(whole[0]),
          Arrays.stream(whole[0]).min().orElse(0),
          Arrays.stream(whole[0]).max().orElse(0),
          median(whole[1]),
          Arrays.stream(whole[1]).min().orElse(0),
          Arrays.stream(whole[1]).max().orElse(0),
          median(whole[0]) / median(whole[1]));
      for (int v = 0; v < 2; v++) {
        System.out.println(v == 0 ? "  kernels without epilogue:" : "  kernels with epilogue:");
        kernels
            .get(v)
            .forEach(
                (key, times) -> {
                  if (key.contains("conv2d") && !key.contains("backward")
                      || key.contains("elementwise")
                      || key.contains("pool")) {
                    System.out.printf(Locale.ROOT, "    %8.3f ms  %s%n", median(times), key);
                  }
                });
      }
    }
  }

  private static String describe(CompiledFunction.Kernel k) {
    return k.fusedNodes().size() == 1
        ? k.fusedNodes().get(0).replaceAll(" @.*", "")
        : k.fusedNodes().size() + " nodes -> " + k.writes();
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

  private static void fill(float[] target, Tensor value) {
    double[] d = value.data();
    for (int i = 0; i < d.length; i++) {
      target[i] = (float) d[i];
    }
  }
}
