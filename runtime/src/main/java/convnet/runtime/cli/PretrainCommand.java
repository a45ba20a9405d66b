package convnet.runtime.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import convnet.dsl.Network;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.pretrain.PretrainReport;
import convnet.runtime.pretrain.Pretrainer;
import convnet.runtime.pretrain.PsdSettings;
import convnet.runtime.run.RunFolder;
import convnet.runtime.train.ModelBinding;
import convnet.runtime.train.Protocol;
import convnet.runtime.train.TrainConfig;
import convnet.runtime.train.TrainingData;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convnet pretrain FILE}: unsupervised pre-training of a network's filter stages by
 * predictive sparse decomposition, without the supervised training that follows in {@code convnet
 * train} for protocols with U or U+.
 */
@Command(
    name = "pretrain",
    header = "Pre-train filter stages without labels (protocols U and U+).",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Pre-train filter stages without labels by predictive sparse decomposition",
      "(Kavukcuoglu, Ranzato and LeCun 2008), from the lowest stage up, each on the",
      "outputs of the layers below it; the settings come from the train block's",
      "pretrain = psd(lambda=0.5, alpha=1, epochs=2, steps=10, lr=0.1) (these are the",
      "defaults), its batch, seed and data.",
      "",
      "Stages pre-trained: those the protocol marks U or U+, or every conv stage when",
      "it marks none; --stage K stops after stage K.",
      "",
      "The folder (runs/<network>-pretrain-<date>-<time> unless --run is given) gets",
      "config.json, metrics.csv (per stage and epoch: reconstruction error, mean |z|,",
      "prediction error, seconds), a checkpoint after every epoch, weights.npz (the",
      "network's weights and each stage's dictionary <layer>.decoder) and",
      "dictionary.png (the lowest stage's dictionary). --resume DIR continues a",
      "stopped pre-training and ends with bitwise the weights of one never stopped.",
      ""
    },
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {
      "0:every stage pre-trained",
      "1:error in the network (its train block included) or data, or pre-training diverged",
      "2:bad usage, a bad flag value included",
      "130:stopped (Ctrl-C); resume with --resume"
    })
public final class PretrainCommand extends RunFlags implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The network (.cnn file).")
  Path file;

  @Option(
      names = "--stage",
      paramLabel = "K",
      description = "Pre-train conv stages up to K (from 1) only.")
  Integer stage;

  @Option(
      names = "--out",
      paramLabel = "W.npz",
      description = "Also write the weights and dictionaries to this .npz file.")
  Path out;

  @Option(
      names = "--limit-train",
      paramLabel = "N",
      description = "Use only the first N training images.")
  Integer limitTrain;

  @Option(
      names = "--run",
      paramLabel = "DIR",
      description = "Folder to create for the pre-training (must be absent or empty).")
  Path run;

  @Option(
      names = "--resume",
      paramLabel = "DIR",
      description = "Continue the stopped pre-training in DIR.")
  Path resume;

  @Option(
      names = "--json",
      description =
          "Print one JSON object per stage and epoch (phase \"pretrain\", stage, layer, "
              + "epoch, reconstruction_error, mean_abs_code, prediction_error, seconds) instead of "
              + "the progress bar.")
  boolean json;

  @Option(
      names = "--stop-after-batches",
      paramLabel = "N",
      hidden = true,
      description = "Stop as on Ctrl-C after N batches (for tests and scripts).")
  Long stopAfterBatches;

  /** What a pre-training folder's {@code config.json} holds, so that a resume repeats the run. */
  record Config(
      @JsonProperty("network") String network,
      @JsonProperty("network_sha256") String networkSha256,
      @JsonProperty("data") String data,
      @JsonProperty("preprocess") Preprocessing preprocess,
      @JsonProperty("stages") List<Integer> stages,
      @JsonProperty("batch") int batch,
      @JsonProperty("seed") long seed,
      @JsonProperty("limit_train") int limitTrain,
      @JsonProperty("pretrain") String pretrain) {}

  @Override
  public Integer call() throws Exception {
    return OutOfMemory.guard("pre-training", this::work);
  }

  private Integer work() throws Exception {
    if (run != null && resume != null) {
      throw new UsageError(
          "--run and --resume exclude each other: --resume continues the "
              + "pre-training in its own folder");
    }
    if (stage != null && stage < 1) {
      throw new UsageError("--stage must be at least 1, not " + stage);
    }
    BatchFlag.checkPositive(batch);
    if (limitTrain != null && limitTrain < 1) {
      throw new UsageError("--limit-train must be at least 1, not " + limitTrain);
    }
    Backend backendGiven = backendFlag();
    Preprocessing prepFlag =
        preprocess == null
            ? null
            : TrainCommand.asUsage("--preprocess", () -> Preprocessing.parse(preprocess));
    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new UsageError("--out " + out + ": the folder " + parent + " does not exist");
      }
      if (Files.exists(out) && Files.exists(file) && Files.isSameFile(out, file)) {
        throw new UsageError("--out " + out + " is the network file; choose another name");
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    NetworkModel model = NetworkModel.load(file, err);
    Network network = model.network();
    int convStages = network.convStages().size();
    if (stage != null && stage > convStages) {
      throw new UsageError(
          "--stage "
              + stage
              + ": network '"
              + network.name()
              + "' has "
              + convStages
              + " conv stage"
              + (convStages == 1 ? "" : "s"));
    }
    BatchFlag.check(batch, model);
    String sha = sha256(file);
    Config config;
    Path dir;
    if (resume != null) {
      dir = resume;
      if (!Files.isRegularFile(dir.resolve("config.json"))
          || !Files.isRegularFile(dir.resolve("checkpoint.npz"))) {
        throw new UserError(
            dir
                + ": not a pre-training folder to resume (it needs config.json "
                + "and checkpoint.npz)");
      }
      config = RunFolder.readJson(dir.resolve("config.json"), Config.class);
      if (!config.networkSha256().equals(sha)) {
        throw new UserError(
            file
                + ": not the network the pre-training in "
                + dir
                + " was started "
                + "with (its contents differ from the saved fingerprint); resume with the original "
                + "file");
      }
      if (data != null
          || protocol != null
          || batch != null
          || seed != null
          || preprocess != null
          || limitTrain != null
          || stage != null) {
        throw new UsageError(
            "--resume continues a pre-training with its saved settings "
                + "(config.json); only --backend, --out and --json may be given with it");
      }
    } else {
      List<Integer> stages = stagesToTrain(network, convStages);
      config =
          new Config(
              file.getFileName().toString(),
              sha,
              data != null
                  ? data
                  : TrainConfig.dataSpec(network.train(), file.toAbsolutePath().getParent()),
              prepFlag != null ? prepFlag : TrainConfig.preprocessingOf(network.train()),
              stages,
              batch != null ? batch : network.train().batch(),
              seed != null ? seed : network.train().seed(),
              limitTrain != null ? limitTrain : 0,
              PsdSettings.of(network.train().pretrain()).toString());
      dir = null;
    }
    PsdSettings settings = PsdSettings.of(network.train().pretrain());
    ModelBinding binding = ModelBinding.of(model, err);
    Backend backendUsed = backendGiven != null ? backendGiven : Backend.DEFAULT;
    Pretrainer pretrainer =
        new Pretrainer(
            network, settings, config.batch(), config.seed(), f -> binding.prepare(f, backendUsed));
    List<Pretrainer.Stage> stages = pretrainer.stages(config.stages());
    DataSplits splits =
        TrainingData.open(network, config.data(), config.preprocess(), config.limitTrain(), 0);
    convnet.runtime.data.Batches.training(
        splits.train(), config.batch(), config.seed(), convnet.runtime.data.Augmentation.NONE);
    if (dir == null) {
      dir =
          run != null
              ? RunFolder.createAt(run).dir()
              : RunFolder.createDefault(network.name() + "-pretrain").dir();
      RunFolder.writeJson(dir.resolve("config.json"), config);
    }
    PrintStream stdout =
        new PrintStream(
            new WriterOutput(spec.commandLine().getOut()), true, StandardCharsets.UTF_8);
    AtomicStop stop = new AtomicStop(stopAfterBatches);
    Thread hook = stop.hook();
    Runtime.getRuntime().addShutdownHook(hook);
    long started = System.nanoTime();
    try {
      if (!json) {
        stdout.println(
            (resume != null ? "resuming " : "pre-training in ")
                + dir
                + "\ndata: "
                + splits.source()
                + "; "
                + splits.train().size()
                + " training images\nstages "
                + String.join(
                    ", ",
                    stages.stream()
                        .map(s -> (s.convStage() + 1) + " (" + s.filter().name() + ")")
                        .toList())
                + "; "
                + settings
                + "; batch "
                + config.batch()
                + "; seed "
                + config.seed());
      }
      Pretrainer.Result result;
      try (PretrainReport report = PretrainReport.console(stdout, json)) {
        result =
            pretrainer.run(
                model.init(config.seed()), stages, splits.train(), dir, report, stop::test);
      }
      if (!result.finished()) {
        stdout.println(
            json
                ? "{\"interrupted\":true,\"phase\":\"pretrain\",\"folder\":"
                    + com.fasterxml.jackson.databind.node.TextNode.valueOf(dir.toString())
                    + "}"
                : "stopped; the checkpoint of the last finished epoch is kept. Continue with:\n"
                    + "  convnet pretrain "
                    + file
                    + " --resume "
                    + dir);
        return TrainCommand.EXIT_STOPPED;
      }
      Pretrainer.writeOutputs(dir, result.weights(), stages);
      if (out != null) {
        NetworkModel.saveWeights(out, result.weights());
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      if (json) {
        stdout.println(
            String.format(
                Locale.ROOT,
                "{\"final\":true,\"phase\":\"pretrain\","
                    + "\"seconds\":%.3f,\"weights\":%s,\"dictionary\":%s}",
                seconds,
                com.fasterxml.jackson.databind.node.TextNode.valueOf(
                    (out != null ? out : dir.resolve("weights.npz")).toString()),
                com.fasterxml.jackson.databind.node.TextNode.valueOf(
                    dir.resolve("dictionary.png").toString())));
      } else {
        stdout.println(
            String.format(
                Locale.ROOT,
                "done in %.1f s: weights %s%s, dictionary %s",
                seconds,
                dir.resolve("weights.npz"),
                out != null ? " and " + out : "",
                dir.resolve("dictionary.png")));
      }
      return 0;
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

  /** The conv stages (from 0) to pre-train: the protocol's U and U+, else all; up to --stage. */
  private List<Integer> stagesToTrain(Network network, int convStages) {
    Protocol p;
    if (protocol != null) {
      p = usage("--protocol", () -> Protocol.parse(protocol, convStages));
    } else {
      p = Protocol.of(network.train().protocol());
    }
    List<Integer> marked = p.unsupervisedStages();
    List<Integer> out = new ArrayList<>();
    for (int s = 0; s < convStages; s++) {
      if ((marked.isEmpty() || marked.contains(s)) && (stage == null || s < stage)) {
        out.add(s);
      }
    }
    if (out.isEmpty()) {
      throw new UsageError(
          "--stage "
              + stage
              + ": the protocol "
              + p
              + " marks no stage up to "
              + stage
              + " for pre-training (U or U+)");
    }
    return out;
  }

  private static <T> T usage(String flag, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (UserError e) {
      throw new UsageError(flag + ": " + e.getMessage());
    }
  }

  private static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.io.IOException e) {
      throw UserError.io(file, "read", e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /**
   * Ctrl-C asks the pre-training to stop at the next batch and waits until its checkpoint is kept.
   */
  private static final class AtomicStop {
    private final Long afterBatches;
    private volatile boolean requested;
    private final CountDownLatch done = new CountDownLatch(1);

    AtomicStop(Long afterBatches) {
      this.afterBatches = afterBatches;
    }

    boolean test(long batches) {
      return requested || (afterBatches != null && batches >= afterBatches);
    }

    void markDone() {
      done.countDown();
    }

    Thread hook() {
      return new Thread(
          () -> {
            requested = true;
            try {
              done.await(300, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          },
          "convnet-pretrain-stop");
    }
  }

  /** Bytes to a {@link PrintWriter}, handed over at each flush (whole lines from PrintStream). */
  private static final class WriterOutput extends java.io.OutputStream {
    private final PrintWriter writer;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

    WriterOutput(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public synchronized void write(int b) {
      pending.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      pending.write(b, off, len);
    }

    @Override
    public synchronized void flush() {
      writer.write(pending.toString(StandardCharsets.UTF_8));
      pending.reset();
      writer.flush();
    }
  }
}
