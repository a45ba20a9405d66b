package convnet.runtime.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.CompilationInterruptedException;
import convnet.dsl.Network;
import convnet.runtime.cli.UsageError;
import convnet.runtime.cli.UserError;
import convnet.runtime.data.Batches;
import convnet.runtime.data.DataSplits;
import convnet.runtime.run.EpochMetrics;
import convnet.runtime.run.MetricsCsv;
import convnet.runtime.run.Progress;
import convnet.runtime.run.RunFolder;
import convnet.runtime.run.RunLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code convnet train} invocation: a new run or a resumed one, from settings to reports.
 *
 * <p>Everything that can fail because of the user's input (settings, data files, protocol) is
 * checked before the run folder is created, so a run that cannot start leaves no folder behind.
 * A new run writes {@code config.json}, a checkpoint of its initial state (so that even a run
 * stopped in its first epoch can be resumed, and a diverging one keeps a good checkpoint) and
 * {@code metrics.csv} before the first step.
 */
public final class TrainingRun {
  private TrainingRun() {}

  /**
   * What the command line asks for: the network file, the flags given, {@code --out} and
   * {@code --resume} (either may be null, not both set), and {@code --json}.
   */
  public record Request(
      Path networkFile, TrainConfig.Overrides overrides, Path out, Path resume, boolean json) {}

  /** Runs {@code request} with {@code model} (loaded from its network file); reports go to {@code out}. */
  public static Trainer.Result execute(
      TrainableModel fileModel, Request request, PrintStream out, StopSignal stop) throws IOException {
    if (request.out() != null && request.resume() != null) {
      throw new UsageError("--out and --resume exclude each other: --resume continues the run "
          + "in its own folder");
    }
    String sha = sha256(request.networkFile());
    Network network = fileModel.network();
    RunFolder folder;
    TrainConfig config;
    boolean resuming = request.resume() != null;
    if (resuming) {
      folder = RunFolder.openExisting(request.resume());
      TrainConfig saved = RunFolder.readJson(folder.configJson(), TrainConfig.class);
      if (!saved.networkSha256().equals(sha)) {
        // Named from both sides: the file given may differ from the one the run saved by name.
        throw new UserError(request.networkFile() + ": not the network run " + request.resume()
            + " was started with (its contents differ from the saved fingerprint of "
            + saved.network() + "); resume with the original file, or start a new run");
      }
      config = saved.forResume(request.overrides(), sha);
    } else {
      Path dir = request.networkFile().toAbsolutePath().getParent();
      config = TrainConfig.resolve(network.train(), request.networkFile().getFileName().toString(),
          sha, dir, request.overrides());
      folder = null;
    }
    // Random connection tables are part of the run: drawn from its seed, saved with its weights.
    TrainableModel model = fileModel.forSeed(config.seed());
    Protocol protocol = config.protocolFor(network.convStages().size());
    Set<String> frozen = model.frozen(protocol);
    DataSplits data = TrainingData.open(network, config.data(), config.preprocessing(),
        config.limitTrain(), config.limitTest(), config.limitModeValue());
    // Fails here, before any folder exists, if there are fewer images than one batch.
    Batches.training(data.train(), config.batch(), config.seed(), config.augmentation());

    Map<String, Tensor> initial = model.init(config.seed());
    Map<String, Shape> shapes = new LinkedHashMap<>();
    initial.forEach((name, t) -> shapes.put(name, t.shape()));
    Set<String> trainable = new java.util.LinkedHashSet<>(shapes.keySet());
    trainable.removeAll(frozen);
    // Every state tensor of the optimizer starts at zero, as PyTorch's do.
    Map<String, Shape> stateShapes = new LinkedHashMap<>();
    for (String prefix : config.optimizerValue().statePrefixes()) {
      for (String name : trainable) {
        stateShapes.put(prefix + name, shapes.get(name));
      }
    }

    // Builds the functions: a network that cannot be trained fails before any folder exists.
    // Ctrl-C while compiling stops the compilation at once: nothing has been written yet.
    Trainer trainer;
    try {
      trainer = stop.interruptibly(() -> new Trainer(model, config, data.train(), data.test()));
    } catch (CompilationInterruptedException e) {
      throw new UserError("stopped while compiling the network; "
          + (resuming ? "the run folder is unchanged" : "no run folder was created"));
    }

    Checkpoint start;
    MetricsCsv metrics;
    List<EpochMetrics> history;
    if (resuming) {
      start = Checkpoint.read(folder, shapes, stateShapes);
      if (config.epochs() < start.epoch()) {
        throw new UsageError("--epochs " + config.epochs() + " is fewer than the " + start.epoch()
            + " epochs the run has done");
      }
      metrics = MetricsCsv.resume(folder.metricsCsv(), Trainer.METRICS_COLUMNS, start.epoch());
      history = MetricsHistory.read(folder.metricsCsv(), start.epoch());
      folder.writeConfig(config);
    } else {
      if (stop.requested()) {
        // Ctrl-C while the data loaded: nothing has been written, so nothing needs keeping.
        throw new UserError("stopped before training started; no run folder was created");
      }
      folder = request.out() != null ? RunFolder.createAt(request.out())
          : RunFolder.createDefault(network.name());
      folder.writeConfig(config);
      Map<String, Tensor> state = new LinkedHashMap<>();
      stateShapes.forEach((name, shape) -> state.put(name, Tensor.zeros(shape)));
      start = new Checkpoint(0, 0, 0, 0, 0, 0, Double.NaN, 0, initial, state);
      start.write(folder);
      metrics = MetricsCsv.create(folder.metricsCsv(), Trainer.METRICS_COLUMNS);
      history = List.of();
    }

    String resumeHint = "convnet train " + request.networkFile() + " --resume " + folder.dir();
    try (RunLog log = new RunLog(folder.trainLog(), null);
        Progress progress = Progress.console(out, request.json())) {
      String intro = (resuming ? "resuming " + folder.dir() + " at epoch " + (start.epoch() + 1)
          + ", batch " + start.batch() + " (step " + start.step() + ")" : "run folder "
          + folder.dir()) + "\ndata: " + data.source() + "; " + data.train().size()
          + " training and " + data.test().size() + " test images\n" + config.describe();
      String backend = model.effectiveBackend(config.backend());
      if (!backend.equals(config.backend())) {
        intro += "\nbackend " + config.backend() + " is not available: running on " + backend;
      }
      log.log(intro);
      if (!request.json()) {
        out.println(intro);
        out.flush();
      }
      Trainer.Result result = trainer.run(start, new Trainer.Session(folder, metrics, history,
          progress, log, stop, resumeHint));
      if (result.status() == Trainer.Status.INTERRUPTED) {
        Checkpoint cp = result.checkpoint();
        if (request.json()) {
          ObjectNode o = new ObjectMapper().createObjectNode();
          o.put("interrupted", true);
          o.put("epoch", cp.epoch() + 1);
          o.put("batch", cp.batch());
          o.put("step", cp.step());
          o.put("run_folder", folder.dir().toString());
          out.println(o);
        } else {
          out.println("stopped at epoch " + (cp.epoch() + 1) + ", batch " + cp.batch()
              + " (step " + cp.step() + "); checkpoint written. Continue with:\n  " + resumeHint);
        }
        out.flush();
      }
      return result;
    }
  }

  /** The SHA-256 of a file's bytes, in hex. */
  static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UserError(file + ": cannot read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
