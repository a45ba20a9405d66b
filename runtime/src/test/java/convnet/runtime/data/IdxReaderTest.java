package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void readsRawAndGzipDirectories(boolean gz) {
    TestFiles.idxDirectory(dir, 23, 11, 5, gz);
    DataSplits data = IdxReader.readDirectory(dir);
    Dataset train = data.train();
    assertEquals(23, train.size());
    assertEquals(11, data.test().size());
    assertEquals("1x5x5", train.shapeText());
    assertEquals(IdxReader.DIGIT_CLASSES, train.classNames());
    for (int i = 0; i < train.size(); i++) {
      assertEquals(i % 10, train.label(i));
      for (int p = 0; p < 25; p++) {
        assertEquals(
            TestFiles.pixelValue(i, p) / 255f,
            train.pixel(i, 0, p / 5, p % 5),
            1e-7,
            "image " + i + " pixel " + p);
      }
    }
  }

  @Test
  void classNamesFromClassesTxt() throws Exception {
    TestFiles.idxDirectory(dir, 10, 10, 4, false);
    Files.writeString(dir.resolve("classes.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
    assertEquals(
        List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"),
        IdxReader.readDirectory(dir).train().classNames());
  }

  @Test
  void fewerClassNamesThanLabelsIsLabelOutOfRange() throws Exception {
    TestFiles.idxDirectory(dir, 10, 10, 4, false);
    Files.writeString(dir.resolve("classes.txt"), "a\nb\nc\n");
    DataError e = assertThrows(DataError.class, () -> IdxReader.readDirectory(dir));
    assertEquals(
        dir.resolve("train-labels-idx1-ubyte")
            + ": label 3 of image 3 is out of range: "
            + "there are 3 classes (0..2)",
        e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    TestFiles.idxDirectory(dir, 3, 3, 4, true);
    TestFiles.write(dir.resolve("x"), new byte[0]);
    dir.resolve("t10k-labels-idx1-ubyte.gz").toFile().delete();
    DataError e = assertThrows(DataError.class, () -> IdxReader.readDirectory(dir));
    assertEquals(
        dir + ": missing IDX file t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz)",
        e.getMessage());
  }

  @Test
  void missingDirectory() {
    DataError e = assertThrows(DataError.class, () -> IdxReader.readDirectory(dir.resolve("nope")));
    assertTrue(
        e.getMessage().startsWith(dir.resolve("nope") + ": no such directory"), e.getMessage());
  }

  private DataError decodeError(byte[] images, byte[] labels, int classes) {
    return assertThrows(
        DataError.class,
        () ->
            IdxReader.decode(
                "img", images, "lab", labels, IdxReader.DIGIT_CLASSES.subList(0, classes)));
  }

  @Test
  void truncatedImages() {
    byte[] images = TestFiles.idxImages(4, 3, 3);
    DataError e =
        decodeError(Arrays.copyOf(images, images.length - 5), TestFiles.idxLabels(4, 10), 10);
    assertEquals(
        "img: truncated: the header says 4 images of 3x3 (52 bytes) but the file has 47",
        e.getMessage());
  }

  @Test
  void truncatedHeader() {
    DataError e =
        decodeError(
            Arrays.copyOf(TestFiles.idxImages(4, 3, 3), 10), TestFiles.idxLabels(4, 10), 10);
    assertEquals(
        "img: truncated: 10 bytes, shorter than the 16-byte IDX images header", e.getMessage());
    assertEquals(
        "img: truncated: 2 bytes, no IDX header",
        decodeError(new byte[2], TestFiles.idxLabels(4, 10), 10).getMessage());
  }

  @Test
  void trailingBytesAreCorrupt() {
    byte[] images = TestFiles.idxImages(4, 3, 3);
    DataError e =
        decodeError(Arrays.copyOf(images, images.length + 3), TestFiles.idxLabels(4, 10), 10);
    assertEquals("img: corrupt: 3 bytes after the 4 images the header announces", e.getMessage());
  }

  @Test
  void wrongMagic() {
    DataError e = decodeError(TestFiles.idxLabels(4, 10), TestFiles.idxLabels(4, 10), 10);
    assertEquals(
        "img: wrong magic number 0x00000801: not an IDX images file (expected 0x00000803)",
        e.getMessage());
    DataError l = decodeError(TestFiles.idxImages(4, 3, 3), TestFiles.idxImages(4, 3, 3), 10);
    assertEquals(
        "lab: wrong magic number 0x00000803: not an IDX labels file (expected 0x00000801)",
        l.getMessage());
  }

  @Test
  void labelCountMismatch() {
    DataError e = decodeError(TestFiles.idxImages(4, 3, 3), TestFiles.idxLabels(5, 10), 10);
    assertEquals("lab: 5 labels but img has 4 images", e.getMessage());
  }

  @Test
  void truncatedLabels() {
    byte[] labels = TestFiles.idxLabels(4, 10);
    DataError e = decodeError(TestFiles.idxImages(4, 3, 3), Arrays.copyOf(labels, 10), 10);
    assertEquals(
        "lab: truncated: the header says 4 labels (12 bytes) but the file has 10", e.getMessage());
  }

  @Test
  void labelOutOfRange() {
    DataError e = decodeError(TestFiles.idxImages(12, 2, 2), TestFiles.idxLabels(12, 10), 7);
    assertEquals(
        "lab: label 7 of image 7 is out of range: there are 7 classes (0..6)", e.getMessage());
  }

  @Test
  void corruptGzipIsNamed() {
    TestFiles.idxDirectory(dir, 3, 3, 4, true);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    byte[] gz = TestFiles.gzip(TestFiles.idxImages(3, 4, 4));
    gz[gz.length / 2] ^= 0x5a;
    gz[gz.length / 2 + 1] ^= 0x33;
    TestFiles.write(images, gz);
    DataError e = assertThrows(DataError.class, () -> IdxReader.readDirectory(dir));
    assertTrue(e.getMessage().startsWith(images + ": "), e.getMessage());
  }

  @Test
  void truncatedGzipIsNamed() {
    TestFiles.idxDirectory(dir, 3, 3, 4, true);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    byte[] gz = TestFiles.gzip(TestFiles.idxImages(3, 4, 4));
    TestFiles.write(images, Arrays.copyOf(gz, gz.length - 12));
    DataError e = assertThrows(DataError.class, () -> IdxReader.readDirectory(dir));
    assertEquals(images + ": truncated: the gzip stream ends early", e.getMessage());
  }

  @Test
  void gzNameWithoutGzipData() {
    TestFiles.idxDirectory(dir, 3, 3, 4, true);
    Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
    TestFiles.write(labels, TestFiles.idxLabels(3, 10));
    DataError e = assertThrows(DataError.class, () -> IdxReader.readDirectory(dir));
    assertEquals(labels + ": corrupt: not gzip data although the name ends in .gz", e.getMessage());
  }

  @Test
  void labelsAreCopiedOut() {
    TestFiles.idxDirectory(dir, 10, 10, 2, false);
    Dataset train = IdxReader.readDirectory(dir).train();
    int[] labels = train.labels();
    labels[0] = 9;
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, train.countsPerClass());
  }
}
