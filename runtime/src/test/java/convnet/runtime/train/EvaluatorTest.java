package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.model.Backend;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Evaluation in padded batches, and dropout masks. */
class EvaluatorTest {
  static ModelBinding model;
  static DataSplits data;
  static Map<String, Tensor> weights;

  @BeforeAll
  static void setUp() {
    PrintWriter err = new PrintWriter(System.err, true);
    model =
        ModelBinding.of(
            NetworkModel.fromSource(
                """
        network e {
            input 1x28x28
            2F5x5CS - PA4x4
            logistic 10
        }
        """,
                "e.cnn",
                err),
            err);
    data =
        TrainingData.open(model.network(), "fashion-mnist-subset", Preprocessing.DEFAULT, 64, 101);
    weights = model.init(5);
  }

  private static Evaluation evaluate(int batch) {
    return new Evaluator(
            model.prepare(model.inferenceFunction(batch), Backend.INTERPRETED), batch, 10)
        .evaluate(data.test(), weights);
  }

  @Test
  void paddedLastBatchesChangeNothing() {
    // 101 images: batches of 101 (none padded), 32 (last of 5 padded to 32) and 7.
    Evaluation whole = evaluate(101);
    for (int batch : new int[] {32, 7}) {
      Evaluation e = evaluate(batch);
      assertEquals(101, e.images(), "batch " + batch);
      assertEquals(whole.accuracy(), e.accuracy(), 0.0, "batch " + batch);
      // Per-image logits do not depend on the batch; only the sum's order of terms may.
      assertEquals(whole.loss(), e.loss(), 1e-12, "batch " + batch);
      for (int t = 0; t < 10; t++) {
        for (int p = 0; p < 10; p++) {
          assertEquals(
              whole.confusion().count(t, p),
              e.confusion().count(t, p),
              "batch " + batch + " cell " + t + "," + p);
        }
      }
    }
    // An untrained network: the loss is near ln 10 and the accuracy a guess.
    assertTrue(Math.abs(whole.loss() - Math.log(10)) < 1, "loss " + whole.loss());
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
  void dropoutMasksAreZeroOrScaledReproducibleAndKeepAboutOneMinusP(long seed) {
    Shape shape = Shape.of(64, 256);
    double p = 0.3;
    Tensor m = Trainer.dropoutMask(seed, 2, 5, 3, shape, p);
    assertEquals(m, Trainer.dropoutMask(seed, 2, 5, 3, shape, p), "seed " + seed);
    int kept = 0;
    for (double v : m.data()) {
      assertTrue(v == 0 || v == 1 / (1 - p), "seed " + seed + ": value " + v);
      kept += v == 0 ? 0 : 1;
    }
    double n = shape.size();
    double sigma = Math.sqrt(n * p * (1 - p));
    assertTrue(Math.abs(kept - n * (1 - p)) < 5 * sigma, "seed " + seed + ": kept " + kept);
    for (Tensor other :
        new Tensor[] {
          Trainer.dropoutMask(seed, 3, 5, 3, shape, p),
          Trainer.dropoutMask(seed, 2, 6, 3, shape, p),
          Trainer.dropoutMask(seed, 2, 5, 4, shape, p),
          Trainer.dropoutMask(seed + 1, 2, 5, 3, shape, p)
        }) {
      assertTrue(!other.equals(m), "seed " + seed + ": masks must differ by position");
    }
  }

  @Test
  void frozenParametersComeFromTheProtocol() {
    Set<String> frozen = model.frozen(Protocol.parse("R", 1));
    assertEquals(Set.of("L1_conv.weight", "L1_conv.bias"), frozen);
    assertEquals(Set.of(), model.frozen(Protocol.parse("R+", 1)));
  }
}
