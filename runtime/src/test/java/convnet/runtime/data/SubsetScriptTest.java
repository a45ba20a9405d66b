package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code scripts/make-fashion-subset.py} on generated IDX files and checks its choice. */
class SubsetScriptTest {
  @TempDir Path dir;

  private static Path script() {
    // Surefire runs in the module folder; the scripts live at the repository root.
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("scripts/make-fashion-subset.py");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "scripts/make-fashion-subset.py not found above " + Path.of("").toAbsolutePath());
  }

  /** n images of 2x2 whose pixels encode their index; labels shuffled from seed, balanced+extra. */
  private static void writeSplit(Path dir, String prefix, int n, long seed, int[] labelsOut) {
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      labelsOut[i] = i % 10;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = labelsOut[i];
      labelsOut[i] = labelsOut[j];
      labelsOut[j] = t;
    }
    java.nio.ByteBuffer images = java.nio.ByteBuffer.allocate(16 + 4 * n);
    images.putInt(0x803).putInt(n).putInt(2).putInt(2);
    java.nio.ByteBuffer labels = java.nio.ByteBuffer.allocate(8 + n);
    labels.putInt(0x801).putInt(n);
    for (int i = 0; i < n; i++) {
      images.put((byte) (i & 0xff)).put((byte) ((i >> 8) & 0xff)).put((byte) 0).put((byte) 0);
      labels.put((byte) labelsOut[i]);
    }
    TestFiles.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), TestFiles.gzip(images.array()));
    TestFiles.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), TestFiles.gzip(labels.array()));
  }

  @Test
  void keepsTheFirstImagesOfEachClassInFileOrder() throws Exception {
    Path source = dir.resolve("full");
    Path out = dir.resolve("subset");
    int[] trainLabels = new int[6500];
    int[] testLabels = new int[1200];
    writeSplit(source, "train", 6500, 1, trainLabels);
    writeSplit(source, "t10k", 1200, 2, testLabels);
    Process p =
        new ProcessBuilder("python3", script().toString(), source.toString(), out.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script timed out");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), output);
    DataSplits subset = IdxReader.readDirectory(out, IdxReader.FASHION_MNIST_CLASSES);
    check(subset.train(), trainLabels, 600);
    check(subset.test(), testLabels, 100);
  }

  private static void check(Dataset subset, int[] labels, int perClass) {
    List<Integer> expected = new ArrayList<>();
    int[] taken = new int[10];
    for (int i = 0; i < labels.length; i++) {
      if (taken[labels[i]] < perClass) {
        taken[labels[i]]++;
        expected.add(i);
      }
    }
    assertEquals(expected.size(), subset.size());
    for (int k = 0; k < subset.size(); k++) {
      int index =
          Math.round(subset.pixel(k, 0, 0, 0) * 255)
              + 256 * Math.round(subset.pixel(k, 0, 0, 1) * 255);
      assertEquals((int) expected.get(k), index, "image " + k + " of the subset");
      assertEquals(labels[index], subset.label(k), "label of image " + k);
    }
  }
}
