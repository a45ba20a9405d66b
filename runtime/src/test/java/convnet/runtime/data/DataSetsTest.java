package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSetsTest {
  @TempDir Path dir;

  private static <T> T withFashionDir(String value, Supplier<T> body) {
    String old = System.getProperty(DataSets.FASHION_MNIST_DIR_PROPERTY);
    System.setProperty(DataSets.FASHION_MNIST_DIR_PROPERTY, value);
    try {
      return body.get();
    } finally {
      if (old == null) {
        System.clearProperty(DataSets.FASHION_MNIST_DIR_PROPERTY);
      } else {
        System.setProperty(DataSets.FASHION_MNIST_DIR_PROPERTY, old);
      }
    }
  }

  @Test
  void embeddedSubsetIsClassBalanced() {
    DataSplits data = DataSets.open("fashion-mnist-subset", 1, 28, 28);
    assertEquals(6000, data.train().size());
    assertEquals(1000, data.test().size());
    assertEquals(IdxReader.FASHION_MNIST_CLASSES, data.train().classNames());
    int[] train = data.train().countsPerClass();
    int[] test = data.test().countsPerClass();
    for (int c = 0; c < 10; c++) {
      assertEquals(600, train[c], "training images of class " + c);
      assertEquals(100, test[c], "test images of class " + c);
    }
    assertTrue(data.source().startsWith("fashion-mnist-subset: embedded subset"), data.source());
    // Pixels in [0, 1] and not all equal: real images were decoded.
    float min = 1;
    float max = 0;
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        min = Math.min(min, data.train().pixel(0, 0, y, x));
        max = Math.max(max, data.train().pixel(0, 0, y, x));
      }
    }
    assertTrue(min >= 0 && max <= 1 && max > min, min + ".." + max);
  }

  @Test
  void fashionMnistFallsBackToSubsetWithNotice() {
    DataSplits data = withFashionDir("", () -> DataSets.open("fashion-mnist", 1, 28, 28));
    assertEquals(6000, data.train().size());
    assertTrue(data.source().contains("full set is not installed"), data.source());
    DataSplits missing =
        withFashionDir(
            dir.resolve("absent").toString(), () -> DataSets.open("fashion-mnist", 1, 28, 28));
    assertEquals(6000, missing.train().size());
  }

  @Test
  void fashionMnistUsesFullSetWhenInstalled() {
    TestFiles.idxDirectory(dir, 30, 20, 28, true);
    DataSplits data =
        withFashionDir(dir.toString(), () -> DataSets.open("fashion-mnist", 1, 28, 28));
    assertEquals(30, data.train().size());
    assertEquals(IdxReader.FASHION_MNIST_CLASSES, data.train().classNames());
    assertTrue(data.source().startsWith("fashion-mnist: full data set"), data.source());
  }

  @Test
  void prefixedAndDetectedLayouts() {
    Path idx = TestFiles.idxDirectory(dir.resolve("idx"), 10, 10, 6, false);
    Path cifar = TestFiles.cifarDirectory(dir.resolve("cifar"), 2, 3);
    TestFiles.image(dir.resolve("folders/cat/a.png"), 8, 8, Color.GRAY);
    TestFiles.image(dir.resolve("folders/dog/a.png"), 8, 8, Color.GRAY);
    Path folders = dir.resolve("folders");
    assertEquals(10, DataSets.open("idx:" + idx, 1, 6, 6).train().size());
    assertEquals(10, DataSets.open(idx.toString(), 1, 6, 6).train().size());
    assertEquals(10, DataSets.open("cifar10:" + cifar, 3, 32, 32).train().size());
    assertEquals(3, DataSets.open(cifar.toString(), 3, 32, 32).test().size());
    assertEquals(
        2, DataSets.open("folder:" + folders, 3, 5, 5, FolderSplit.fraction(0, 0)).train().size());
    assertEquals(
        2, DataSets.open(folders.toString(), 1, 5, 5, FolderSplit.fraction(0, 0)).train().size());
    assertTrue(DataSets.isFolder(folders.toString()));
    assertEquals("IDX files in " + idx, DataSets.describe(idx.toString()));
  }

  @Test
  void grayDataFeedsRgbNetworkByReplication() {
    Path idx = TestFiles.idxDirectory(dir, 10, 10, 6, false);
    DataSplits data = DataSets.open("idx:" + idx, 3, 6, 6);
    assertEquals("3x6x6", data.train().shapeText());
    assertEquals("3x6x6", data.test().shapeText());
    for (int c = 0; c < 3; c++) {
      assertEquals(data.train().pixel(4, 0, 2, 3), data.train().pixel(4, c, 2, 3));
    }
    assertEquals(TestFiles.pixelValue(4, 2 * 6 + 3) / 255f, data.train().pixel(4, 2, 2, 3), 1e-7);
    assertTrue(data.source().endsWith("gray channel replicated to RGB"), data.source());
  }

  @Test
  void shapeMismatchIsAClearError() {
    DataError e =
        assertThrows(DataError.class, () -> DataSets.open("fashion-mnist-subset", 3, 32, 32));
    assertEquals(
        "data 'fashion-mnist-subset' has images of 1x28x28 but the network's input is "
            + "3x32x32: images are not padded or resized silently; preprocess them with pad(2) "
            + "(--preprocess, or preprocess in the train block), change the network's input to "
            + "3x28x28, or use data of that size",
        e.getMessage());
    Path cifar = TestFiles.cifarDirectory(dir, 1, 1);
    DataError c = assertThrows(DataError.class, () -> DataSets.open(cifar.toString(), 1, 32, 32));
    assertTrue(
        c.getMessage()
            .contains("has 3-channel images (3x32x32) but the network's input " + "is 1x32x32"),
        c.getMessage());
  }

  @Test
  void badSpecs() {
    DataError unknown = assertThrows(DataError.class, () -> DataSets.open("mnist-ish", 1, 28, 28));
    assertEquals(
        "data 'mnist-ish': unknown data set and no such directory (expected "
            + "fashion-mnist, fashion-mnist-subset, idx:DIR, cifar10:DIR, folder:DIR or an existing "
            + "directory)",
        unknown.getMessage());
    DataError notDir =
        assertThrows(DataError.class, () -> DataSets.open("idx:" + dir.resolve("nope"), 1, 28, 28));
    assertEquals(
        "data 'idx:" + dir.resolve("nope") + "': " + dir.resolve("nope") + " is not a directory",
        notDir.getMessage());
    DataError empty = assertThrows(DataError.class, () -> DataSets.open(" ", 1, 28, 28));
    assertTrue(empty.getMessage().startsWith("empty data spec"), empty.getMessage());
    DataError layout =
        assertThrows(DataError.class, () -> DataSets.open(dir.toString(), 1, 28, 28));
    assertTrue(
        layout.getMessage().startsWith("data '" + dir + "': cannot tell the layout of "),
        layout.getMessage());
    DataError folderNative =
        assertThrows(
            DataError.class,
            () -> {
              TestFiles.image(dir.resolve("x/a.png"), 4, 4, Color.RED);
              DataSets.openNative(dir.toString());
            });
    assertTrue(folderNative.getMessage().contains("has no fixed size"), folderNative.getMessage());
  }

  @Test
  void detectedFolderLayoutReportsAnEmptyClass() throws Exception {
    TestFiles.image(dir.resolve("cat/a.png"), 8, 8, Color.GRAY);
    java.nio.file.Files.createDirectories(dir.resolve("dog"));
    DataError e = assertThrows(DataError.class, () -> DataSets.open(dir.toString(), 1, 4, 4));
    assertEquals(
        dir.resolve("dog") + ": class folder without images (.jpg, .jpeg or .png)", e.getMessage());
  }

  @Test
  void openNativeKeepsShape() {
    Path idx = TestFiles.idxDirectory(dir, 10, 10, 9, true);
    DataSplits data = DataSets.openNative(idx.toString());
    assertEquals("1x9x9", data.train().shapeText());
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, data.test().countsPerClass());
  }
}
