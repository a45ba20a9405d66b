package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderReaderTest {
  @TempDir Path root;

  /** Three classes: 'blue' 5 PNGs, 'green' 4 JPEGs, 'red' 6 PNGs, of assorted sizes. */
  private void threeClasses() {
    for (int i = 0; i < 6; i++) {
      TestFiles.image(root.resolve("red/r" + i + ".png"), 20 + i, 12 + 2 * i, Color.RED);
    }
    for (int i = 0; i < 5; i++) {
      TestFiles.image(root.resolve("blue/b" + i + ".png"), 9 + i, 30, Color.BLUE);
    }
    for (int i = 0; i < 4; i++) {
      TestFiles.image(root.resolve("green/g" + i + ".jpg"), 16, 16, Color.GREEN);
    }
  }

  @Test
  void classesSortedSplitPerClassAndColoursKept() {
    threeClasses();
    DataSplits data = FolderReader.read(root, 3, 8, 8, FolderSplit.fraction(0.25, 1));
    Dataset train = data.train();
    assertEquals(List.of("blue", "green", "red"), train.classNames());
    // Test counts: round(5/4)=1, round(4/4)=1, round(6/4)=2 (1.5 rounds up).
    assertEquals(
        List.of(4, 3, 4),
        List.of(train.countsPerClass()[0], train.countsPerClass()[1], train.countsPerClass()[2]));
    assertEquals(
        List.of(1, 1, 2),
        List.of(
            data.test().countsPerClass()[0],
            data.test().countsPerClass()[1],
            data.test().countsPerClass()[2]));
    float[][] expected = {{0, 0, 1}, {0, 1, 0}, {1, 0, 0}};
    for (int i = 0; i < train.size(); i++) {
      int label = train.label(i);
      for (int c = 0; c < 3; c++) {
        // JPEG is lossy: allow a few levels of error on the green class.
        assertEquals(
            expected[label][c],
            train.pixel(i, c, 4, 4),
            label == 1 ? 0.05 : 1e-6,
            "image " + i + " class " + label + " channel " + c);
      }
    }
  }

  @Test
  void grayscaleUsesLuma() {
    TestFiles.image(root.resolve("a/x.png"), 10, 10, new Color(255, 0, 0));
    TestFiles.image(root.resolve("b/y.png"), 10, 10, new Color(0, 0, 255));
    DataSplits data = FolderReader.read(root, 1, 4, 4, FolderSplit.fraction(0, 0));
    assertEquals(0.299, data.train().pixel(0, 0, 1, 1), 1e-3);
    assertEquals(0.114, data.train().pixel(1, 0, 2, 2), 1e-3);
    assertEquals(0, data.test().size());
  }

  @Test
  void resizesShorterSideAndCropsCentre() {
    // 60 wide x 20 high: left third black, middle third white, right third black.
    BufferedImage image = new BufferedImage(60, 20, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 20; y++) {
      for (int x = 20; x < 40; x++) {
        image.setRGB(x, y, 0xffffff);
      }
    }
    TestFiles.writeImage(root.resolve("only/wide.png"), image);
    Dataset d = FolderReader.read(root, 1, 10, 10, FolderSplit.fraction(0, 0)).train();
    // Shorter side 20 -> 10: the image becomes 30x10 and the centre 10x10 is all white.
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 10; x++) {
        assertEquals(1f, d.pixel(0, 0, y, x), 0.02, "pixel " + y + "," + x);
      }
    }
    // Upscaling works too.
    Dataset big = FolderReader.read(root, 1, 40, 40, FolderSplit.fraction(0, 0)).train();
    assertEquals(1f, big.pixel(0, 0, 20, 20), 0.02);
  }

  @Test
  void splitIsDeterministicAndDependsOnSeed() {
    for (int i = 0; i < 20; i++) {
      BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
      image.setRGB(0, 0, (i * 12) << 16);
      TestFiles.writeImage(root.resolve("k/" + i + ".png"), image);
    }
    TestFiles.image(root.resolve("l/0.png"), 4, 4, Color.WHITE);
    List<Float> a = firstPixels(FolderReader.read(root, 3, 4, 4, FolderSplit.fraction(0.5, 7)));
    List<Float> b = firstPixels(FolderReader.read(root, 3, 4, 4, FolderSplit.fraction(0.5, 7)));
    List<Float> c = firstPixels(FolderReader.read(root, 3, 4, 4, FolderSplit.fraction(0.5, 8)));
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  private static List<Float> firstPixels(DataSplits data) {
    List<Float> values = new ArrayList<>();
    for (int i = 0; i < data.test().size(); i++) {
      values.add(data.test().pixel(i, 0, 0, 0));
    }
    return values;
  }

  @Test
  void perClassTrainingCount() {
    threeClasses();
    DataSplits data = FolderReader.read(root, 3, 4, 4, FolderSplit.perClass(3, 2, 0));
    assertEquals(9, data.train().size());
    assertEquals(5, data.test().size()); // blue 2 (capped), green 1, red 2 (capped)
    DataError e =
        assertThrows(
            DataError.class, () -> FolderReader.read(root, 3, 4, 4, FolderSplit.perClass(4, 0, 0)));
    assertEquals(
        "class 'green' has 4 images: not enough for 4 training images and at least one "
            + "test image",
        e.getMessage());
  }

  @Test
  void unreadableImageIsNamed() throws Exception {
    threeClasses();
    Path bad = root.resolve("green/g2.jpg");
    Files.writeString(bad, "this is not a JPEG");
    DataError e =
        assertThrows(
            DataError.class, () -> FolderReader.read(root, 3, 4, 4, FolderSplit.fraction(0.25, 0)));
    assertTrue(e.getMessage().startsWith(bad + ": unreadable image"), e.getMessage());
  }

  @Test
  void emptyClassFolder() throws Exception {
    threeClasses();
    Files.createDirectories(root.resolve("empty"));
    Files.writeString(root.resolve("empty/notes.txt"), "no images here");
    DataError e =
        assertThrows(DataError.class, () -> FolderReader.read(root, 3, 4, 4, FolderSplit.DEFAULT));
    assertEquals(
        root.resolve("empty") + ": class folder without images (.jpg, .jpeg or .png)",
        e.getMessage());
  }

  @Test
  void noClassFoldersAndBadChannels() throws Exception {
    Files.writeString(root.resolve("loose.png"), "x");
    DataError e =
        assertThrows(DataError.class, () -> FolderReader.read(root, 3, 4, 4, FolderSplit.DEFAULT));
    assertTrue(e.getMessage().startsWith(root + ": no class folders"), e.getMessage());
    threeClasses();
    DataError c =
        assertThrows(DataError.class, () -> FolderReader.read(root, 2, 4, 4, FolderSplit.DEFAULT));
    assertEquals(
        root
            + ": images can be read as 1 channel (grayscale) or 3 (RGB), but the "
            + "network's input has 2 channels",
        c.getMessage());
  }
}
