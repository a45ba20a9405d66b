package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BatchesTest {
  static IntStream seeds() {
    return IntStream.range(0, 20);
  }

  /** n images of 1x2x2 whose first pixel is the image's index. */
  private static Dataset indexed(int n) {
    float[] pixels = new float[n * 4];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      pixels[i * 4] = i;
      pixels[i * 4 + 1] = i + 0.5f;
      labels[i] = i % 3;
    }
    return new Dataset("indexed", 1, 2, 2, List.of("a", "b", "c"), pixels, labels);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void eachEpochIsAPermutationDeterminedBySeedAndEpoch(int seed) {
    Random random = new Random(seed);
    int n = 1 + random.nextInt(200);
    Batches batches = Batches.training(indexed(n), 1, seed, Augmentation.NONE);
    int epoch = random.nextInt(1000);
    int[] order = batches.order(epoch);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, n).toArray(), sorted, "seed " + seed);
    Batches again = Batches.training(indexed(n), 7, seed, Augmentation.NONE);
    assertArrayEquals(order, again.order(epoch), "seed " + seed + ": same (seed, epoch)");
    if (n >= 10) {
      assertFalse(
          Arrays.equals(order, batches.order(epoch + 1)),
          "seed " + seed + ": next epoch has the same order");
      assertFalse(
          Arrays.equals(
              order, Batches.training(indexed(n), 1, seed + 1, Augmentation.NONE).order(epoch)),
          "seed " + seed + ": next seed has the same order");
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void resumedRunSeesTheSameBatches(int seed) {
    Random random = new Random(seed);
    Dataset data = indexed(20 + random.nextInt(50));
    int batchSize = 1 + random.nextInt(8);
    Augmentation aug = Augmentation.parse("flip,crop(pad=1),elastic(sigma=1,alpha=1)");
    int epochs = 4;
    int resumeAt = 1 + random.nextInt(epochs - 1);
    StringBuilder uninterrupted = new StringBuilder();
    Batches one = Batches.training(data, batchSize, seed, aug);
    for (int e = 0; e < epochs; e++) {
      uninterrupted.append(run(one, e));
    }
    StringBuilder resumed = new StringBuilder();
    Batches before = Batches.training(data, batchSize, seed, aug);
    for (int e = 0; e < resumeAt; e++) {
      resumed.append(run(before, e));
    }
    Batches after = Batches.training(data, batchSize, seed, aug);
    for (int e = resumeAt; e < epochs; e++) {
      resumed.append(run(after, e));
    }
    assertEquals(
        uninterrupted.toString(),
        resumed.toString(),
        "seed " + seed + " resumed at epoch " + resumeAt);
  }

  private static String run(Batches batches, int epoch) {
    StringBuilder sb = new StringBuilder();
    float[] images = new float[batches.bufferLength()];
    int[] labels = new int[batches.batchSize()];
    Batches.Epoch e = batches.epoch(epoch);
    for (int b = 0; b < e.batches(); b++) {
      int n = e.fill(b, images, labels);
      sb.append(Arrays.toString(Arrays.copyOf(images, n * 4)))
          .append(Arrays.toString(Arrays.copyOf(labels, n)));
    }
    return sb.toString();
  }

  @Test
  void parallelFillEqualsSequentialFill() {
    Batches batches =
        Batches.training(
            indexed(500), 10, 3, Augmentation.parse("flip,crop(pad=1),elastic(sigma=1,alpha=1)"));
    Batches.Epoch e = batches.epoch(4);
    float[][] sequential = new float[e.batches()][batches.bufferLength()];
    float[][] parallel = new float[e.batches()][batches.bufferLength()];
    for (int b = 0; b < e.batches(); b++) {
      e.fill(b, sequential[b], new int[10]);
    }
    IntStream.range(0, e.batches()).parallel().forEach(b -> e.fill(b, parallel[b], new int[10]));
    for (int b = 0; b < e.batches(); b++) {
      assertArrayEquals(sequential[b], parallel[b], "batch " + b);
    }
  }

  @Test
  void dropAndKeepLastBatch() {
    Dataset data = indexed(10);
    Batches drop = Batches.training(data, 4, 1, Augmentation.NONE);
    assertEquals(2, drop.batchesPerEpoch());
    assertEquals(8, drop.imagesPerEpoch());
    Batches keep = Batches.evaluation(data, 4);
    assertEquals(3, keep.batchesPerEpoch());
    assertEquals(10, keep.imagesPerEpoch());
    float[] images = new float[keep.bufferLength()];
    int[] labels = new int[4];
    Batches.Epoch e = keep.epoch(0);
    assertEquals(4, e.fill(0, images, labels));
    assertEquals(2, e.fill(2, images, labels));
    // Evaluation keeps data set order: the last batch is images 8 and 9.
    assertEquals(8f, images[0]);
    assertEquals(9f, images[4]);
    assertArrayEquals(new int[] {2, 0}, Arrays.copyOf(labels, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> e.fill(3, images, labels));
  }

  @Test
  void labelsTravelWithTheirImages() {
    Dataset data = indexed(37);
    Batches batches = Batches.training(data, 5, 9, Augmentation.NONE);
    float[] images = new float[batches.bufferLength()];
    int[] labels = new int[5];
    Batches.Epoch e = batches.epoch(2);
    boolean[] seen = new boolean[37];
    for (int b = 0; b < e.batches(); b++) {
      e.fill(b, images, labels);
      for (int k = 0; k < 5; k++) {
        int index = (int) images[k * 4];
        assertEquals(index % 3, labels[k], "image " + index);
        assertEquals(index + 0.5f, images[k * 4 + 1]);
        assertFalse(seen[index], "image " + index + " twice in one epoch");
        seen[index] = true;
      }
    }
  }

  @Test
  void badSizes() {
    Dataset data = indexed(3);
    DataError e =
        assertThrows(DataError.class, () -> Batches.training(data, 4, 0, Augmentation.NONE));
    assertEquals(
        "indexed: 3 training images, fewer than one batch of 4; use a smaller batch",
        e.getMessage());
    Batches ok = Batches.evaluation(data, 4);
    assertThrows(
        IllegalArgumentException.class, () -> ok.epoch(0).fill(0, new float[4], new int[4]));
  }
}
