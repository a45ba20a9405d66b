package convnet.runtime.cli;

import convnet.runtime.data.Augmentation;
import convnet.runtime.data.DataError;
import convnet.runtime.data.DataSets;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Dataset;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.errors.UsageError;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.see.ImageGrid;
import convnet.runtime.see.Tile;
import convnet.runtime.train.TrainConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet augment FILE|SPEC --out grid.png}: training images beside augmented versions. */
@Command(
    name = "augment",
    header = "Preview an augmentation beside the original images.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Preview an augmentation: each row shows a training image, then augmented",
      "versions of it as epochs 1, 2, ... of a run with this seed would see them.",
      "The argument is a .cnn file (its train block's augment and data) or an",
      "augmentation such as 'flip,rotate(degrees=10),elastic(sigma=4,alpha=34)'.",
      "Images are preprocessed as in training (standardised by default), so pixels",
      "brought in from outside the image show the image's mean grey.",
      ""
    })
public final class AugmentCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE|SPEC",
      description = "A network file with a train block, or an augmentation.")
  String source;

  @Option(
      names = "--data",
      paramLabel = "SPEC",
      description =
          "Data set, as for 'convnet train' (default: the network's, else "
              + "fashion-mnist-subset).")
  String data;

  @Option(
      names = "--images",
      paramLabel = "N",
      defaultValue = "8",
      description = "Training images, one per row (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--versions",
      paramLabel = "K",
      defaultValue = "6",
      description = "Augmented versions beside each image (default: ${DEFAULT-VALUE}).")
  int versions;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description = "The run seed the augmentation draws from (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--preprocess",
      paramLabel = "P",
      description =
          "Preprocessing before augmenting, as for 'convnet train' (default: " + "standardize).")
  String preprocess;

  @Option(names = "--out", paramLabel = "PNG", required = true, description = "The image to write.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (images < 1 || images > 256) {
      throw new UsageError("--images must be between 1 and 256, not " + images);
    }
    if (versions < 1 || versions > 64) {
      throw new UsageError("--versions must be between 1 and 64, not " + versions);
    }
    Preprocessing prep =
        preprocess == null
            ? Preprocessing.DEFAULT
            : TrainCommand.asUsage("--preprocess", () -> Preprocessing.parse(preprocess));
    FileArgs.checkWritable("--out", out);
    Augmentation augmentation;
    String dataSpec = data;
    Path file = Path.of(source);
    if (source.endsWith(".cnn") || Files.isRegularFile(file)) {
      FileArgs.checkNotAnInput("--out", out, file);
      NetworkModel model = NetworkModel.load(file, spec.commandLine().getErr());
      augmentation = new Augmentation(model.network().train().augment());
      if (dataSpec == null) {
        dataSpec = TrainConfig.dataSpec(model.network().train(), file.toAbsolutePath().getParent());
      }
    } else {
      try {
        augmentation = Augmentation.parse(source);
      } catch (DataError e) {
        throw new UsageError(e.getMessage() + "; or give a .cnn file");
      }
      if (dataSpec == null) {
        dataSpec = "fashion-mnist-subset";
      }
    }
    DataSplits splits = prep.apply(DataSets.openNative(dataSpec));
    Dataset train = splits.train();
    augmentation.checkFits(train.height(), train.width());
    if (train.channels() != 1 && train.channels() != 3) {
      throw new DataError(
          "data '"
              + dataSpec
              + "' has "
              + train.channels()
              + " maps per image; "
              + "the preview draws 1 (grey) or 3 (colour)");
    }
    List<List<Tile>> rows =
        rows(augmentation, train, Math.min(images, train.size()), versions, seed);
    ImageGrid.writePng(
        out, ImageGrid.draw(rows, ImageGrid.zoomFor(train.height(), train.width(), 84), 3));
    PrintWriter o = spec.commandLine().getOut();
    o.println(
        "wrote "
            + out
            + ": "
            + rows.size()
            + " images of "
            + splits.source()
            + ", each "
            + "followed by "
            + versions
            + " versions under augmentation "
            + augmentation);
    o.flush();
    return 0;
  }

  /**
   * Row i: training image i, then its augmented versions for epochs 0..versions−1, all shown with
   * the original's range so that brightness compares across the row.
   */
  static List<List<Tile>> rows(
      Augmentation augmentation, Dataset train, int images, int versions, long seed) {
    int c = train.channels();
    int h = train.height();
    int w = train.width();
    int size = train.imageSize();
    float[] scratch = new float[size];
    List<List<Tile>> rows = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      float[] original = new float[size];
      train.copyImage(i, original, 0);
      double[] range = Tile.range(original);
      List<Tile> row = new ArrayList<>();
      row.add(new Tile(original, c, h, w, range[0], range[1]));
      for (int epoch = 0; epoch < versions; epoch++) {
        float[] x = original.clone();
        augmentation.apply(x, 0, c, h, w, seed, epoch, i, scratch);
        row.add(new Tile(x, c, h, w, range[0], range[1]));
      }
      rows.add(row);
    }
    return rows;
  }
}
