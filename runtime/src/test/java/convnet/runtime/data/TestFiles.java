package convnet.runtime.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Writes small IDX, CIFAR-10 and image-folder data sets for tests. */
final class TestFiles {
  private TestFiles() {}

  /** IDX images file bytes: n images of rows×columns, pixel value (i * 7 + p) mod 256. */
  static byte[] idxImages(int n, int rows, int columns) {
    ByteBuffer b = ByteBuffer.allocate(16 + n * rows * columns);
    b.putInt(0x803).putInt(n).putInt(rows).putInt(columns);
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < rows * columns; p++) {
        b.put((byte) pixelValue(i, p));
      }
    }
    return b.array();
  }

  static int pixelValue(int image, int position) {
    return (image * 7 + position) % 256;
  }

  /** IDX labels file bytes with label i mod classes. */
  static byte[] idxLabels(int n, int classes) {
    ByteBuffer b = ByteBuffer.allocate(8 + n);
    b.putInt(0x801).putInt(n);
    for (int i = 0; i < n; i++) {
      b.put((byte) (i % classes));
    }
    return b.array();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An IDX directory: train (nTrain) and t10k (nTest) images of 28x28, gz or raw. */
  static Path idxDirectory(Path dir, int nTrain, int nTest, int side, boolean gz) {
    String ext = gz ? ".gz" : "";
    write(
        dir.resolve("train-images-idx3-ubyte" + ext), maybeGzip(idxImages(nTrain, side, side), gz));
    write(dir.resolve("train-labels-idx1-ubyte" + ext), maybeGzip(idxLabels(nTrain, 10), gz));
    write(dir.resolve("t10k-images-idx3-ubyte" + ext), maybeGzip(idxImages(nTest, side, side), gz));
    write(dir.resolve("t10k-labels-idx1-ubyte" + ext), maybeGzip(idxLabels(nTest, 10), gz));
    return dir;
  }

  private static byte[] maybeGzip(byte[] b, boolean gz) {
    return gz ? gzip(b) : b;
  }

  /** CIFAR-10 records: label (first + r) mod 10, pixel byte (r * 3 + i) mod 256. */
  static byte[] cifarRecords(int records, int first) {
    byte[] b = new byte[records * 3073];
    for (int r = 0; r < records; r++) {
      b[r * 3073] = (byte) ((first + r) % 10);
      for (int i = 0; i < 3072; i++) {
        b[r * 3073 + 1 + i] = (byte) ((r * 3 + i) % 256);
      }
    }
    return b;
  }

  /** A CIFAR-10 directory with five training batches of {@code perBatch} and a test batch. */
  static Path cifarDirectory(Path dir, int perBatch, int test) {
    for (int k = 1; k <= 5; k++) {
      write(dir.resolve("data_batch_" + k + ".bin"), cifarRecords(perBatch, k));
    }
    write(dir.resolve("test_batch.bin"), cifarRecords(test, 0));
    return dir;
  }

  /** Writes a solid-colour image (PNG or JPEG by extension). */
  static void image(Path file, int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    writeImage(file, image);
  }

  static void writeImage(Path file, BufferedImage image) {
    String name = file.getFileName().toString();
    String format = name.endsWith(".png") ? "png" : "jpg";
    try {
      Files.createDirectories(file.getParent());
      if (!ImageIO.write(image, format, file.toFile())) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Random floats in [0, 1). */
  static float[] randomPixels(Random random, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextFloat();
    }
    return x;
  }
}
