package convnet.runtime.see;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Executable;
import convnet.autodiff.Tensor;
import convnet.compiler.CompiledFunction;
import convnet.runtime.data.Dataset;
import convnet.runtime.model.Backend;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.train.ModelBinding;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The report's misclassified images found through the compiled inference function's buffers are
 * those found through {@code run(Map)}, a partial last batch included.
 */
class RunReportMistakesTest {
  private static final String NET =
      """
      network small {
          input 1x6x6
          conv(maps=2, kernel=3x3, act=relu)
          dense(5) - relu
          logistic 4
      }
      """;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void compiledBuffersFindTheMistakesRunMapFinds(long seed) {
    PrintWriter quiet = new PrintWriter(new StringWriter());
    NetworkModel network = NetworkModel.fromSource(NET, "small.cnn", quiet);
    ModelBinding model = ModelBinding.of(network, quiet);
    int batch = 8;
    Executable inference = model.prepare(model.inferenceFunction(batch), Backend.COMPILED);
    assertTrue(inference instanceof CompiledFunction, "the compiled backend is there");
    // A wrapper that is not a CompiledFunction goes through run(Map).
    Executable viaMap = inference::run;
    SplittableRandom random = new SplittableRandom(seed);
    int n = 29;
    float[] pixels = new float[n * 36];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(4);
    }
    Dataset test = new Dataset("random", 1, 6, 6, List.of("a", "b", "c", "d"), pixels, labels);
    Map<String, Tensor> weights = model.init(seed);
    List<RunReport.Mistake> expected = RunReport.mistakes(viaMap, batch, weights, test);
    assertFalse(expected.isEmpty(), "seed " + seed + ": random weights make mistakes");
    assertEquals(expected, RunReport.mistakes(inference, batch, weights, test), "seed " + seed);
  }
}
