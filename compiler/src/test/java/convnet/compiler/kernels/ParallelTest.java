package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
