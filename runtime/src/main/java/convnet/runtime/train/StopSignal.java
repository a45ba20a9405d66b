package convnet.runtime.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Asks a running {@link Trainer} to stop at the next batch boundary (after writing a checkpoint),
 * and lets the asker wait until it has. Ctrl-C uses it through {@link #shutdownHook}; tests use
 * {@link #afterSteps} to stop a run after a given number of training steps, as a kill would.
 */
public final class StopSignal {
  private final long afterSteps;
  private volatile boolean requested;
  private final CountDownLatch done = new CountDownLatch(1);

  private StopSignal(long afterSteps) {
    this.afterSteps = afterSteps;
  }

  /** A signal raised only by {@link #request()}. */
  public static StopSignal manual() {
    return new StopSignal(Long.MAX_VALUE);
  }

  /** A signal that is also raised once {@code steps} training steps have been taken in all. */
  public static StopSignal afterSteps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("negative step count " + steps);
    }
    return new StopSignal(steps);
  }

  /** The thread running an {@link #interruptibly} section, or null; guarded by this. */
  private Thread interruptible;

  /**
   * Asks the trainer to stop at the next batch boundary, and interrupts an {@link #interruptibly}
   * section.
   */
  public void request() {
    requested = true;
    synchronized (this) {
      if (interruptible != null) {
        interruptible.interrupt();
      }
    }
  }

  /**
   * Runs {@code work} (building and compiling the network's functions) so that {@link #request()}
   * interrupts it: compilation checks for interrupts between passes and kernels and then throws
   * {@link convnet.compiler.CompilationInterruptedException}, so Ctrl-C does not wait for it to
   * end. No interrupt outlives the section: file writes after it would fail on a pending one.
   */
  public <T> T interruptibly(java.util.function.Supplier<T> work) {
    synchronized (this) {
      interruptible = Thread.currentThread();
      if (requested) {
        interruptible.interrupt();
      }
    }
    try {
      return work.get();
    } finally {
      synchronized (this) {
        interruptible = null;
      }
      Thread.interrupted();
    }
  }

  /** Whether {@link #request()} was called. */
  boolean requested() {
    return requested;
  }

  /** Whether the trainer, having taken {@code step} steps in all, must stop now. */
  boolean shouldStop(long step) {
    return requested || step >= afterSteps;
  }

  /** Called by whoever ran the trainer once it has stopped for good (normally or not). */
  public void markDone() {
    done.countDown();
  }

  /** Waits until {@link #markDone()}; false when the time ran out. */
  public boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }

  /**
   * A thread for {@link Runtime#addShutdownHook}: on Ctrl-C (or a plain kill) it asks the trainer
   * to stop and holds the JVM until the checkpoint is written, or {@code timeoutSeconds} passed.
   */
  public Thread shutdownHook(long timeoutSeconds) {
    return new Thread(
        () -> {
          request();
          try {
            awaitDone(timeoutSeconds, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        "convnet-stop");
  }
}
