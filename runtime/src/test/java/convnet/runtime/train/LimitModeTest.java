package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.dsl.Network;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Dataset;
import convnet.runtime.data.LimitMode;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.errors.UsageError;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --limit-train / --limit-test: stratified by default, first N on request, recorded for resume. */
class LimitModeTest {
  @TempDir Path dir;

  private static Dataset labelled(int[] labels, int classes) {
    java.util.List<String> names =
        java.util.stream.IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    return new Dataset("t", 1, 1, 1, names, new float[labels.length], labels);
  }

  /**
   * Random class sizes (some classes tiny or empty), random limits; every property of the choice.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void stratifiedLimitIsBalancedTakesTheFirstOfEachClassAndKeepsFileOrder(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int classes = 1 + random.nextInt(12);
    int n = 1 + random.nextInt(300);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      // Skewed: low labels are more frequent, so balance must actually be enforced.
      labels[i] =
          Math.min(classes - 1, (int) Math.floor(Math.pow(random.nextDouble(), 2) * classes));
    }
    int limit = 1 + random.nextInt(n);
    Dataset data = labelled(labels, classes);
    Dataset cut = LimitMode.STRATIFIED.apply(data, limit);
    String where = "seed " + seed + ", " + classes + " classes, " + n + " images, limit " + limit;
    assertEquals(Math.min(limit, n), cut.size(), where);
    int[] available = data.countsPerClass();
    int[] got = cut.countsPerClass();
    // Balanced: a class below another by 2 or more must have run out of images.
    for (int a = 0; a < classes; a++) {
      for (int b = 0; b < classes; b++) {
        if (got[a] + 1 < got[b]) {
          assertEquals(available[a], got[a], where + ": class " + a + " short of " + b);
        }
      }
    }
    // The first got[c] images of each class, in file order.
    int[] seen = new int[classes];
    int k = 0;
    for (int i = 0; i < n; i++) {
      int c = labels[i];
      if (seen[c]++ < got[c]) {
        assertEquals(c, cut.label(k++), where + ": image " + i);
      }
    }
    assertEquals(cut.size(), k, where);
    // Deterministic: the same choice again.
    assertArrayEquals(cut.labels(), LimitMode.STRATIFIED.apply(data, limit).labels(), where);
  }

  @Test
  void firstModeTakesTheFirstNImages() {
    int[] labels = {0, 0, 0, 1, 2, 1, 0};
    assertArrayEquals(
        new int[] {0, 0, 0, 1}, LimitMode.FIRST.apply(labelled(labels, 3), 4).labels());
    assertArrayEquals(
        new int[] {0, 0, 1, 2}, LimitMode.STRATIFIED.apply(labelled(labels, 3), 4).labels());
  }

  @Test
  void limitTestOnTheShippedSubsetIsBalancedByDefault() throws IOException {
    Path net =
        Files.writeString(
            dir.resolve("n.cnn"),
            """
        network n {
            input 1x28x28
            logistic 10
        }
        """);
    Network network = NetworkModel.load(net, null).network();
    DataSplits d = TrainingData.open(network, "fashion-mnist-subset", Preprocessing.NONE, 50, 100);
    assertArrayEquals(
        new int[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, d.test().countsPerClass());
    assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, d.train().countsPerClass());
    DataSplits first =
        TrainingData.open(
            network, "fashion-mnist-subset", Preprocessing.NONE, 50, 100, LimitMode.FIRST);
    assertEquals(100, first.test().size());
    DataSplits all = TrainingData.open(network, "fashion-mnist-subset", Preprocessing.NONE, 0, 0);
    assertArrayEquals(Arrays.copyOf(all.test().labels(), 100), first.test().labels());
  }

  @Test
  void aConfigWrittenBeforeLimitModesExistedResumesWithTheFirstN() throws IOException {
    TrainConfig c =
        TrainConfig.resolve(
            convnet.dsl.TrainSpec.defaults(0),
            "n",
            "sha",
            null,
            TrainConfig.Overrides.parse(
                null, null, null, null, null, null, null, null, null, null, null, null, 32, 16));
    assertEquals(LimitMode.STRATIFIED, c.limitModeValue());
    Path file = dir.resolve("config.json");
    RunFolder.writeJson(file, c);
    String json = Files.readString(file);
    assertTrue(json.contains("\"limit_mode\""), json);
    assertEquals(c, RunFolder.readJson(file, TrainConfig.class));
    Files.writeString(file, json.replaceAll(",?\\s*\"limit_mode\"\\s*:\\s*\"stratified\"", ""));
    TrainConfig old = RunFolder.readJson(file, TrainConfig.class);
    assertEquals(LimitMode.FIRST, old.limitModeValue());
    UsageError e =
        assertThrows(
            UsageError.class,
            () ->
                old.forResume(
                    TrainConfig.Overrides.parse(
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "stratified"),
                    "sha"));
    assertTrue(
        e.getMessage().contains("--limit-mode stratified (the run uses first)"), e.getMessage());
  }
}
