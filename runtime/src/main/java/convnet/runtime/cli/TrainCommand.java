package convnet.runtime.cli;

import convnet.dsl.Checker;
import convnet.runtime.data.Augmentation;
import convnet.runtime.data.LimitMode;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.train.Given;
import convnet.runtime.train.LearningRateSchedule;
import convnet.runtime.train.ModelBinding;
import convnet.runtime.train.Protocol;
import convnet.runtime.train.StopSignal;
import convnet.runtime.train.TrainConfig;
import convnet.runtime.train.Trainer;
import convnet.runtime.train.TrainingRun;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet train FILE}: trains a network, or resumes a stopped run, into a run folder. */
@Command(
    name = "train",
    header = "Train a network, evaluating it after every epoch.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train a network with minibatch SGD (momentum or Nesterov momentum, weight",
      "decay) or Adam, as PyTorch computes them, and a learning-rate schedule,",
      "evaluating on the test split after every epoch.",
      "",
      "Every setting comes from the network's train { ... } block (its defaults",
      "where the block is silent: data fashion-mnist, protocol R+ per stage, 10",
      "epochs, batch 64, sgd(lr=0.01, momentum=0.9, weight_decay=0), no schedule,",
      "no augmentation, preprocessing standardize, seed 1); a flag overrides the",
      "block. --limit-train/--limit-test take N images balanced over the classes",
      "unless --limit-mode first.",
      "",
      "The run folder (runs/<network>-<date>-<time> unless --out is given) gets",
      "config.json, metrics.csv, train.log, weights-best.npz (best test accuracy),",
      "weights-final.npz, confusion.txt/.csv, curves.png, and a checkpoint after",
      "every epoch and on Ctrl-C. A run folder is never overwritten. While a process",
      "writes a run folder it holds run.lock there: a second one is refused.",
      "A file that cannot be written (a full disk, a read-only folder) stops the run",
      "(exit status 1) naming the file; the last checkpoint is kept.",
      "",
      "--resume RUNDIR continues a stopped run from its checkpoint with its saved",
      "settings and ends with the same weights as a run never stopped; only",
      "--epochs (to train longer), --backend and --threads may change then.",
      "Results are bitwise the same whatever the thread count.",
      "",
      "A NaN or infinite loss or update stops the run (exit status 1), naming the",
      "step and the first layer whose output is not finite (the epoch's steps are",
      "run again from the last checkpoint to find it); the last checkpoint is kept.",
      "",
      "Stages marked U or U+ are first pre-trained without labels (see 'convnet",
      "pretrain --help'; settings from the block's pretrain = psd(...)) into the run",
      "folder's pretrain/ (metrics.csv, checkpoint, weights.npz, dictionary.png).",
      ""
    },
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {
      "0:trained to the last epoch",
      "1:error in the network (its train block included) or data, or training diverged",
      "2:bad usage, a bad flag value included",
      "130:stopped (Ctrl-C); resume with --resume"
    })
public final class TrainCommand extends RunFlags implements Callable<Integer> {
  /** Exit status of a run stopped before its last epoch, as after SIGINT. */
  static final int EXIT_STOPPED = 130;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The network (.cnn file).")
  Path file;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Epochs (default: the train block's).")
  Integer epochs;

  @Option(
      names = "--lr",
      paramLabel = "RATE",
      description = "Base learning rate (default: the train block's).")
  Double lr;

  @Option(
      names = "--momentum",
      paramLabel = "M",
      description =
          "SGD momentum in [0, 1) (default: the train block's; not for adam, whose "
              + "beta1 is set in the file).")
  Double momentum;

  @Option(
      names = "--weight-decay",
      paramLabel = "WD",
      description = "L2 weight decay (default: the train block's).")
  Double weightDecay;

  @Option(
      names = "--schedule",
      paramLabel = "S",
      description =
          "Learning rate per epoch: none, step(every=N,gamma=G) or cosine (default: the "
              + "train block's).")
  String schedule;

  @Option(
      names = "--augment",
      paramLabel = "A",
      description =
          "Training augmentation: none, or a comma-separated list of flip, crop(pad=N), "
              + "translate(px=T), rotate(degrees=D), scale(min=A,max=B), elastic(sigma=4,alpha=34), "
              + "applied in order (default: the train block's). Preview with 'convnet augment'.")
  String augment;

  @Option(
      names = "--limit-train",
      paramLabel = "N",
      description = "Use only N training images (for quick runs), chosen by --limit-mode.")
  Integer limitTrain;

  @Option(
      names = "--limit-test",
      paramLabel = "N",
      description = "Use only N test images (for quick runs), chosen by --limit-mode.")
  Integer limitTest;

  @Option(
      names = "--limit-mode",
      paramLabel = "M",
      description =
          "How the limits choose images: stratified (the default: balanced over the "
              + "classes, the first of each class in file order) or first (the first N in the file).")
  String limitMode;

  @Option(
      names = "--out",
      paramLabel = "RUNDIR",
      description = "Run folder to create (must be absent or empty).")
  Path out;

  @Option(
      names = "--resume",
      paramLabel = "RUNDIR",
      description = "Continue the run in RUNDIR from its last checkpoint.")
  Path resume;

  @Option(
      names = "--init",
      paramLabel = "W.npz",
      description =
          "Start from these weights instead of random ones (e.g. a PyTorch state_dict "
              + "saved as .npz with the network's parameter names); every parameter must be there, "
              + "with its shape and finite values. Recorded in config.json; not with --resume.")
  Path init;

  @Option(
      names = "--json",
      description =
          "Print one JSON object per epoch (epoch, loss, train_accuracy, test_loss, "
              + "test_accuracy, images_per_s, seconds) and a last one with \"final\": true, "
              + "instead of the progress bar.")
  boolean json;

  @Option(
      names = "--stop-after-steps",
      paramLabel = "N",
      hidden = true,
      description = "Stop as on Ctrl-C once N steps are done in all (for tests and scripts).")
  Long stopAfterSteps;

  @picocli.CommandLine.Mixin ThreadsOption threadsOption = new ThreadsOption();

  @Override
  public Integer call() throws Exception {
    threadsOption.apply();
    return OutOfMemory.guard("training", this::work);
  }

  private Integer work() throws Exception {
    if (stopAfterSteps != null && stopAfterSteps < 0) {
      throw new UsageError("--stop-after-steps must not be negative");
    }
    if (init != null && resume != null) {
      throw new UsageError(
          "--init and --resume exclude each other: a resumed run continues from "
              + "its checkpoint's weights");
    }
    if (out != null && resume != null) {
      throw new UsageError(
          "--out and --resume exclude each other: --resume continues the run in "
              + "its own folder");
    }
    ParsedFlags parsed = checkFlagValues();
    PrintWriter err = spec.commandLine().getErr();
    // Without --data (or --resume, whose data is in config.json) the train block's data must be
    // there: the same check as 'convnet check', reported at its place in the file.
    NetworkModel network =
        NetworkModel.load(
            file,
            err,
            data == null && resume == null ? Checker.Options.WITH_DATA : Checker.Options.DEFAULT);
    BatchFlag.check(batch, network);
    int convStages = network.network().convStages().size();
    Given<Protocol> protocolGiven =
        Given.of(protocol, t -> asUsage("--protocol", () -> Protocol.parse(t, convStages)));
    ModelBinding model = ModelBinding.of(network, err);
    TrainConfig.Overrides overrides =
        new TrainConfig.Overrides(
            data,
            epochs,
            batch,
            lr,
            momentum,
            weightDecay,
            parsed.schedule(),
            parsed.augment(),
            parsed.preprocess(),
            protocolGiven,
            seed,
            parsed.backend(),
            limitTrain,
            limitTest,
            parsed.limitMode());
    StopSignal stop =
        stopAfterSteps != null ? StopSignal.afterSteps(stopAfterSteps) : StopSignal.manual();
    // Ctrl-C: the hook asks the loop to stop at the next batch and holds the JVM until the
    // checkpoint is on disk.
    Thread hook = stop.shutdownHook(300);
    Runtime.getRuntime().addShutdownHook(hook);
    PrintStream stdout = WriterStream.of(spec.commandLine().getOut());
    try {
      Trainer.Result result =
          TrainingRun.execute(
              model,
              new TrainingRun.Request(file, overrides, out, resume, json, init),
              stdout,
              stop);
      return result.status() == Trainer.Status.FINISHED ? 0 : EXIT_STOPPED;
    } finally {
      stdout.flush();
      stop.markDone();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down (Ctrl-C): the hook is running and now returns.
      }
    }
  }

  /**
   * Rejects bad flag values as bad usage (status 2) before anything is read: the same value written
   * in the train block is an error in the file (status 1), reported by {@link TrainConfig}.
   */
  private ParsedFlags checkFlagValues() {
    atLeastOne("--epochs", epochs);
    atLeastOne("--batch", batch);
    // 0 would silently mean "every image" to TrainConfig, the opposite of what was asked.
    atLeastOne("--limit-train", limitTrain);
    atLeastOne("--limit-test", limitTest);
    if (lr != null && !(lr > 0 && lr < Double.POSITIVE_INFINITY)) {
      throw new UsageError("--lr must be a positive number, not " + lr);
    }
    if (momentum != null && !(momentum >= 0 && momentum < 1)) {
      throw new UsageError("--momentum must be in [0, 1), not " + momentum);
    }
    if (weightDecay != null && !(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY)) {
      throw new UsageError("--weight-decay must be a number >= 0, not " + weightDecay);
    }
    return new ParsedFlags(
        backendFlag(),
        Given.of(schedule, t -> asUsage("--schedule", () -> LearningRateSchedule.parse(t))),
        Given.of(augment, t -> asUsage("--augment", () -> Augmentation.parse(t))),
        Given.of(preprocess, t -> asUsage("--preprocess", () -> Preprocessing.parse(t))),
        Given.of(limitMode, t -> asUsage("--limit-mode", () -> LimitMode.parse(t))));
  }

  /** The flags written as text, each parsed once. */
  private record ParsedFlags(
      Backend backend,
      Given<LearningRateSchedule> schedule,
      Given<Augmentation> augment,
      Given<Preprocessing> preprocess,
      Given<LimitMode> limitMode) {}

  private static void atLeastOne(String flag, Integer value) {
    if (value != null && value < 1) {
      throw new UsageError(flag + " must be at least 1, not " + value);
    }
  }

  /**
   * Runs a parser of a flag's text and returns its value, turning its complaint into bad usage of
   * that flag.
   */
  static <T> T asUsage(String flag, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (UserError e) {
      throw new UsageError(flag + ": " + e.getMessage());
    }
  }

  /**
   * A UTF-8 {@link PrintStream} that writes into a {@link PrintWriter}, for reporters that print to
   * streams while picocli hands commands writers.
   */
  private static final class WriterStream extends java.io.OutputStream {
    private final PrintWriter writer;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

    private WriterStream(PrintWriter writer) {
      this.writer = writer;
    }

    /** An auto-flushing print stream over {@code writer}. */
    static PrintStream of(PrintWriter writer) {
      return new PrintStream(
          new WriterStream(writer), true, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
      pending.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      pending.write(b, off, len);
    }

    /** Hands over what was written; PrintStream flushes whole lines, so no character is split. */
    @Override
    public synchronized void flush() {
      writer.write(pending.toString(java.nio.charset.StandardCharsets.UTF_8));
      pending.reset();
      writer.flush();
    }
  }
}
