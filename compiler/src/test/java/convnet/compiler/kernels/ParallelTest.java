package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 7, 64, 1000})
  void chunksCoverTheRangeOnceInFixedContiguousPieces(int n) {
    int chunks = 3;
    int[] starts = new int[chunks];
    int[] ends = new int[chunks];
    AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
    Parallel.forChunks(
        n,
        chunks,
        (chunk, start, end) -> {
          starts[chunk] = start;
          ends[chunk] = end;
          for (int i = start; i < end; i++) {
            seen.incrementAndGet(i);
          }
        });
    for (int i = 0; i < n; i++) {
      assertEquals(1, seen.get(i), "n=" + n + ": index " + i);
    }
    assertArrayEquals(new int[] {0, n / 3, 2 * n / 3}, starts, "n=" + n);
    assertArrayEquals(new int[] {n / 3, 2 * n / 3, n}, ends, "n=" + n);
  }

  @Test
  void nestedRegionsRunInlineAndFinish() {
    int[] total = new int[4];
    Parallel.forChunks(
        4,
        4,
        (chunk, start, end) -> Parallel.forChunks(10, 4, (inner, s, e) -> total[chunk] += e - s));
    assertArrayEquals(new int[] {10, 10, 10, 10}, total);
  }

  @Test
  void aFailureInAWorkerReachesTheCaller() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Parallel.forChunks(
                    4,
                    4,
                    (chunk, start, end) -> {
                      if (chunk == 2) {
                        throw new IllegalStateException("chunk 2 failed");
                      }
                    }));
    assertEquals("chunk 2 failed", e.getMessage());
  }

  /**
   * Many short regions back to back, as in a training step, at 1 to 4 threads: every chunk of every
   * region runs exactly once and has finished when forChunks returns (helpers that spin between
   * regions or join one late must neither skip nor repeat a chunk).
   */
  @Test
  void backToBackRegionsRunEveryChunkOnceAndFinishBeforeReturning() {
    int saved = Parallel.threads();
    try {
      for (int threads = 1; threads <= 4; threads++) {
        Parallel.setThreads(threads);
        for (int region = 0; region < 2000; region++) {
          int chunks = 1 + region % 17;
          int n = region % 50;
          AtomicIntegerArray ran = new AtomicIntegerArray(chunks);
          int[] covered = new int[Math.max(n, 1)];
          Parallel.forChunks(
              n,
              chunks,
              (chunk, start, end) -> {
                ran.incrementAndGet(chunk);
                for (int i = start; i < end; i++) {
                  covered[i]++;
                }
              });
          for (int c = 0; c < chunks; c++) {
            assertEquals(1, ran.get(c), threads + " threads, region " + region + ", chunk " + c);
          }
          for (int i = 0; i < n; i++) {
            assertEquals(1, covered[i], threads + " threads, region " + region + ", index " + i);
          }
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /** A failed chunk does not stop the helpers: the next regions still run on every thread. */
  @Test
  void helpersSurviveAFailedChunk() {
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(3);
      for (int round = 0; round < 50; round++) {
        Error e =
            assertThrows(
                AssertionError.class,
                () ->
                    Parallel.forChunks(
                        8,
                        8,
                        (chunk, start, end) -> {
                          throw new AssertionError("chunk " + chunk);
                        }));
        assertTrue(e.getMessage().startsWith("chunk "), e.getMessage());
        AtomicIntegerArray ran = new AtomicIntegerArray(8);
        Parallel.forChunks(8, 8, (chunk, start, end) -> ran.incrementAndGet(chunk));
        for (int c = 0; c < 8; c++) {
          assertEquals(1, ran.get(c), "round " + round + ", chunk " + c);
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * An interrupted caller still waits for the chunks running on helpers (they write its arrays) and
   * keeps its interrupt.
   */
  @Test
  void anInterruptedCallerWaitsForTheChunksAndKeepsTheInterrupt() {
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(2);
      Thread caller = Thread.currentThread();
      AtomicIntegerArray finished = new AtomicIntegerArray(2);
      Parallel.forChunks(
          2,
          2,
          (chunk, start, end) -> {
            caller.interrupt();
            try {
              Thread.sleep(0, 200_000);
            } catch (InterruptedException e) {
              // The caller's chunk sees its own interrupt here; the helper's sleep is not
              // interrupted.
              Thread.currentThread().interrupt();
            }
            finished.incrementAndGet(chunk);
          });
      assertTrue(Thread.interrupted(), "the interrupt is kept");
      assertEquals(1, finished.get(0));
      assertEquals(1, finished.get(1));
    } finally {
      Thread.interrupted();
      Parallel.setThreads(saved);
    }
  }

  /** Below the work bound a range of independent items is one chunk on the calling thread. */
  @Test
  void smallWorkRunsOnTheCallingThread() {
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(2);
      Thread caller = Thread.currentThread();
      List<Thread> ran = new CopyOnWriteArrayList<>();
      Parallel.forRange(
          64, Parallel.SERIAL_WORK - 1, (chunk, start, end) -> ran.add(Thread.currentThread()));
      assertEquals(List.of(caller), ran);
      ran.clear();
      Parallel.forRange(
          64, Parallel.SERIAL_WORK, (chunk, start, end) -> ran.add(Thread.currentThread()));
      assertEquals(Parallel.chunkCount(64), ran.size(), "larger work is cut into chunks");
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void threadCountMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    assertEquals(1, Parallel.chunkCount(1));
  }

  @Test
  void reductionChunksDependOnTheRangeAloneNotOnTheThreadCount() {
    int saved = Parallel.threads();
    try {
      for (int threads : new int[] {1, 2, 3, 16, 64}) {
        Parallel.setThreads(threads);
        assertEquals(Parallel.REDUCTION_CHUNKS, Parallel.reductionChunks(64), "threads " + threads);
        assertEquals(5, Parallel.reductionChunks(5), "threads " + threads);
        assertEquals(1, Parallel.reductionChunks(0), "threads " + threads);
        // More chunks than threads: every chunk still runs exactly once.
        AtomicIntegerArray ran = new AtomicIntegerArray(Parallel.REDUCTION_CHUNKS);
        Parallel.forChunks(
            100, Parallel.REDUCTION_CHUNKS, (chunk, start, end) -> ran.incrementAndGet(chunk));
        for (int c = 0; c < Parallel.REDUCTION_CHUNKS; c++) {
          assertEquals(1, ran.get(c), "threads " + threads + ", chunk " + c);
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void threadCountTextIsParsedWithAMessageNamingItsSource() {
    assertEquals(3, Parallel.parseThreads(" 3 ", "--threads"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Parallel.parseThreads("abc", "CONVNET_THREADS"));
    assertEquals(
        "CONVNET_THREADS must be a whole number of threads (1 or more), not 'abc'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Parallel.parseThreads("0", "--threads"));
    assertTrue(e.getMessage().startsWith("--threads must be between 1 and"), e.getMessage());
  }
}
