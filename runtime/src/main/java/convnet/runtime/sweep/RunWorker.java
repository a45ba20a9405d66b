package convnet.runtime.sweep;

import convnet.autodiff.io.AtomicFiles;
import convnet.compiler.kernels.Parallel;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.train.ModelBinding;
import convnet.runtime.train.StopSignal;
import convnet.runtime.train.TrainConfig;
import convnet.runtime.train.Trainer;
import convnet.runtime.train.TrainingDiverged;
import convnet.runtime.train.TrainingRun;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs one {@link RunTask} in this JVM: writes its network file, then starts the run, or resumes it
 * from its checkpoint when its folder has one, exactly as {@code convnet train} would. Any executor
 * calls this, locally or on a Spark worker, so every executor computes the same bits.
 */
public final class RunWorker {
  private RunWorker() {}

  /**
   * Runs {@code task}; null when {@code stop} interrupted it (its checkpoint is on disk and the
   * next attempt resumes it). A diverged or failed run is an outcome, never an exception.
   */
  public static RunOutcome run(RunTask task, StopSignal stop) {
    long start = System.nanoTime();
    try {
      return train(task, stop, start);
    } catch (TrainingDiverged e) {
      return RunOutcome.notOk(
          task.id(),
          RunOutcome.DIVERGED,
          "diverged at step " + e.step() + ": " + e.culprit() + " is not finite",
          0,
          seconds(start));
    } catch (UserError e) {
      return RunOutcome.notOk(
          task.id(), RunOutcome.FAILED, clean(e.getMessage(), task), 0, seconds(start));
    } catch (IOException | UncheckedIOException e) {
      return RunOutcome.notOk(
          task.id(),
          RunOutcome.FAILED,
          clean("input/output error: " + e.getMessage(), task),
          0,
          seconds(start));
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      return RunOutcome.notOk(
          task.id(), RunOutcome.FAILED, clean("internal error: " + e, task), 0, seconds(start));
    } finally {
      stop.markDone();
    }
  }

  private static RunOutcome train(RunTask task, StopSignal stop, long start) throws IOException {
    Parallel.setThreads(task.threads());
    Path network = Path.of(task.networkFile());
    Path runDir = Path.of(task.runDir());
    writeIfChanged(network, task.networkSource());
    PrintWriter quiet =
        new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    ModelBinding model = ModelBinding.of(NetworkModel.load(network, quiet), quiet);
    boolean resume = Files.isRegularFile(runDir.resolve("checkpoint.json"));
    if (!resume) {
      // A run killed before its first checkpoint left at most its config: start it again.
      deleteTree(runDir);
    }
    TrainConfig.Overrides overrides =
        resume
            ? TrainConfig.Overrides.NONE
            : TrainConfig.Overrides.parse(
                task.data(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                task.protocol(),
                task.seed(),
                task.backend(),
                task.limitTrain() > 0 ? task.limitTrain() : null,
                task.limitTest() > 0 ? task.limitTest() : null);
    PrintStream discard =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    Trainer.Result result =
        TrainingRun.execute(
            model,
            new TrainingRun.Request(
                network, overrides, resume ? null : runDir, resume ? runDir : null, true),
            discard,
            stop);
    if (result.status() != Trainer.Status.FINISHED) {
      return null;
    }
    return new RunOutcome(
        task.id(),
        RunOutcome.OK,
        result.lastEvaluation().accuracy(),
        result.checkpoint().bestTestAccuracy(),
        lastTrainLoss(runDir.resolve("metrics.csv")),
        result.lastEvaluation().loss(),
        result.report().epochs(),
        "",
        seconds(start));
  }

  /**
   * The train_loss of the last row of a run's metrics.csv (as written there, rounded to 6 digits).
   */
  static double lastTrainLoss(Path metrics) throws IOException {
    List<String> lines = Files.readAllLines(metrics, StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split(","));
    int column = header.indexOf("train_loss");
    String[] last = lines.get(lines.size() - 1).split(",", -1);
    return column < 0 || last[column].isEmpty() ? Double.NaN : Double.parseDouble(last[column]);
  }

  private static void writeIfChanged(Path file, String text) throws IOException {
    if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
      return;
    }
    Files.createDirectories(file.getParent());
    AtomicFiles.writeString(file, text);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A reason without the sweep folder's own path, so that equal sweeps in two folders agree. */
  private static String clean(String message, RunTask task) {
    String m = message == null ? "" : message;
    m = m.replace(task.sweepDir() + "/", "").replace(task.sweepDir(), ".");
    return m.replace('\n', ' ').replace('\r', ' ').strip();
  }

  private static double seconds(long start) {
    return Math.round((System.nanoTime() - start) / 1e7) / 100.0;
  }
}
