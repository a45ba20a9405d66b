package convnet.spark;

import convnet.runtime.sweep.RunOutcome;
import convnet.runtime.sweep.RunTask;
import convnet.runtime.sweep.RunWorker;
import convnet.runtime.sweep.SweepExecutor;
import convnet.runtime.train.StopSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs each run of a sweep as one Spark task through {@link RunWorker}, the code the local executor
 * runs, so the results are bitwise the same. The master is {@code --master}, else the one {@code
 * spark-submit} set, else embedded {@code local[N]}; one Spark job per run, as many in flight as
 * the cluster has cores, so each finished run is recorded at once and a stopped sweep loses only
 * the runs in flight (which resume from their checkpoints).
 *
 * <p>Every worker needs this module's jar and its dependencies (spark-submit ships them), the data
 * at the same path or a URI, and the sweep folder at the same path (a shared file system) for the
 * run folders and for resume.
 */
public final class SparkExecutor implements SweepExecutor {
  private volatile JavaSparkContext context;

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public void execute(List<RunTask> tasks, Settings settings, Listener listener) throws Exception {
    SparkConf conf = new SparkConf().setAppName(settings.appName());
    if (settings.master() != null) {
      conf.setMaster(settings.master());
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[" + (settings.workers() > 0 ? settings.workers() : "*") + "]");
    }
    conf.setIfMissing("spark.ui.enabled", "false");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      context = sc;
      int inFlight = Math.max(1, sc.defaultParallelism());
      ExecutorService driver =
          Executors.newFixedThreadPool(
              inFlight,
              r -> {
                Thread t = new Thread(r, "convnet-sweep-spark");
                t.setDaemon(true);
                return t;
              });
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (RunTask task : tasks) {
          futures.add(
              driver.submit(
                  () -> {
                    if (listener.stopRequested()) {
                      return null;
                    }
                    listener.started(task);
                    RunOutcome outcome;
                    try {
                      outcome =
                          sc.parallelize(List.of(task), 1)
                              .map(SparkExecutor::runOnWorker)
                              .collect()
                              .get(0);
                    } catch (RuntimeException e) {
                      // Spark already retried the task (a lost worker); the run stays not done, and
                      // a
                      // resume continues it from its checkpoint. The run itself never throws: its
                      // errors
                      // are outcomes.
                      if (!listener.stopRequested()) {
                        System.err.println(
                            "convnet: run " + task.id() + " was lost by Spark: " + firstLine(e));
                      }
                      outcome = null;
                    }
                    listener.finished(task, outcome);
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        driver.shutdownNow();
      }
    } finally {
      context = null;
    }
  }

  /** The task body on a Spark executor. */
  static RunOutcome runOnWorker(RunTask task) {
    return RunWorker.run(task, StopSignal.manual());
  }

  private static String firstLine(RuntimeException e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
  }

  @Override
  public void stopAll(long seconds) {
    JavaSparkContext sc = context;
    if (sc != null) {
      sc.cancelAllJobs();
    }
  }
}
