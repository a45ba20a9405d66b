package convnet.runtime.data;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fills the batches of one epoch on a background thread, one batch ahead of the consumer, so that
 * loading and augmentation overlap the training step instead of delaying it. A batch's contents are
 * a pure function of (seed, epoch, batch), so which thread fills it changes nothing.
 *
 * <p>Two buffers alternate: the batch returned by {@link #next} stays valid until the following
 * call, while the other buffer is being filled. The filling thread is one shared daemon thread, so
 * a consumer that stops early (an interrupted run) has nothing to close: a fill still under way
 * finishes into a buffer nobody reads.
 */
public final class BatchPrefetcher {
  /** One filled batch: images (NCHW), labels, and how many images it holds. */
  public record Filled(float[] images, int[] labels, int count) {}

  private final Batches.Epoch epoch;
  private final int end;
  private final float[][] images = new float[2][];
  private final int[][] labels = new int[2][];
  private static final ExecutorService THREAD =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "convnet-batches");
            t.setDaemon(true);
            return t;
          });

  private int nextBatch;
  private int slot;
  private Future<Filled> pending;

  /** Prefetches batches {@code first} (inclusive) to the end of {@code epoch}. */
  public BatchPrefetcher(Batches.Epoch epoch, int first, int bufferLength, int batchSize) {
    this.epoch = epoch;
    this.end = epoch.batches();
    for (int i = 0; i < 2; i++) {
      images[i] = new float[bufferLength];
      labels[i] = new int[batchSize];
    }
    this.nextBatch = first;
    submit();
  }

  private void submit() {
    if (nextBatch >= end) {
      pending = null;
      return;
    }
    int b = nextBatch++;
    float[] x = images[slot];
    int[] y = labels[slot];
    slot ^= 1;
    pending = THREAD.submit(() -> new Filled(x, y, epoch.fill(b, x, y)));
  }

  /** The next batch, in order; starts filling the one after it. */
  public Filled next() {
    if (pending == null) {
      throw new IllegalStateException("no batch left in epoch " + epoch.number());
    }
    Filled filled;
    try {
      filled = pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("filling a batch failed", e.getCause());
    }
    submit();
    return filled;
  }
}
