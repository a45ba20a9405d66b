package convnet.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.runtime.data.DataSets;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Dataset;
import convnet.runtime.data.FolderSplit;
import convnet.runtime.errors.UsageError;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet data SPEC}: shows what a data spec resolves to, to check a {@code --data}. */
@Command(
    name = "data",
    header = "Show what a data spec resolves to.",
    mixinStandardHelpOptions = true,
    description = {
      "Show what a data spec resolves to: source, image shape, classes, images per",
      "split.",
      "",
      "SPEC is one of:",
      "  fashion-mnist         the full set if Debian's dataset-fashion-mnist is",
      "                        installed, else the embedded subset",
      "  fashion-mnist-subset  6,000 + 1,000 images shipped with convnet",
      "  idx:DIR               MNIST-style IDX files (raw or .gz)",
      "  cifar10:DIR           CIFAR-10 binary batches",
      "  folder:DIR            one folder of JPEG/PNG images per class",
      "  DIR                   a directory whose layout is detected"
    })
public final class DataCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SPEC", description = "The data set.")
  String dataSpec;

  @Option(
      names = "--input",
      paramLabel = "CxHxW",
      description =
          "A network input shape to check the data against (required for folder data,"
              + " whose images are resized to it).")
  String input;

  @Option(
      names = "--test-fraction",
      paramLabel = "F",
      defaultValue = "0.2",
      description = "Folder data: fraction of each class for testing (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(
      names = "--train-per-class",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Folder data: N training images per class, the rest for testing"
              + " (overrides --test-fraction).")
  int trainPerClass;

  @Option(
      names = "--split-seed",
      paramLabel = "N",
      defaultValue = "0",
      description = "Folder data: seed of the train/test split (default: ${DEFAULT-VALUE}).")
  long splitSeed;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    return OutOfMemory.guard("loading the data", this::work);
  }

  private Integer work() {
    PrintWriter out = spec.commandLine().getOut();
    // Checked for every spec, so that a bad value is never silently ignored.
    FolderSplit split = folderSplit();
    DataSplits data;
    if (input == null) {
      if (DataSets.isFolder(dataSpec)) {
        throw new UsageError(
            "folder data needs --input CxHxW: its images are resized to the " + "network's input");
      }
      data = DataSets.openNative(dataSpec);
    } else {
      int[] shape = parseShape(input);
      data = DataSets.open(dataSpec, shape[0], shape[1], shape[2], split);
    }
    if (json) {
      out.println(toJson(data));
    } else {
      out.print(toText(data));
    }
    out.flush();
    return 0;
  }

  private FolderSplit folderSplit() {
    if (trainPerClass < 0) {
      throw new UsageError("--train-per-class must not be negative");
    }
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw new UsageError("--test-fraction must be in [0, 1), not " + testFraction);
    }
    return trainPerClass > 0
        ? FolderSplit.perClass(trainPerClass, 0, splitSeed)
        : FolderSplit.fraction(testFraction, splitSeed);
  }

  static int[] parseShape(String text) {
    String[] parts = text.strip().toLowerCase(java.util.Locale.ROOT).split("x");
    if (parts.length != 3) {
      throw new UsageError("--input '" + text + "': expected CxHxW, e.g. 1x28x28");
    }
    int[] shape = new int[3];
    for (int i = 0; i < 3; i++) {
      try {
        shape[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        shape[i] = -1;
      }
      if (shape[i] <= 0) {
        throw new UsageError(
            "--input '" + text + "': expected CxHxW with positive sizes, e.g. " + "1x28x28");
      }
    }
    return shape;
  }

  static String toText(DataSplits data) {
    Dataset train = data.train();
    StringBuilder sb = new StringBuilder();
    sb.append("source:  ").append(data.source()).append('\n');
    sb.append("shape:   ").append(train.shapeText()).append(" (channels x height x width)\n");
    sb.append("train:   ").append(train.size()).append(" images\n");
    sb.append("test:    ").append(data.test().size()).append(" images\n");
    sb.append("classes: ").append(train.classCount()).append('\n');
    int[] trainCounts = train.countsPerClass();
    int[] testCounts = data.test().countsPerClass();
    int nameWidth = "class".length();
    for (String name : train.classNames()) {
      nameWidth = Math.max(nameWidth, name.length());
    }
    sb.append(
        String.format(
            java.util.Locale.ROOT,
            "  %5s  %-" + nameWidth + "s %8s %8s%n",
            "label",
            "class",
            "train",
            "test"));
    for (int c = 0; c < train.classCount(); c++) {
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              "  %5d  %-" + nameWidth + "s %8d %8d%n",
              c,
              train.classNames().get(c),
              trainCounts[c],
              testCounts[c]));
    }
    return sb.toString();
  }

  static String toJson(DataSplits data) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode o = mapper.createObjectNode();
    Dataset train = data.train();
    o.put("source", data.source());
    ArrayNode shape = o.putArray("shape");
    shape.add(train.channels()).add(train.height()).add(train.width());
    o.put("train", train.size());
    o.put("test", data.test().size());
    ArrayNode classes = o.putArray("classes");
    int[] trainCounts = train.countsPerClass();
    int[] testCounts = data.test().countsPerClass();
    for (int c = 0; c < train.classCount(); c++) {
      ObjectNode k = classes.addObject();
      k.put("label", c);
      k.put("name", train.classNames().get(c));
      k.put("train", trainCounts[c]);
      k.put("test", testCounts[c]);
    }
    return o.toString();
  }
}
