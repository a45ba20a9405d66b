package convnet.runtime.data;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens a data set from the spec a user gives with {@code --data} and checks it against the
 * network's input shape.
 *
 * <p>Specs:
 *
 * <ul>
 *   <li>{@code fashion-mnist}: the full set in {@value #FASHION_MNIST_DIR} (Debian's {@code
 *       dataset-fashion-mnist}) when present, else the embedded subset;
 *   <li>{@code fashion-mnist-subset}: the embedded 6,000 + 1,000 image subset;
 *   <li>{@code idx:DIR}, {@code cifar10:DIR}, {@code folder:DIR};
 *   <li>a bare directory, whose layout is detected (IDX, CIFAR-10 batches, folder per class).
 * </ul>
 *
 * <p>Shape rules: IDX and CIFAR-10 images must have the network's H×W exactly (no silent padding or
 * resizing; {@link Preprocessing} pads or resizes when asked, see {@link #openAnySize}); a
 * one-channel data set feeds a three-channel network by replicating the gray channel; folder images
 * are resized and centre-cropped to H×W and read as gray or RGB as C asks. {@link
 * DataSplits#source()} is a one-line notice of what was opened, meant to be shown.
 */
public final class DataSets {
  /** Where Debian's {@code dataset-fashion-mnist} installs the IDX files. */
  public static final String FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

  /** System property that overrides {@link #FASHION_MNIST_DIR} (an empty value: never use it). */
  public static final String FASHION_MNIST_DIR_PROPERTY = "convnet.fashionMnistDir";

  static final String SUBSET_RESOURCE = "/convnet/data/fashion-mnist-subset/";

  private static final String FORMS =
      "expected fashion-mnist, fashion-mnist-subset, idx:DIR, "
          + "cifar10:DIR, folder:DIR or an existing directory";

  private DataSets() {}

  /** Opens {@code spec} for a network whose input is {@code channels × height × width}. */
  public static DataSplits open(String spec, int channels, int height, int width) {
    return open(spec, channels, height, width, FolderSplit.DEFAULT);
  }

  /** As {@link #open(String, int, int, int)}, with the split used for folder-per-class data. */
  public static DataSplits open(
      String spec, int channels, int height, int width, FolderSplit folderSplit) {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "bad input shape " + channels + "x" + height + "x" + width);
    }
    Source source = resolve(spec);
    if (source.kind == Kind.FOLDER) {
      return FolderReader.read(source.dir, channels, height, width, folderSplit);
    }
    return conform(spec, source.load(), channels, height, width);
  }

  /**
   * Opens {@code spec} for a network whose preprocessing resizes or pads the images: IDX and
   * CIFAR-10 images keep their own height and width (their channels are still conformed), and
   * folder images are read at {@code height × width}.
   */
  public static DataSplits openAnySize(String spec, int channels, int height, int width) {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "bad input shape " + channels + "x" + height + "x" + width);
    }
    Source source = resolve(spec);
    if (source.kind == Kind.FOLDER) {
      return FolderReader.read(source.dir, channels, height, width, FolderSplit.DEFAULT);
    }
    DataSplits data = source.load();
    return conform(spec, data, channels, data.train().height(), data.train().width());
  }

  /** The preprocessing step that turns images of {@code from} into {@code to} (height, width). */
  public static String sizeHint(int fromHeight, int fromWidth, int toHeight, int toWidth) {
    int p = (toHeight - fromHeight) / 2;
    boolean pads = p > 0 && toHeight - fromHeight == 2 * p && toWidth - fromWidth == 2 * p;
    return pads ? "pad(" + p + ")" : "resize(" + toHeight + "x" + toWidth + ")";
  }

  /**
   * Opens {@code spec} in its own shape, for inspection; folder-per-class data has no shape of its
   * own, so it needs {@link #open(String, int, int, int)}.
   */
  public static DataSplits openNative(String spec) {
    Source source = resolve(spec);
    if (source.kind == Kind.FOLDER) {
      throw new DataError(
          "data '"
              + spec
              + "': a folder of images has no fixed size; give the "
              + "network's input shape (CxHxW) to resize the images to");
    }
    return source.load();
  }

  /** What a spec resolves to, without reading any image. */
  public static String describe(String spec) {
    Source source = resolve(spec);
    return switch (source.kind) {
      case SUBSET -> "embedded Fashion-MNIST subset (classpath " + SUBSET_RESOURCE + ")";
      case IDX -> "IDX files in " + source.dir;
      case CIFAR10 -> "CIFAR-10 binary batches in " + source.dir;
      case FOLDER -> "image folders in " + source.dir;
    };
  }

  /** Whether spec names a folder-per-class data set (whose images are resized on load). */
  public static boolean isFolder(String spec) {
    return resolve(spec).kind == Kind.FOLDER;
  }

  private enum Kind {
    SUBSET,
    IDX,
    CIFAR10,
    FOLDER
  }

  private record Source(Kind kind, Path dir, boolean fashion, String notice) {
    DataSplits load() {
      return switch (kind) {
        case SUBSET -> {
          DataSplits d = loadSubset();
          yield notice == null ? d : new DataSplits(d.train(), d.test(), notice);
        }
        case IDX -> {
          DataSplits d =
              IdxReader.readDirectory(dir, fashion ? IdxReader.FASHION_MNIST_CLASSES : null);
          yield notice == null ? d : new DataSplits(d.train(), d.test(), notice);
        }
        case CIFAR10 -> Cifar10Reader.readDirectory(dir);
        case FOLDER -> throw new IllegalStateException("folder data needs a shape");
      };
    }
  }

  private static Source resolve(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new DataError("empty data spec (" + FORMS + ")");
    }
    String s = spec.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.equals("fashion-mnist")) {
      Path full = fullFashionMnistDir();
      if (full != null) {
        return new Source(
            Kind.IDX,
            full,
            true,
            "fashion-mnist: full data set (60,000 + 10,000 images) from " + full);
      }
      return new Source(
          Kind.SUBSET,
          null,
          true,
          "fashion-mnist: the full set is not installed "
              + "(Debian package dataset-fashion-mnist); using the embedded subset (6,000 + 1,000 "
              + "images, 600 + 100 per class)");
    }
    if (lower.equals("fashion-mnist-subset")) {
      return new Source(Kind.SUBSET, null, true, null);
    }
    int colon = s.indexOf(':');
    if (colon > 1) {
      String prefix = lower.substring(0, colon);
      Kind kind =
          switch (prefix) {
            case "idx" -> Kind.IDX;
            case "cifar10", "cifar-10" -> Kind.CIFAR10;
            case "folder" -> Kind.FOLDER;
            default -> null;
          };
      if (kind != null) {
        Path dir = path(spec, s.substring(colon + 1));
        if (!Files.isDirectory(dir)) {
          throw new DataError("data '" + spec + "': " + dir + " is not a directory");
        }
        return new Source(kind, dir, false, null);
      }
    }
    Path dir = path(spec, s);
    if (!Files.isDirectory(dir)) {
      throw new DataError(
          "data '" + spec + "': unknown data set and no such directory (" + FORMS + ")");
    }
    if (IdxReader.looksLikeIdx(dir)) {
      return new Source(Kind.IDX, dir, false, null);
    }
    if (Cifar10Reader.looksLikeCifar10(dir)) {
      return new Source(Kind.CIFAR10, dir, false, null);
    }
    if (FolderReader.looksLikeFolders(dir)) {
      return new Source(Kind.FOLDER, dir, false, null);
    }
    throw new DataError(
        "data '"
            + spec
            + "': cannot tell the layout of "
            + dir
            + ": it has no "
            + "train-images-idx3-ubyte[.gz] (IDX), no data_batch_1.bin or test_batch.bin (CIFAR-10) "
            + "and no class folders of .jpg/.png images");
  }

  private static Path path(String spec, String text) {
    if (text.isBlank()) {
      throw new DataError("data '" + spec + "': missing directory after the colon");
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new DataError("data '" + spec + "': bad path: " + e.getMessage());
    }
  }

  private static Path fullFashionMnistDir() {
    String configured = System.getProperty(FASHION_MNIST_DIR_PROPERTY, FASHION_MNIST_DIR);
    if (configured.isEmpty()) {
      return null;
    }
    Path dir = Path.of(configured);
    return IdxReader.looksLikeIdx(dir) ? dir : null;
  }

  /** The embedded class-balanced subset of Fashion-MNIST, read from the classpath. */
  public static DataSplits loadSubset() {
    Dataset train = subsetSplit("train");
    Dataset test = subsetSplit("t10k");
    return new DataSplits(
        train,
        test,
        "fashion-mnist-subset: embedded subset of Fashion-MNIST "
            + "(6,000 + 1,000 images, 600 + 100 per class)");
  }

  private static Dataset subsetSplit(String prefix) {
    String images = SUBSET_RESOURCE + prefix + "-images-idx3-ubyte.gz";
    String labels = SUBSET_RESOURCE + prefix + "-labels-idx1-ubyte.gz";
    return IdxReader.decode(
        "classpath:" + images,
        DataFiles.read("classpath:" + images, DataSets.class.getResourceAsStream(images)),
        "classpath:" + labels,
        DataFiles.read("classpath:" + labels, DataSets.class.getResourceAsStream(labels)),
        IdxReader.FASHION_MNIST_CLASSES);
  }

  /** Checks (and, for gray data on an RGB network, converts) both splits to the input shape. */
  static DataSplits conform(String spec, DataSplits data, int channels, int height, int width) {
    Dataset train = data.train();
    String found = train.shapeText();
    String wanted = channels + "x" + height + "x" + width;
    if (train.height() != height || train.width() != width) {
      throw new DataError(
          "data '"
              + spec
              + "' has images of "
              + found
              + " but the network's "
              + "input is "
              + wanted
              + ": images are not padded or resized silently; preprocess them "
              + "with "
              + sizeHint(train.height(), train.width(), height, width)
              + " (--preprocess, or "
              + "preprocess in the train block), change the network's input to "
              + channels
              + "x"
              + train.height()
              + "x"
              + train.width()
              + ", or use data of that size");
    }
    if (train.channels() == channels) {
      return data;
    }
    if (train.channels() == 1 && channels == 3) {
      return new DataSplits(
          train.grayToRgb(),
          data.test().grayToRgb(),
          data.source() + "; gray channel replicated to RGB");
    }
    throw new DataError(
        "data '"
            + spec
            + "' has "
            + train.channels()
            + "-channel images ("
            + found
            + ") but the network's input is "
            + wanted
            + " (only gray data on a 3-channel "
            + "network is converted, by replicating the channel)");
  }
}
