package convnet.runtime.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Minibatches of a data set for one epoch at a time. The order of epoch e is a permutation drawn
 * from (seed, e) alone, and augmentation from (seed, e, image index), so a run resumed at an epoch
 * boundary sees exactly the batches an uninterrupted run would.
 *
 * <p>Last partial batch: {@link LastBatch#DROP} leaves out the final {@code size % batchSize}
 * images of each (shuffled) epoch, the usual choice for training, where every step then has the
 * same batch size and the left-out images differ from epoch to epoch; {@link LastBatch#KEEP}
 * returns them as a smaller last batch, required for evaluation where every image must count.
 */
public final class Batches {
  /** What happens to the last {@code size % batchSize} images of an epoch. */
  public enum LastBatch {
    /** Left out (training). */
    DROP,
    /** Returned as a smaller final batch (evaluation). */
    KEEP
  }

  private final Dataset data;
  private final int batchSize;
  private final long seed;
  private final boolean shuffle;
  private final LastBatch last;
  private final Augmentation augmentation;

  private Batches(
      Dataset data,
      int batchSize,
      long seed,
      boolean shuffle,
      LastBatch last,
      Augmentation augmentation) {
    this.data = Objects.requireNonNull(data, "data");
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, not " + batchSize);
    }
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = shuffle;
    this.last = Objects.requireNonNull(last, "last");
    this.augmentation = Objects.requireNonNull(augmentation, "augmentation");
    augmentation.checkFits(data.height(), data.width());
    if (last == LastBatch.DROP && data.size() < batchSize) {
      throw new DataError(
          data.name()
              + ": "
              + data.size()
              + " training images, fewer than one "
              + "batch of "
              + batchSize
              + "; use a smaller batch");
    }
  }

  /** Shuffled batches with augmentation; the last partial batch dropped. */
  public static Batches training(
      Dataset data, int batchSize, long seed, Augmentation augmentation) {
    return new Batches(data, batchSize, seed, true, LastBatch.DROP, augmentation);
  }

  /** Batches in data set order, no augmentation, last partial batch kept. */
  public static Batches evaluation(Dataset data, int batchSize) {
    return new Batches(data, batchSize, 0, false, LastBatch.KEEP, Augmentation.NONE);
  }

  /** Any combination. */
  public static Batches of(
      Dataset data,
      int batchSize,
      long seed,
      boolean shuffle,
      LastBatch last,
      Augmentation augmentation) {
    return new Batches(data, batchSize, seed, shuffle, last, augmentation);
  }

  public Dataset data() {
    return data;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Number of batches in every epoch. */
  public int batchesPerEpoch() {
    return last == LastBatch.DROP
        ? data.size() / batchSize
        : (data.size() + batchSize - 1) / batchSize;
  }

  /** Number of images seen in one epoch. */
  public int imagesPerEpoch() {
    return last == LastBatch.DROP ? batchesPerEpoch() * batchSize : data.size();
  }

  /** Floats of a full image buffer: batchSize × C × H × W. */
  public int bufferLength() {
    return batchSize * data.imageSize();
  }

  /** The order of images in {@code epoch} (a Fisher–Yates shuffle from (seed, epoch)). */
  public int[] order(int epoch) {
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom random = new SplittableRandom(Seeds.mix(seed, 0x5348554646L, epoch));
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** An iterator over the batches of one epoch, computing its order once. */
  public Epoch epoch(int epoch) {
    return new Epoch(epoch, order(epoch));
  }

  /**
   * One epoch's batches; {@link #fill} may be called for any batch index, in any order, from any
   * number of threads (each with its own buffers).
   */
  public final class Epoch {
    private final int epoch;
    private final int[] order;

    private Epoch(int epoch, int[] order) {
      this.epoch = epoch;
      this.order = order;
    }

    public int number() {
      return epoch;
    }

    public int batches() {
      return batchesPerEpoch();
    }

    /**
     * Fills {@code images} (NCHW, at least {@code batchSize × C × H × W} floats) and {@code labels}
     * with batch {@code batch} of this epoch, augmented, and returns how many images it holds
     * (batchSize, or fewer for a kept last batch).
     */
    public int fill(int batch, float[] images, int[] labels) {
      if (batch < 0 || batch >= batchesPerEpoch()) {
        throw new IndexOutOfBoundsException(
            "batch " + batch + " of " + batchesPerEpoch() + " in epoch " + epoch);
      }
      int imageSize = data.imageSize();
      int start = batch * batchSize;
      int count = Math.min(batchSize, data.size() - start);
      if (images.length < count * imageSize || labels.length < count) {
        throw new IllegalArgumentException(
            "batch buffers too small: "
                + images.length
                + " floats and "
                + labels.length
                + " labels for "
                + count
                + " images of "
                + data.shapeText());
      }
      // Per call, so that threads filling different batches share nothing mutable.
      float[] scratch = augmentation.isIdentity() ? null : new float[imageSize];
      for (int k = 0; k < count; k++) {
        int index = order[start + k];
        data.copyImage(index, images, k * imageSize);
        labels[k] = data.label(index);
        augmentation.apply(
            images,
            k * imageSize,
            data.channels(),
            data.height(),
            data.width(),
            seed,
            epoch,
            index,
            scratch);
      }
      return count;
    }
  }
}
