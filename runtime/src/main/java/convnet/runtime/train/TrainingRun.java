package convnet.runtime.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.CompilationInterruptedException;
import convnet.dsl.Network;
import convnet.runtime.data.Batches;
import convnet.runtime.data.DataSplits;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import convnet.runtime.pretrain.PretrainReport;
import convnet.runtime.pretrain.Pretrainer;
import convnet.runtime.pretrain.PsdSettings;
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
 * checked before the run folder is created, so a run that cannot start leaves no folder behind. A
 * new run writes {@code config.json}, a checkpoint of its initial state (so that even a run stopped
 * in its first epoch can be resumed, and a diverging one keeps a good checkpoint) and {@code
 * metrics.csv} before the first step. Stages of the protocol marked U or U+ are then pre-trained
 * without labels in the run's {@code pretrain} folder (its own checkpoint, metrics and dictionary
 * picture), and training starts from the pre-trained weights; a run stopped during pre-training
 * resumes it.
 */
public final class TrainingRun {
  /** The sub-folder of a run where the pre-training of U and U+ stages writes. */
  public static final String PRETRAIN_FOLDER = "pretrain";

  private TrainingRun() {}

  /**
   * What the command line asks for: the network file, the flags given, {@code --out} and {@code
   * --resume} (either may be null, not both set), and {@code --json}.
   */
  public record Request(
      Path networkFile,
      TrainConfig.Overrides overrides,
      Path out,
      Path resume,
      boolean json,
      Path init) {
    /** A request without {@code --init}. */
    public Request(
        Path networkFile, TrainConfig.Overrides overrides, Path out, Path resume, boolean json) {
      this(networkFile, overrides, out, resume, json, null);
    }
  }

  /**
   * Runs {@code request} with {@code model} (loaded from its network file); reports go to {@code
   * out}.
   */
  public static Trainer.Result execute(
      TrainableModel fileModel, Request request, PrintStream out, StopSignal stop)
      throws IOException {
    if (request.out() != null && request.resume() != null) {
      throw new UsageError(
          "--out and --resume exclude each other: --resume continues the run "
              + "in its own folder");
    }
    if (request.init() != null && request.resume() != null) {
      throw new UsageError(
          "--init and --resume exclude each other: a resumed run continues from "
              + "its checkpoint's weights");
    }
    if (request.resume() == null) {
      return run(fileModel, request, out, stop, null);
    }
    RunFolder folder = RunFolder.openExisting(request.resume());
    // Held until the run ends: a second process resuming the same folder is refused.
    RunFolder.Lock lock = folder.lock();
    try {
      return run(fileModel, request, out, stop, folder);
    } finally {
      lock.close();
    }
  }

  /**
   * A resumed run in {@code resumed} (locked by the caller), or a new one (null): its folder is
   * created and locked once everything that can be checked has been, and removed again if the run
   * cannot write its start.
   */
  private static Trainer.Result run(
      TrainableModel fileModel,
      Request request,
      PrintStream out,
      StopSignal stop,
      RunFolder resumed)
      throws IOException {
    String sha = sha256(request.networkFile());
    Network network = fileModel.network();
    RunFolder folder = resumed;
    TrainConfig config;
    boolean resuming = resumed != null;
    if (resuming) {
      TrainConfig saved = RunFolder.readJson(folder.configJson(), TrainConfig.class);
      if (!saved.networkSha256().equals(sha)) {
        // Named from both sides: the file given may differ from the one the run saved by name.
        throw new UserError(
            request.networkFile()
                + ": not the network run "
                + request.resume()
                + " was started with (its contents differ from the saved fingerprint of "
                + (saved.networkFile() != null ? saved.networkFile() : saved.network())
                + "); resume with the original file, or start a new run");
      }
      config = saved.forResume(request.overrides(), sha);
    } else {
      Path dir = request.networkFile().toAbsolutePath().getParent();
      config =
          TrainConfig.resolve(
              network.train(),
              network.name(),
              request.networkFile().getFileName().toString(),
              sha,
              dir,
              request.overrides(),
              request.init() == null ? null : request.init().toString());
    }
    // Random connection tables are part of the run: drawn from its seed, saved with its weights.
    TrainableModel model = fileModel.forSeed(config.seed());
    Protocol protocol = config.protocolFor(network.convStages().size());
    Set<String> frozen = model.frozen(protocol);
    DataSplits data =
        TrainingData.open(
            network,
            config.data(),
            config.preprocessing(),
            config.limitTrain(),
            config.limitTest(),
            config.limitModeValue());
    // Fails here, before any folder exists, if there are fewer images than one batch.
    Batches.training(data.train(), config.batch(), config.seed(), config.augmentation());

    Map<String, Tensor> initial = model.init(config.seed());
    if (!resuming && request.init() != null) {
      // Names, shapes and finiteness are checked by loadWeights, before any folder exists.
      initial = model.loadWeights(request.init());
    }
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
      throw new UserError(
          "stopped while compiling the network; "
              + (resuming ? "the run folder is unchanged" : "no run folder was created"));
    }
    // Stages marked U or U+ are pre-trained first; a stage PSD cannot learn fails here too.
    Pretrainer pretrainer =
        new Pretrainer(
            network,
            PsdSettings.of(network.train().pretrain()),
            config.batch(),
            config.seed(),
            f -> model.prepare(f, config.backend()));
    List<Pretrainer.Stage> unsupervised = pretrainer.stages(protocol.unsupervisedStages());

    Checkpoint start;
    MetricsCsv metrics;
    List<EpochMetrics> history;
    if (resuming) {
      start = Checkpoint.read(folder, shapes, stateShapes);
      if (config.epochs() < start.epoch()) {
        if (request.overrides().epochs() != null) {
          throw new UsageError(
              "--epochs "
                  + config.epochs()
                  + " is fewer than the "
                  + start.epoch()
                  + " epochs the run has done");
        }
        throw new UserError(
            folder.checkpointNpz()
                + ": corrupt checkpoint: it says "
                + start.epoch()
                + " epochs are done, more than the "
                + config.epochs()
                + " epochs of the run ("
                + folder.configJson().getFileName()
                + ")");
      }
      metrics = MetricsCsv.resume(folder.metricsCsv(), Trainer.METRICS_COLUMNS, start.epoch());
      history = MetricsHistory.read(folder.metricsCsv(), start.epoch());
      folder.writeConfig(config);
    } else {
      if (stop.requested()) {
        // Ctrl-C while the data loaded: nothing has been written, so nothing needs keeping.
        throw new UserError("stopped before training started; no run folder was created");
      }
      folder =
          request.out() != null
              ? RunFolder.createAt(request.out())
              : RunFolder.createDefault(network.name());
      Map<String, Tensor> state = new LinkedHashMap<>();
      stateShapes.forEach((name, shape) -> state.put(name, Tensor.zeros(shape)));
      start = new Checkpoint(0, 0, 0, 0, 0, 0, Double.NaN, 0, initial, state);
      RunFolder.Lock lock = null;
      try {
        lock = folder.lock();
        folder.writeConfig(config);
        start.write(folder);
        metrics = MetricsCsv.create(folder.metricsCsv(), Trainer.METRICS_COLUMNS);
      } catch (RuntimeException | IOException e) {
        // A run that could not write its start (a full disk) leaves no half run behind: nothing
        // to resume, and nothing that makes a new run into the folder ask for --resume.
        if (lock != null) {
          lock.close();
        }
        folder.discardUnstarted(folder.created());
        throw e;
      }
      history = List.of();
      try {
        return train(
            model,
            request,
            out,
            stop,
            network,
            folder,
            config,
            data,
            trainer,
            start,
            metrics,
            history,
            false,
            pretrainer,
            unsupervised,
            shapes.keySet());
      } finally {
        lock.close();
      }
    }
    return train(
        model,
        request,
        out,
        stop,
        network,
        folder,
        config,
        data,
        trainer,
        start,
        metrics,
        history,
        true,
        pretrainer,
        unsupervised,
        shapes.keySet());
  }

  /** Trains from {@code start} and reports; the folder is set up and locked. */
  private static Trainer.Result train(
      TrainableModel model,
      Request request,
      PrintStream out,
      StopSignal stop,
      Network network,
      RunFolder folder,
      TrainConfig config,
      DataSplits data,
      Trainer trainer,
      Checkpoint start,
      MetricsCsv metrics,
      List<EpochMetrics> history,
      boolean resuming,
      Pretrainer pretrainer,
      List<Pretrainer.Stage> unsupervised,
      Set<String> parameterNames)
      throws IOException {
    String resumeHint = "convnet train " + request.networkFile() + " --resume " + folder.dir();
    try (RunLog log = new RunLog(folder.trainLog(), null);
        Progress progress = Progress.console(out, request.json())) {
      String intro =
          (resuming
                  ? "resuming "
                      + folder.dir()
                      + " at epoch "
                      + (start.epoch() + 1)
                      + ", batch "
                      + start.batch()
                      + " (step "
                      + start.step()
                      + ")"
                  : "run folder " + folder.dir())
              + "\ndata: "
              + data.source()
              + "; "
              + data.train().size()
              + " training and "
              + data.test().size()
              + " test images\n"
              + config.describe();
      Backend backend = model.effectiveBackend(config.backend());
      if (backend != config.backend()) {
        intro +=
            "\nbackend "
                + config.backend().keyword()
                + " is not available: running on "
                + backend.keyword();
      }
      log.log(intro);
      if (!request.json()) {
        out.println(intro);
        out.flush();
      }
      Path pretrainDir = folder.dir().resolve(PRETRAIN_FOLDER);
      if (!unsupervised.isEmpty() && !Files.isRegularFile(pretrainDir.resolve("weights.npz"))) {
        if (start.step() != 0) {
          throw new IllegalStateException(
              "run "
                  + folder.dir()
                  + " trained "
                  + start.step()
                  + " steps before its pre-training finished");
        }
        Pretrainer.Result pre;
        try (PretrainReport report = PretrainReport.console(out, request.json())) {
          pre =
              pretrainer.run(
                  start.parameters(),
                  unsupervised,
                  data.train(),
                  pretrainDir,
                  report,
                  batches -> stop.requested());
        }
        if (!pre.finished()) {
          String message =
              "stopped during pre-training; its checkpoint (at the last finished "
                  + "epoch) is kept. Continue with:\n  "
                  + resumeHint;
          log.log(message);
          if (request.json()) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("interrupted", true);
            o.put("phase", "pretrain");
            o.put("run_folder", folder.dir().toString());
            out.println(o);
          } else {
            out.println(message);
          }
          out.flush();
          return new Trainer.Result(Trainer.Status.INTERRUPTED, start, null, null);
        }
        Pretrainer.writeOutputs(pretrainDir, pre.weights(), unsupervised);
        Map<String, Tensor> pretrained = new LinkedHashMap<>();
        for (String name : parameterNames) {
          pretrained.put(name, pre.weights().get(name));
        }
        start = new Checkpoint(0, 0, 0, 0, 0, 0, Double.NaN, 0, pretrained, start.optimizerState());
        start.write(folder);
        log.log(
            "pre-training done ("
                + PsdSettings.of(network.train().pretrain())
                + "): "
                + pretrainDir.resolve("metrics.csv")
                + ", "
                + pretrainDir.resolve("dictionary.png"));
      }
      Trainer.Result result =
          trainer.run(
              start,
              new Trainer.Session(folder, metrics, history, progress, log, stop, resumeHint));
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
          out.println(
              "stopped at epoch "
                  + (cp.epoch() + 1)
                  + ", batch "
                  + cp.batch()
                  + " (step "
                  + cp.step()
                  + "); checkpoint written. Continue with:\n  "
                  + resumeHint);
        }
        out.flush();
      }
      return result;
    }
  }

  /** The SHA-256 of a file's bytes, in hex. */
  static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UserError(file + ": cannot read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
