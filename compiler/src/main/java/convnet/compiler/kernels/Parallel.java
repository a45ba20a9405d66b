package convnet.compiler.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small deterministic parallel runner: a range is cut into fixed contiguous chunks, and a fixed
 * pool of daemon threads (the caller among them) takes the chunks one by one.
 *
 * <p>Reduction order: a kernel that sums over a range (the batch) cuts it into {@link
 * #reductionChunks(int)} chunks, a number that depends only on the range length, never on the
 * thread count or on timing; each chunk sums its items in index order into its own partial result,
 * and the partials are then added in chunk order (chunk 0 + chunk 1 + ...) on the calling thread.
 * So a training step gives bitwise the same result on 1, 2 or 16 threads, and a run resumed on
 * another machine continues exactly. Ranges that are only split, not summed (independent images or
 * rows), may use {@link #chunkCount(int)}, one chunk per thread.
 *
 * <p>The thread count is set by {@link #setThreads(int)} (the command line's {@code --threads} or
 * {@code CONVNET_THREADS}); by default it is {@code Runtime.availableProcessors()}.
 */
public final class Parallel {

  /** The work done on one chunk {@code [start, end)} of a range; {@code chunk} counts from 0. */
  @FunctionalInterface
  public interface ChunkBody {
    /** Runs the chunk. */
    void run(int chunk, int start, int end);
  }

  /**
   * The number of chunks a summed range is cut into (at most): enough for 16 threads to share the
   * batch, few enough that the partial sums cost little next to the work of a chunk.
   */
  public static final int REDUCTION_CHUNKS = 16;

  private static volatile int threads = Runtime.getRuntime().availableProcessors();
  private static ExecutorService pool;
  private static int poolSize;

  /**
   * Depth of parallel regions entered by this thread: nested regions run inline so workers never
   * wait on workers.
   */
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private Parallel() {}

  /**
   * Parses a thread count given as text (a flag or an environment variable named {@code source}); a
   * value that is not a whole number of at least 1 is an {@link IllegalArgumentException} naming
   * it.
   */
  public static int parseThreads(String value, String source) {
    String text = value == null ? "" : value.trim();
    int n;
    try {
      n = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          source + " must be a whole number of threads (1 or more), not '" + value + "'");
    }
    if (n < 1 || n > MAX_THREADS) {
      throw new IllegalArgumentException(
          source + " must be between 1 and " + MAX_THREADS + ", not " + n);
    }
    return n;
  }

  /** More threads than this is surely a typo: each one is a real thread of the pool. */
  public static final int MAX_THREADS = 1024;

  /** The number of threads kernels use. */
  public static int threads() {
    return threads;
  }

  /**
   * Sets the thread count for this process (results do not depend on it: see the reduction order
   * above).
   */
  public static void setThreads(int n) {
    if (n < 1 || n > MAX_THREADS) {
      throw new IllegalArgumentException(
          "thread count must be between 1 and " + MAX_THREADS + ", got " + n);
    }
    threads = n;
  }

  /**
   * The number of chunks a range of {@code n} independent items is cut into: the thread count, at
   * most {@code n}, at least 1. Not for ranges that are summed over: see {@link
   * #reductionChunks(int)}.
   */
  public static int chunkCount(int n) {
    return Math.max(1, Math.min(REDUCTION_CHUNKS, n));
  }

  /**
   * The number of chunks a range of {@code n} items that is summed over is cut into: {@link
   * #REDUCTION_CHUNKS}, at most {@code n}, at least 1; independent of the thread count, so that the
   * order of the additions is too.
   */
  public static int reductionChunks(int n) {
    return Math.max(1, Math.min(REDUCTION_CHUNKS, n));
  }

  /** The first index of chunk {@code i} of {@code chunks} over {@code [0, n)}. */
  public static int chunkStart(int n, int chunks, int i) {
    return (int) ((long) n * i / chunks);
  }

  /** Runs {@code body} over {@code [0, n)} cut into {@link #chunkCount(int)} chunks. */
  public static void forRange(int n, ChunkBody body) {
    forChunks(n, chunkCount(n), body);
  }

  /**
   * Runs {@code body} over {@code [0, n)} cut into exactly {@code chunks} contiguous chunks (some
   * may be empty).
   */
  public static void forChunks(int n, int chunks, ChunkBody body) {
    if (n < 0 || chunks < 1) {
      throw new IllegalArgumentException("bad range: n=" + n + ", chunks=" + chunks);
    }
    int[] depth = DEPTH.get();
    int workers = Math.min(threads, chunks);
    if (workers == 1 || depth[0] > 0) {
      depth[0]++;
      try {
        for (int i = 0; i < chunks; i++) {
          body.run(i, chunkStart(n, chunks, i), chunkStart(n, chunks, i + 1));
        }
      } finally {
        depth[0]--;
      }
      return;
    }
    // Workers take the next chunk until none is left: which thread runs a chunk varies, what a
    // chunk
    // computes does not.
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    Runnable worker =
        () -> {
          int[] d = DEPTH.get();
          d[0]++;
          try {
            for (int i = next.getAndIncrement();
                i < chunks && !failed.get();
                i = next.getAndIncrement()) {
              body.run(i, chunkStart(n, chunks, i), chunkStart(n, chunks, i + 1));
            }
          } catch (RuntimeException | Error e) {
            failed.set(true);
            throw e;
          } finally {
            d[0]--;
          }
        };
    ExecutorService executor = pool(workers - 1);
    List<Future<?>> futures = new ArrayList<>(workers - 1);
    for (int i = 1; i < workers; i++) {
      futures.add(executor.submit(worker));
    }
    Throwable failure = null;
    try {
      worker.run();
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = new IllegalStateException("interrupted while waiting for kernel threads", e);
        }
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  private static synchronized ExecutorService pool(int workers) {
    if (pool == null || poolSize < workers) {
      ExecutorService old = pool;
      int size = workers;
      pool =
          Executors.newFixedThreadPool(
              size,
              r -> {
                Thread t = new Thread(r, "convnet-kernel");
                t.setDaemon(true);
                return t;
              });
      poolSize = size;
      if (old != null) {
        old.shutdown();
      }
    }
    return pool;
  }
}
