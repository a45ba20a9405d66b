package convnet.runtime.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader of the CIFAR-10 binary version: {@code data_batch_1.bin} … {@code data_batch_5.bin}
 * (training) and {@code test_batch.bin}, each a sequence of 3073-byte records (a label byte, then
 * 1024 red, 1024 green and 1024 blue bytes of a 32×32 image, rows top to bottom).
 *
 * <p>The directory may be the one holding the batches or its parent holding {@code
 * cifar-10-batches-bin/}. Class names come from {@code batches.meta.txt} when present.
 */
public final class Cifar10Reader {
  static final int SIDE = 32;
  static final int RECORD_BYTES = 1 + 3 * SIDE * SIDE;
  static final int TRAINING_BATCHES = 5;

  /** The CIFAR-10 class names, by label. */
  public static final List<String> CLASSES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  private Cifar10Reader() {}

  /** Whether {@code dir} (or its {@code cifar-10-batches-bin}) holds CIFAR-10 batches. */
  public static boolean looksLikeCifar10(Path dir) {
    return Files.isRegularFile(batchDir(dir).resolve("data_batch_1.bin"))
        || Files.isRegularFile(batchDir(dir).resolve("test_batch.bin"));
  }

  private static Path batchDir(Path dir) {
    Path nested = dir.resolve("cifar-10-batches-bin");
    return Files.isDirectory(nested) ? nested : dir;
  }

  /** Reads the five training batches and the test batch. */
  public static DataSplits readDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DataError(
          dir
              + ": no such directory (expected CIFAR-10 binary batches "
              + "data_batch_1.bin … data_batch_5.bin and test_batch.bin)");
    }
    Path batches = batchDir(dir);
    List<String> names = classNames(batches);
    List<Path> trainFiles = new ArrayList<>();
    for (int k = 1; k <= TRAINING_BATCHES; k++) {
      trainFiles.add(require(batches, "data_batch_" + k + ".bin"));
    }
    Dataset train = read(trainFiles, names, batches + "/data_batch_[1-5].bin");
    Dataset test =
        read(
            List.of(require(batches, "test_batch.bin")),
            names,
            batches.resolve("test_batch.bin").toString());
    return new DataSplits(train, test, "CIFAR-10 binary batches in " + batches);
  }

  private static Path require(Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new DataError(dir + ": missing CIFAR-10 batch " + name);
    }
    return file;
  }

  private static List<String> classNames(Path dir) {
    Path meta = dir.resolve("batches.meta.txt");
    if (!Files.isRegularFile(meta)) {
      return CLASSES;
    }
    List<String> names = new ArrayList<>();
    for (String line : new String(DataFiles.read(meta), StandardCharsets.UTF_8).split("\\R")) {
      if (!line.isBlank()) {
        names.add(line.strip());
      }
    }
    if (names.isEmpty()) {
      throw new DataError(meta + ": no class names (expected one name per line)");
    }
    return names;
  }

  /** Reads and concatenates the records of {@code files}; {@code name} labels the result. */
  public static Dataset read(List<Path> files, List<String> classNames, String name) {
    List<byte[]> contents = new ArrayList<>();
    long records = 0;
    for (Path file : files) {
      byte[] bytes = DataFiles.read(file);
      if (bytes.length == 0) {
        throw new DataError(file + ": empty file (expected records of " + RECORD_BYTES + " bytes)");
      }
      if (bytes.length % RECORD_BYTES != 0) {
        throw new DataError(
            file
                + ": truncated or corrupt: "
                + bytes.length
                + " bytes is not a whole number of "
                + RECORD_BYTES
                + "-byte records ("
                + bytes.length / RECORD_BYTES
                + " records and "
                + bytes.length % RECORD_BYTES
                + " bytes left over)");
      }
      contents.add(bytes);
      records += bytes.length / RECORD_BYTES;
    }
    int plane = SIDE * SIDE;
    int imageSize = 3 * plane;
    if (records * imageSize > Integer.MAX_VALUE - 8) {
      throw new DataError(name + ": too many images (" + records + ") to hold in memory");
    }
    float[] pixels = new float[(int) records * imageSize];
    int[] labels = new int[(int) records];
    int image = 0;
    for (int f = 0; f < contents.size(); f++) {
      byte[] bytes = contents.get(f);
      for (int r = 0; r < bytes.length / RECORD_BYTES; r++, image++) {
        int base = r * RECORD_BYTES;
        int label = bytes[base] & 0xff;
        if (label >= classNames.size()) {
          throw new DataError(
              files.get(f)
                  + ": label "
                  + label
                  + " of record "
                  + r
                  + " is out of range: there are "
                  + classNames.size()
                  + " classes (0.."
                  + (classNames.size() - 1)
                  + ")");
        }
        labels[image] = label;
        // The record's channel-major layout is already NCHW for one image.
        int out = image * imageSize;
        for (int i = 0; i < imageSize; i++) {
          pixels[out + i] = (bytes[base + 1 + i] & 0xff) * (1f / 255f);
        }
      }
    }
    return new Dataset(name, 3, SIDE, SIDE, classNames, pixels, labels);
  }
}
