package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.autodiff.Function;
import convnet.autodiff.Tensor;
import convnet.compiler.CompileOptions;
import convnet.compiler.Compiler;
import convnet.compiler.kernels.Parallel;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Results do not depend on the number of threads: a compiled training step gives bitwise the same
 * outputs on 1, 2, 3 and 16 threads, since every sum over the batch is cut into chunks fixed by the
 * batch size alone.
 */
class ThreadCountDeterminismTest {
  private static Path example(String name) {
    return Path.of(System.getProperty("basedir", "."))
        .toAbsolutePath()
        .normalize()
        .resolveSibling("examples")
        .resolve(name);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bench/b1.cnn", "fashion.cnn"})
  void compiledStepIsBitwiseTheSameOn1_2_3And16Threads(String name) {
    NetworkModel model = NetworkModel.load(example(name), new PrintWriter(new StringWriter()));
    int batch = 37; // not a multiple of any chunk or thread count, so chunks are uneven
    Function train =
        model.trainingFunction(batch, new convnet.autodiff.optim.Sgd(0.9, 1e-4), Set.of());
    Map<String, Tensor> values = BenchCommand.values(model, train, batch, 5);
    int saved = Parallel.threads();
    Map<String, float[]> first = null;
    try {
      for (int threads : new int[] {1, 2, 3, 16}) {
        Parallel.setThreads(threads);
        // Compiled afresh: the thread split of generated kernels is decided at compile time.
        Map<String, Tensor> out = Compiler.compile(train, CompileOptions.defaults()).run(values);
        Map<String, float[]> got = new TreeMap<>();
        out.forEach((k, v) -> got.put(k, v.toFloatArray()));
        if (first == null) {
          first = got;
          continue;
        }
        assertEquals(first.keySet(), got.keySet());
        for (String k : first.keySet()) {
          assertArrayEquals(
              first.get(k),
              got.get(k),
              name + ": output " + k + " on " + threads + " threads differs from 1 thread");
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }
}
