package convnet.compiler.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A small deterministic parallel runner: a range is cut into fixed contiguous chunks, and the
 * caller and up to threads − 1 daemon helper threads take the chunks one by one.
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
   * Below this many elements of work a range of independent items runs on the calling thread: the
   * hand-off to helpers costs microseconds, as much as such a kernel's work (the generated kernels
   * use the same bound).
   */
  public static final long SERIAL_WORK = 1 << 15;

  /**
   * {@link #forRange(int, ChunkBody)} for a range of independent items (not summed over) whose
   * whole work is {@code work} elements: one chunk on the calling thread below {@link
   * #SERIAL_WORK}.
   */
  public static void forRange(int n, long work, ChunkBody body) {
    forChunks(n, work < SERIAL_WORK ? 1 : chunkCount(n), body);
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
    Region region = new Region(n, chunks, body, workers - 1, Thread.currentThread());
    offer(region);
    depth[0]++;
    try {
      region.work();
    } finally {
      depth[0]--;
    }
    region.awaitDone();
    if (current == region) {
      current = null;
    }
    Throwable failure = region.failure.get();
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

  /*
   * The hand-off. A kernel call is a Region: its chunks are claimed one by one from a counter by the
   * caller and by the helpers that join it. The caller never waits for a helper to start: chunks no
   * helper has claimed yet the caller runs itself, so it only waits for chunks being run. Helpers
   * that finish a region spin for SPIN_NANOS before they park, so the next kernel of a step, which
   * usually follows within microseconds, reaches them without waking a thread (a fixed pool with a
   * queue and futures cost each kernel a wake-up of the worker and one of the caller, and the
   * caller waited for the worker even when it had taken every chunk itself). The spins are short so
   * that on a busy machine idle helpers soon give their core back.
   */

  /** How long an idle helper spins for the next region before it parks. */
  private static final long SPIN_NANOS = 50_000L;

  /** How long the caller spins for chunks still running on helpers before it parks. */
  private static final long WAIT_SPIN_NANOS = 20_000L;

  /** The region offered to the helpers (the newest; null when none). */
  private static volatile Region current;

  private static final List<Helper> HELPERS = new ArrayList<>();

  private static volatile Helper[] helpers = new Helper[0];

  /** One parallel call: its chunks, who has claimed and finished them, the first failure. */
  private static final class Region {
    final int n;
    final int chunks;
    final ChunkBody body;

    /** Helpers with an index below this join the region. */
    final int helperCount;

    final Thread caller;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Region(int n, int chunks, ChunkBody body, int helperCount, Thread caller) {
      this.n = n;
      this.chunks = chunks;
      this.body = body;
      this.helperCount = helperCount;
      this.caller = caller;
    }

    /** Claims and runs chunks until none is left; after a failure the rest are only counted. */
    void work() {
      for (int i = next.getAndIncrement(); i < chunks; i = next.getAndIncrement()) {
        if (failure.get() == null) {
          try {
            body.run(i, chunkStart(n, chunks, i), chunkStart(n, chunks, i + 1));
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }
        if (done.incrementAndGet() == chunks && Thread.currentThread() != caller) {
          LockSupport.unpark(caller);
        }
      }
    }

    /** Waits until every chunk has finished (an interrupt is kept for later, not lost). */
    void awaitDone() {
      if (done.get() == chunks) {
        return;
      }
      long spinEnd = System.nanoTime() + WAIT_SPIN_NANOS;
      while (done.get() < chunks && System.nanoTime() < spinEnd) {
        Thread.onSpinWait();
      }
      boolean interrupted = false;
      while (done.get() < chunks) {
        LockSupport.park(this);
        // The chunks still running write into the caller's arrays: wait for them whatever happens.
        interrupted |= Thread.interrupted();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A helper thread: joins each new region offered while its index is below the region's count. */
  private static final class Helper extends Thread {
    final int index;
    volatile boolean parked;

    Helper(int index) {
      super("convnet-kernel-" + index);
      this.index = index;
      setDaemon(true);
    }

    @Override
    public void run() {
      Region seen = null;
      long idleSince = System.nanoTime();
      int[] depth = DEPTH.get();
      while (true) {
        Region r = current;
        if (r != seen) {
          seen = r;
          if (r != null && index < r.helperCount) {
            depth[0]++;
            try {
              r.work();
            } finally {
              depth[0]--;
            }
          }
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          parked = true;
          // offer() sets current before it reads parked: either this read sees the new region or
          // offer() sees parked and unparks.
          if (current == seen) {
            LockSupport.park(this);
          }
          parked = false;
          idleSince = System.nanoTime();
        }
      }
    }
  }

  /**
   * Makes {@code region} the one helpers join, starting helpers as needed and waking parked ones.
   */
  private static void offer(Region region) {
    Helper[] all = helpers;
    if (all.length < region.helperCount) {
      all = startHelpers(region.helperCount);
    }
    current = region;
    for (int i = 0; i < region.helperCount; i++) {
      Helper h = all[i];
      if (h.parked) {
        LockSupport.unpark(h);
      }
    }
  }

  private static synchronized Helper[] startHelpers(int count) {
    while (HELPERS.size() < count) {
      Helper h = new Helper(HELPERS.size());
      HELPERS.add(h);
      h.start();
    }
    helpers = HELPERS.toArray(new Helper[0]);
    return helpers;
  }
}
