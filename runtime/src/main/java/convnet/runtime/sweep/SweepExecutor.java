package convnet.runtime.sweep;

import java.util.List;

/**
 * Runs the runs of a sweep somewhere: {@link LocalExecutor} on this machine, or an implementation
 * found with {@link java.util.ServiceLoader} (the {@code spark} module's). Each run is {@link
 * RunWorker#run} on some JVM; the executor only decides where and when.
 */
public interface SweepExecutor {
  /** The name given to {@code --executor}. */
  String name();

  /**
   * Runs every task, telling {@code listener} as each starts and ends, and returns when all have
   * ended or a stop was asked for through {@link Listener#stopRequested()}.
   */
  void execute(List<RunTask> tasks, Settings settings, Listener listener) throws Exception;

  /**
   * Asks the running runs to stop (Ctrl-C): they keep their checkpoints, to be resumed. Waits up to
   * {@code seconds} for them to have stopped.
   */
  void stopAll(long seconds) throws InterruptedException;

  /**
   * Where to run: {@code workers} runs at a time on this machine, or the cluster {@code master}
   * (may be null).
   */
  record Settings(int workers, String master, String appName) {}

  /** What an executor reports; called from any thread. */
  interface Listener {
    /** The run started. */
    void started(RunTask task);

    /** The run ended with {@code outcome}; null when it was interrupted (to resume later). */
    void finished(RunTask task, RunOutcome outcome);

    /** Whether the user asked the sweep to stop (Ctrl-C). */
    boolean stopRequested();
  }
}
