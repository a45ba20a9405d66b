package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.autodiff.Function;
import convnet.autodiff.Tensor;
import convnet.compiler.CompileOptions;
import convnet.compiler.CompiledFunction;
import convnet.compiler.Compiler;
import convnet.compiler.kernels.Parallel;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The benchmark networks' training steps with the pooling epilogue (the rectifier's mask multiply
 * run on each image as the max-pool gradient writes it, the dropout mask as the max pool writes it)
 * give bitwise the outputs of the steps without it, on 1, 2 and 3 threads.
 */
class PoolEpilogueExamplesTest {
  private static Path example(String name) {
    return Path.of(System.getProperty("basedir", "."))
        .toAbsolutePath()
        .normalize()
        .resolveSibling("examples")
        .resolve(name);
  }

  /**
   * {@code fused}: the pooling kernels that take an epilogue; {@code pooledByConv}: the forward
   * poolings that their convolution runs on each image. In B2 local contrast normalization sits
   * between convolution and pooling, and its reductions read the average-pool gradients first, so
   * neither fusion applies there.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "bench/b1.cnn, 2, 2",
    "bench/b2.cnn, 0, 0",
    "bench/b4.cnn, 3, 2",
    "bench/b5.cnn, 2, 2"
  })
  void fusedStepIsBitwiseTheUnfusedStep(String name, int fused, int pooledByConv) {
    NetworkModel model = NetworkModel.load(example(name), new PrintWriter(new StringWriter()));
    int batch = 5; // uneven over 2 and 3 threads
    Function train =
        model.trainingFunction(batch, new convnet.autodiff.optim.Sgd(0.9, 1e-4), Set.of());
    Map<String, Tensor> values = BenchCommand.values(model, train, batch, 7);
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(1);
      Map<String, Tensor> want =
          Compiler.compile(train, CompileOptions.defaults().withPoolEpilogues(false)).run(values);
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        // Forward poolings inside their convolutions on 1 and 3 threads, separate on 2.
        boolean convPooling = threads != 2;
        CompiledFunction step =
            Compiler.compile(
                train,
                CompileOptions.defaults().withPoolEpilogues(true).withConvPooling(convPooling));
        String explain = step.explain();
        assertEquals(
            fused,
            count(explain, "_pool+elementwise") + count(explain, "_pool_backward+elementwise"),
            name + ": pooling kernels with an epilogue:\n" + explain);
        assertEquals(
            convPooling ? pooledByConv : 0,
            count(explain, "conv2d+elementwise+max_pool")
                + count(explain, "conv2d+elementwise+avg_pool"),
            name + ": poolings run by their convolution:\n" + explain);
        Map<String, Tensor> got = step.run(values);
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
          assertArrayEquals(
              want.get(k).toFloatArray(),
              got.get(k).toFloatArray(),
              name + ": output " + k + " on " + threads + " threads, fused vs unfused");
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  private static long count(String text, String word) {
    long count = 0;
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      count++;
    }
    return count;
  }
}
