package convnet.runtime.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reader of the IDX format of MNIST and Fashion-MNIST: an images file (magic 0x00000803, n × rows ×
 * columns unsigned bytes) and a labels file (magic 0x00000801, n unsigned bytes), raw or
 * gzip-compressed.
 *
 * <p>A directory holds {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code
 * t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each optionally with {@code .gz}.
 * Class names come from an optional {@code classes.txt} (one name per line); without it there are
 * ten classes named {@code 0}..{@code 9}.
 */
public final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  /** The most values one Java array holds (the JVM's limit is a few below Integer.MAX_VALUE). */
  static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  /** Class names of Fashion-MNIST, by label. */
  public static final List<String> FASHION_MNIST_CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** Class names of MNIST digits, by label. */
  public static final List<String> DIGIT_CLASSES =
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  private IdxReader() {}

  /** Whether {@code dir} looks like an IDX directory (has a training images file). */
  public static boolean looksLikeIdx(Path dir) {
    return Files.isRegularFile(dir.resolve("train-images-idx3-ubyte"))
        || Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"));
  }

  /**
   * Reads both splits from an IDX directory, with class names from {@code classes.txt} or digits.
   */
  public static DataSplits readDirectory(Path dir) {
    return readDirectory(dir, null);
  }

  /**
   * Reads both splits from an IDX directory; {@code classNames} null means {@code classes.txt} in
   * the directory, else the ten digit names.
   */
  public static DataSplits readDirectory(Path dir, List<String> classNames) {
    if (!Files.isDirectory(dir)) {
      throw new DataError(
          dir + ": no such directory (expected IDX files " + "train-images-idx3-ubyte[.gz] etc.)");
    }
    List<String> names = classNames != null ? classNames : classNamesIn(dir);
    Dataset train =
        read(find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"), names);
    Dataset test =
        read(find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte"), names);
    return new DataSplits(train, test, "IDX files in " + dir);
  }

  private static List<String> classNamesIn(Path dir) {
    Path file = dir.resolve("classes.txt");
    if (!Files.isRegularFile(file)) {
      return DIGIT_CLASSES;
    }
    List<String> names = new ArrayList<>();
    for (String line :
        new String(DataFiles.read(file), java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
      if (!line.isBlank()) {
        names.add(line.strip());
      }
    }
    if (names.isEmpty()) {
      throw new DataError(file + ": no class names (expected one name per line)");
    }
    return names;
  }

  private static Path find(Path dir, String stem) {
    Path raw = dir.resolve(stem);
    if (Files.isRegularFile(raw)) {
      return raw;
    }
    Path gz = dir.resolve(stem + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new DataError(dir + ": missing IDX file " + stem + " (or " + stem + ".gz)");
  }

  /** Reads one split from an images file and a labels file. */
  public static Dataset read(Path images, Path labels, List<String> classNames) {
    return decode(
        images.toString(),
        DataFiles.read(images),
        labels.toString(),
        DataFiles.read(labels),
        classNames);
  }

  /** Decodes one split from the (decompressed) bytes of an images file and a labels file. */
  static Dataset decode(
      String imagesName,
      byte[] imageBytes,
      String labelsName,
      byte[] labelBytes,
      List<String> classNames) {
    checkMagic(imagesName, imageBytes, IMAGES_MAGIC, "images");
    if (imageBytes.length < 16) {
      throw new DataError(
          imagesName
              + ": truncated: "
              + imageBytes.length
              + " bytes, shorter than the 16-byte IDX images header");
    }
    // The header's sizes are unsigned 32-bit; read as long so no product below can overflow.
    long n = DataFiles.uint32(imageBytes, 4);
    long rows = DataFiles.uint32(imageBytes, 8);
    long columns = DataFiles.uint32(imageBytes, 12);
    checkDimension(imagesName, "2 (rows per image)", rows, 1);
    checkDimension(imagesName, "3 (columns per image)", columns, 1);
    long pixelsPerImage = rows * columns;
    if (pixelsPerImage > MAX_VALUES) {
      throw new DataError(
          String.format(
              Locale.ROOT,
              "%s: corrupt header: images of %dx%d (dimensions 2 "
                  + "and 3) would hold %,d pixels each, more than the %,d values one array holds",
              imagesName,
              rows,
              columns,
              pixelsPerImage,
              MAX_VALUES));
    }
    // n < 2^32 and pixelsPerImage < 2^31, so this fits a long; the file length bounds n from here.
    long expected = 16L + n * pixelsPerImage;
    if (imageBytes.length < expected) {
      throw new DataError(
          imagesName
              + ": truncated: the header says "
              + n
              + " images of "
              + rows
              + "x"
              + columns
              + " ("
              + expected
              + " bytes) but the file has "
              + imageBytes.length);
    }
    if (imageBytes.length > expected) {
      throw new DataError(
          imagesName
              + ": corrupt: "
              + (imageBytes.length - expected)
              + " bytes after the "
              + n
              + " images the header announces");
    }
    checkMagic(labelsName, labelBytes, LABELS_MAGIC, "labels");
    if (labelBytes.length < 8) {
      throw new DataError(
          labelsName
              + ": truncated: "
              + labelBytes.length
              + " bytes, shorter than the 8-byte IDX labels header");
    }
    long labelCount = DataFiles.uint32(labelBytes, 4);
    if (labelCount != n) {
      throw new DataError(
          labelsName + ": " + labelCount + " labels but " + imagesName + " has " + n + " images");
    }
    if (labelBytes.length != 8L + n) {
      throw new DataError(
          labelsName
              + ": "
              + (labelBytes.length < 8L + n ? "truncated" : "corrupt")
              + ": the header says "
              + n
              + " labels ("
              + (8L + n)
              + " bytes) but the file has "
              + labelBytes.length);
    }
    // The file lengths matched the header, so every count below fits an int.
    int count = (int) n;
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      int label = labelBytes[8 + i] & 0xff;
      if (label >= classNames.size()) {
        throw new DataError(
            labelsName
                + ": label "
                + label
                + " of image "
                + i
                + " is out of range: there are "
                + classNames.size()
                + " classes (0.."
                + (classNames.size() - 1)
                + ")");
      }
      labels[i] = label;
    }
    float[] pixels = new float[Math.toIntExact(n * pixelsPerImage)];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (imageBytes[16 + i] & 0xff) * (1f / 255f);
    }
    return new Dataset(imagesName, 1, (int) rows, (int) columns, classNames, pixels, labels);
  }

  /**
   * Refuses a header dimension below {@code min} or larger than one Java array can index, naming
   * the dimension: such a value is a corrupt header, never a real data set.
   */
  private static void checkDimension(String file, String dimension, long value, long min) {
    if (value < min || value > MAX_VALUES) {
      throw new DataError(
          String.format(
              Locale.ROOT,
              "%s: corrupt header: dimension %s is %,d; " + "expected %d to %,d",
              file,
              dimension,
              value,
              min,
              MAX_VALUES));
    }
  }

  private static void checkMagic(String name, byte[] bytes, int magic, String what) {
    if (bytes.length < 4) {
      throw new DataError(name + ": truncated: " + bytes.length + " bytes, no IDX header");
    }
    int found = DataFiles.int32(bytes, 0);
    if (found != magic) {
      throw new DataError(
          String.format(
              "%s: wrong magic number 0x%08x: not an IDX %s file (expected 0x%08x)",
              name, found, what, magic));
    }
  }
}
