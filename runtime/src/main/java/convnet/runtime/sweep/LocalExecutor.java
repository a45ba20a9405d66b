package convnet.runtime.sweep;

import convnet.runtime.train.StopSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sweep on this machine: {@code workers} runs at a time, each on its own thread in this JVM
 * (the kernels of each run use the sweep's fixed thread count). On a stop request every running run
 * checkpoints at its next batch and the rest never start.
 */
public final class LocalExecutor implements SweepExecutor {
  private final Set<StopSignal> running = ConcurrentHashMap.newKeySet();

  @Override
  public String name() {
    return "local";
  }

  @Override
  public void stopAll(long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (StopSignal s : running) {
      s.request();
    }
    for (StopSignal s : running) {
      s.awaitDone(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void execute(List<RunTask> tasks, Settings settings, Listener listener) throws Exception {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, settings.workers()),
            r -> {
              Thread t = new Thread(r, "convnet-sweep-worker");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (RunTask task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  if (listener.stopRequested()) {
                    return;
                  }
                  StopSignal stop = StopSignal.manual();
                  running.add(stop);
                  if (listener.stopRequested()) {
                    stop.request();
                  }
                  try {
                    listener.started(task);
                    RunOutcome outcome = RunWorker.run(task, stop);
                    // A run stopped before its first step (while loading or compiling) ends in an
                    // error
                    // that says so: it is not done, and a resume starts it again.
                    listener.finished(
                        task,
                        outcome != null && !outcome.ok() && listener.stopRequested()
                            ? null
                            : outcome);
                  } finally {
                    running.remove(stop);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
