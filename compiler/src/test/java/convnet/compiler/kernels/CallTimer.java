package convnet.compiler.kernels;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Seconds per call of a body repeated for at least {@value #MIN_NANOS} ns, of this thread's CPU
 * time (less disturbed by other processes than wall time, for one-thread figures) or of wall time
 * (for several threads): the timing loop of the benchmark harnesses that compare kernels.
 */
final class CallTimer {

  /** How long a body is repeated for one figure. */
  static final long MIN_NANOS = 150_000_000L;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** A timed body; reflective calls into another build's classes may throw. */
  @FunctionalInterface
  interface Body {
    /** One call. */
    void run() throws ReflectiveOperationException;
  }

  private CallTimer() {}

  /** This thread's CPU seconds per call. */
  static double cpuSecondsPerCall(Body body) throws ReflectiveOperationException {
    long start = THREADS.getCurrentThreadCpuTime();
    int calls = 0;
    long now;
    do {
      body.run();
      calls++;
      now = THREADS.getCurrentThreadCpuTime();
    } while (now - start < MIN_NANOS);
    return (now - start) / 1e9 / calls;
  }

  /** Wall seconds per call. */
  static double wallSecondsPerCall(Body body) throws ReflectiveOperationException {
    long start = System.nanoTime();
    int calls = 0;
    long now;
    do {
      body.run();
      calls++;
      now = System.nanoTime();
    } while (now - start < MIN_NANOS);
    return (now - start) / 1e9 / calls;
  }

  /** {@link #cpuSecondsPerCall} for a body that throws nothing checked. */
  static double cpuSecondsPerRun(Runnable body) {
    try {
      return cpuSecondsPerCall((Body) body::run);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
