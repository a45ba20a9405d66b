package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code bench}'s warm-up: how many steps it runs, not how fast (speed is never asserted). */
class BenchWarmUpTest {

  @Test
  void noWarmUpRunsOneStep() {
    AtomicInteger steps = new AtomicInteger();
    long last = BenchCommand.warmUp(steps::incrementAndGet, 0);
    assertEquals(1, steps.get());
    assertTrue(last >= 0);
  }

  @Test
  void warmUpRunsAtLeastItsTimeAndEndsWhenTheJitIsIdle() {
    AtomicInteger steps = new AtomicInteger();
    long t0 = System.nanoTime();
    BenchCommand.warmUp(steps::incrementAndGet, 0.05);
    double seconds = (System.nanoTime() - t0) / 1e9;
    // At least the half-second window in which the JIT is watched; a step that compiles nothing
    // new leaves the JIT idle, so it ends well before the one-minute limit (65 s: that limit is
    // checked after a step).
    assertTrue(seconds >= 0.5, "warmed up " + seconds + " s");
    assertTrue(seconds < 65, "warmed up " + seconds + " s");
    assertTrue(steps.get() > 1);
  }
}
