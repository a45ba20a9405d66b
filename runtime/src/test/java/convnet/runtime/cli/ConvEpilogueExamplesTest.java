package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmark networks' training steps with the convolution epilogue (bias, activation and gain
 * run on each image as the convolution finishes it) give bitwise the outputs of the steps without
 * it, on 1, 2 and 3 threads.
 */
class ConvEpilogueExamplesTest {
  private static Path example(String name) {
    return Path.of(System.getProperty("basedir", "."))
        .toAbsolutePath()
        .normalize()
        .resolveSibling("examples")
        .resolve(name);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bench/b1.cnn", "bench/b2.cnn", "bench/b4.cnn", "bench/b5.cnn"})
  void fusedStepIsBitwiseTheUnfusedStep(String name) {
    NetworkModel model = NetworkModel.load(example(name), new PrintWriter(new StringWriter()));
    int batch = 5; // uneven over 2 and 3 threads
    Function train =
        model.trainingFunction(batch, new convnet.autodiff.optim.Sgd(0.9, 1e-4), Set.of());
    Map<String, Tensor> values = BenchCommand.values(model, train, batch, 7);
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(1);
      Map<String, Tensor> want =
          Compiler.compile(train, CompileOptions.defaults().withConvEpilogues(false)).run(values);
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        CompiledFunction fused =
            Compiler.compile(train, CompileOptions.defaults().withConvEpilogues(true));
        assertTrue(
            fused.explain().contains("conv2d+elementwise"),
            name + " has a convolution with an epilogue:\n" + fused.explain());
        Map<String, Tensor> got = fused.run(values);
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
}
