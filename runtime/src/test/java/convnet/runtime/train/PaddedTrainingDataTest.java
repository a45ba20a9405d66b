package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.dsl.Network;
import convnet.runtime.data.DataError;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Dataset;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 28x28 data for a 32x32 network (LeNet-5's input), padded or resized as the preprocessing asks.
 */
class PaddedTrainingDataTest {
  @TempDir Path dir;

  private Network network(String input, String train) throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("n.cnn"),
            "network n {\n    input " + input + "\n    logistic 10\n" + train + "}\n");
    return NetworkModel.load(f, null).network();
  }

  @Test
  void padTwoMakesTheShippedTwentyEightPixelImagesFitAThirtyTwoPixelInput() throws IOException {
    Network n = network("1x32x32", "");
    DataSplits padded =
        TrainingData.open(n, "fashion-mnist-subset", Preprocessing.parse("pad(2)"), 20, 10);
    DataSplits raw =
        TrainingData.open(
            network("1x28x28", ""), "fashion-mnist-subset", Preprocessing.NONE, 20, 10);
    Dataset p = padded.train();
    Dataset r = raw.train();
    assertEquals("1x32x32", p.shapeText());
    assertEquals(r.size(), p.size());
    for (int i = 0; i < p.size(); i++) {
      assertEquals(r.label(i), p.label(i));
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
          assertEquals(
              inside ? r.pixel(i, 0, y - 2, x - 2) : 0f,
              p.pixel(i, 0, y, x),
              "image " + i + " at " + y + "," + x);
        }
      }
    }
  }

  @Test
  void withoutPreprocessingTheMismatchNamesTheStepThatFixesIt() throws IOException {
    Network n = network("1x32x32", "");
    DataError e =
        assertThrows(
            DataError.class,
            () -> TrainingData.open(n, "fashion-mnist-subset", Preprocessing.DEFAULT, 20, 10));
    assertTrue(e.getMessage().contains("preprocess them with pad(2)"), e.getMessage());
    DataError wrongPad =
        assertThrows(
            DataError.class,
            () ->
                TrainingData.open(
                    n, "fashion-mnist-subset", Preprocessing.parse("pad(1)"), 20, 10));
    assertTrue(
        wrongPad.getMessage().contains("padded by 1 pixels per side they are 30x30")
            && wrongPad.getMessage().contains("preprocess with pad(2) instead"),
        wrongPad.getMessage());
    DataError odd =
        assertThrows(
            DataError.class,
            () ->
                TrainingData.open(
                    network("1x31x31", ""), "fashion-mnist-subset", Preprocessing.DEFAULT, 20, 10));
    assertTrue(odd.getMessage().contains("preprocess them with resize(31x31)"), odd.getMessage());
  }

  @Test
  void resizeMakesAnySizeFit() throws IOException {
    DataSplits d =
        TrainingData.open(
            network("1x20x20", ""),
            "fashion-mnist-subset",
            Preprocessing.parse("resize(20x20),standardize"),
            20,
            10);
    assertEquals("1x20x20", d.train().shapeText());
    assertEquals("1x20x20", d.test().shapeText());
  }

  @Test
  void theTrainBlocksPreprocessIsTheDefaultAndAFlagOverridesIt() throws IOException {
    Network n =
        network("1x32x32", "    train {\n        preprocess = [pad(2), standardize]\n    }\n");
    assertEquals("pad(2),standardize", n.train().preprocess().text());
    TrainConfig block =
        TrainConfig.resolve(n.train(), "n", "sha", null, TrainConfig.Overrides.NONE);
    assertEquals(Preprocessing.parse("pad(2),standardize"), block.preprocessing());
    TrainConfig flag =
        TrainConfig.resolve(
            n.train(),
            "n",
            "sha",
            null,
            TrainConfig.Overrides.parse(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "resize(32x32)",
                null,
                null,
                null,
                null,
                null));
    assertEquals("resize(32x32)", flag.preprocessing().toString());
    TrainConfig none =
        TrainConfig.resolve(
            network("1x28x28", "").train(), "n", "sha", null, TrainConfig.Overrides.NONE);
    assertEquals(Preprocessing.DEFAULT, none.preprocessing());
  }
}
