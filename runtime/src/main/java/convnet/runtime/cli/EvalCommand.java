package convnet.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.autodiff.Tensor;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.LimitMode;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.run.ConfusionMatrix;
import convnet.runtime.run.RunFolder;
import convnet.runtime.train.Evaluation;
import convnet.runtime.train.Evaluator;
import convnet.runtime.train.ModelBinding;
import convnet.runtime.train.TrainConfig;
import convnet.runtime.train.TrainingData;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convnet eval FILE --weights W.npz}: accuracy, loss and confusion matrix on a test split.
 */
@Command(
    name = "eval",
    header = "Measure the accuracy and loss of weights on a test split.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Evaluate weights on the test split of a data set: accuracy, mean",
      "cross-entropy loss, and the confusion matrix (rows: true class, columns:",
      "predicted class).",
      "",
      "When the weights lie in a run folder (next to its config.json), the run's",
      "data, preprocessing, --limit-test and --limit-mode are the defaults, so the",
      "accuracy is the one the run reported; otherwise the network's train block",
      "data and preprocessing (per-image standardization unless the block says",
      "otherwise). Weights holding NaN or an infinity are refused (exit status 1),",
      "naming the array and the first bad index.",
      ""
    })
public final class EvalCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The network (.cnn file).")
  Path file;

  @Option(
      names = "--weights",
      paramLabel = "W.npz",
      required = true,
      description = "The weights (.npz with every parameter of the network).")
  Path weights;

  @Option(
      names = "--data",
      paramLabel = "SPEC",
      description =
          "Data set, as for 'convnet train' (default: the run's, else the train " + "block's).")
  String data;

  @Option(
      names = "--preprocess",
      paramLabel = "P",
      description =
          "Input preprocessing, as for 'convnet train' (default: the run's, else the "
              + "train block's, else standardize).")
  String preprocess;

  @Option(
      names = "--limit-test",
      paramLabel = "N",
      description =
          "Use only N test images (default: the run's, else all), chosen by --limit-mode.")
  Integer limitTest;

  @Option(
      names = "--limit-mode",
      paramLabel = "M",
      description =
          "stratified (balanced over the classes, the first of each class in file order) "
              + "or first (the first N in the file); default: the run's, else stratified.")
  String limitMode;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Images per inference call (default: the run's, else the train block's).")
  Integer batch;

  @Option(
      names = "--backend",
      paramLabel = "B",
      defaultValue = "compiled",
      description = "compiled or interpreted (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(
      names = "--json",
      description =
          "Print one JSON object: accuracy, loss, images, correct, classes, confusion "
              + "(rows: true class), data, weights.")
  boolean json;

  @picocli.CommandLine.Mixin ThreadsOption threadsOption = new ThreadsOption();

  @Override
  public Integer call() throws Exception {
    threadsOption.apply();
    return OutOfMemory.guard("evaluating", this::work);
  }

  private Integer work() {
    BatchFlag.checkPositive(batch);
    // 0 would silently mean "every image", the opposite of what was asked.
    if (limitTest != null && limitTest < 1) {
      throw new UsageError("--limit-test must be at least 1, not " + limitTest);
    }
    Preprocessing prepFlag =
        preprocess == null
            ? null
            : TrainCommand.asUsage("--preprocess", () -> Preprocessing.parse(preprocess));
    LimitMode modeFlag =
        limitMode == null
            ? null
            : TrainCommand.asUsage("--limit-mode", () -> LimitMode.parse(limitMode));
    Backend chosen =
        Backend.named(backend)
            .orElseThrow(
                () ->
                    new UsageError("--backend " + backend + ": expected compiled or interpreted"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    NetworkModel network = NetworkModel.load(file, err);
    BatchFlag.check(batch, network);
    ModelBinding model = ModelBinding.of(network, err);
    if (network.classes() == 0) {
      throw new UserError(
          file
              + ": network '"
              + network.network().name()
              + "' has no "
              + "classifier (logistic N) to evaluate");
    }
    FileArgs.checkReadable(weights);
    // The weights come with the connection tables they were trained with.
    NetworkModel.Trained trained = network.loadTrained(weights);
    network = trained.model();
    model = ModelBinding.of(network, err);
    Map<String, Tensor> params = trained.weights();
    TrainConfig run = runConfig();
    String dataSpec =
        data != null
            ? data
            : run != null
                ? run.data()
                : TrainConfig.dataSpec(
                    network.network().train(), file.toAbsolutePath().getParent());
    Preprocessing prep =
        prepFlag != null
            ? prepFlag
            : run != null
                ? run.preprocessing()
                : TrainConfig.preprocessingOf(network.network().train());
    int limit = limitTest != null ? limitTest : run != null ? run.limitTest() : 0;
    int n = batch != null ? batch : run != null ? run.batch() : network.network().train().batch();
    LimitMode mode =
        modeFlag != null ? modeFlag : run != null ? run.limitModeValue() : LimitMode.DEFAULT;
    DataSplits splits = TrainingData.open(network.network(), dataSpec, prep, 0, limit, mode);
    Evaluator evaluator =
        new Evaluator(model.prepare(model.inferenceFunction(n), chosen), n, network.classes());
    Evaluation e = evaluator.evaluate(splits.test(), params);
    if (json) {
      out.println(toJson(e, splits.source(), weights));
    } else {
      out.printf(Locale.ROOT, "data: %s; %d test images%n", splits.source(), e.images());
      out.printf(
          Locale.ROOT,
          "accuracy %.2f%% (%d of %d), loss %.4f%n",
          100 * e.accuracy(),
          e.confusion().correct(),
          e.images(),
          e.loss());
      out.print(e.confusion().toText());
    }
    out.flush();
    return 0;
  }

  /** The settings of the run the weights belong to, when they sit in a run folder. */
  private TrainConfig runConfig() {
    Path dir = weights.toAbsolutePath().getParent();
    Path config = dir == null ? null : dir.resolve("config.json");
    if (config == null || !Files.isRegularFile(config)) {
      return null;
    }
    return RunFolder.readJson(config, TrainConfig.class);
  }

  static String toJson(Evaluation e, String source, Path weights) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode o = mapper.createObjectNode();
    o.put("accuracy", e.accuracy());
    o.put("loss", e.loss());
    o.put("images", e.images());
    o.put("correct", e.confusion().correct());
    ConfusionMatrix m = e.confusion();
    ArrayNode classes = o.putArray("classes");
    m.classNames().forEach(classes::add);
    ArrayNode rows = o.putArray("confusion");
    for (int t = 0; t < m.classCount(); t++) {
      ArrayNode row = rows.addArray();
      for (int p = 0; p < m.classCount(); p++) {
        row.add(m.count(t, p));
      }
    }
    o.put("data", source);
    o.put("weights", weights.toString());
    return o.toString();
  }
}
