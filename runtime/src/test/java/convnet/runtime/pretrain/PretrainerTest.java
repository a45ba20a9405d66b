package convnet.runtime.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Tensor;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.model.Backend;
import convnet.runtime.model.Backends;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.train.TrainingData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pre-training on the shipped Fashion-MNIST subset (a few hundred images, small stages): the
 * reconstruction error falls from the first epoch to the last, and a pre-training stopped and
 * resumed ends bitwise equal to one never stopped.
 */
class PretrainerTest {
  static final String NET =
      """
      network small {
          input 1x28x28
          6F5x5CSG - Rabs - N5x5 - PA2x2
          4F3x3CSG - Rabs - PA2x2
          logistic 10
          train {
              pretrain = psd(epochs=3, steps=8)
          }
      }
      """;

  static NetworkModel model;
  static DataSplits data;

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    model = NetworkModel.fromSource(NET, "small.cnn", new PrintWriter(new StringWriter()));
    data =
        TrainingData.open(model.network(), "fashion-mnist-subset", Preprocessing.DEFAULT, 256, 16);
  }

  static Pretrainer pretrainer() {
    return new Pretrainer(
        model.network(),
        PsdSettings.of(model.network().train().pretrain()),
        32,
        5,
        f -> Backends.prepare(f, Backend.COMPILED));
  }

  record Epoch(int stage, int epoch, Pretrainer.Metrics metrics) {}

  @Test
  void reconstructionErrorFallsFromTheFirstEpochToTheLastOnEveryStage() throws IOException {
    Pretrainer p = pretrainer();
    List<Pretrainer.Stage> stages = p.stages(List.of(0, 1));
    List<Epoch> epochs = new java.util.ArrayList<>();
    Pretrainer.Result r =
        p.run(
            model.init(5),
            stages,
            data.train(),
            dir.resolve("pre"),
            (stage, epoch, of, m) -> epochs.add(new Epoch(stage.convStage(), epoch, m)),
            batches -> false);
    assertTrue(r.finished());
    assertEquals(6, epochs.size(), epochs.toString());
    for (int s = 0; s < 2; s++) {
      int stage = s;
      List<Epoch> mine = epochs.stream().filter(e -> e.stage() == stage).toList();
      double first = mine.get(0).metrics().reconstructionError();
      double last = mine.get(mine.size() - 1).metrics().reconstructionError();
      assertTrue(
          last < first,
          "stage " + (s + 1) + ": reconstruction error " + first + " then " + last + "\n" + mine);
      assertTrue(mine.get(0).metrics().meanAbsCode() > 0, "codes all zero: " + mine);
    }
    for (String name : List.of("L1_conv.decoder", "L5_conv.decoder")) {
      assertTrue(r.weights().containsKey(name), name + " missing from " + r.weights().keySet());
    }
    Pretrainer.writeOutputs(dir.resolve("pre"), r.weights(), stages);
    assertTrue(Files.size(dir.resolve("pre/dictionary.png")) > 100);
    List<String> csv = Files.readAllLines(dir.resolve("pre/metrics.csv"));
    assertEquals(String.join(",", Pretrainer.METRICS_COLUMNS), csv.get(0));
    assertEquals(7, csv.size(), csv.toString());
  }

  @Test
  void stoppedAndResumedEndsBitwiseEqualToNeverStopped() throws IOException {
    Pretrainer p = pretrainer();
    List<Pretrainer.Stage> stages = p.stages(List.of(0, 1));
    Pretrainer.Listener quiet = (stage, epoch, of, m) -> {};
    convnet.runtime.data.Dataset few =
        data.train().subset(java.util.stream.IntStream.range(0, 128).toArray());
    Map<String, Tensor> whole =
        p.run(model.init(5), stages, few, dir.resolve("whole"), quiet, batches -> false).weights();
    // 4 batches per epoch, 3 epochs per stage: stop inside stage 1's second epoch; resumed from
    // its first, stop again inside stage 2's first epoch (8 batches finish stage 1).
    Path resumed = dir.resolve("resumed");
    Pretrainer.Result first =
        p.run(model.init(5), stages, few, resumed, quiet, batches -> batches == 6);
    assertFalse(first.finished());
    Pretrainer.Result second =
        pretrainer().run(model.init(5), stages, few, resumed, quiet, batches -> batches == 10);
    assertFalse(second.finished());
    Pretrainer.Result third =
        pretrainer().run(model.init(5), stages, few, resumed, quiet, batches -> false);
    assertTrue(third.finished());
    assertEquals(whole.keySet(), third.weights().keySet());
    whole.forEach(
        (name, t) ->
            assertTrue(
                java.util.Arrays.equals(t.data(), third.weights().get(name).data()),
                name + " differs after resuming"));
    assertEquals(
        Files.readAllLines(dir.resolve("whole/metrics.csv")).size(),
        Files.readAllLines(resumed.resolve("metrics.csv")).size());
  }
}
