package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {
  @TempDir Path dir;

  @Test
  void readsBatchesInOrderAsNchw() {
    TestFiles.cifarDirectory(dir, 3, 4);
    DataSplits data = Cifar10Reader.readDirectory(dir);
    Dataset train = data.train();
    assertEquals(15, train.size());
    assertEquals(4, data.test().size());
    assertEquals("3x32x32", train.shapeText());
    assertEquals(Cifar10Reader.CLASSES, train.classNames());
    for (int k = 1; k <= 5; k++) {
      for (int r = 0; r < 3; r++) {
        int image = (k - 1) * 3 + r;
        assertEquals((k + r) % 10, train.label(image), "label of batch " + k + " record " + r);
        // Byte i of a record is channel i / 1024, row (i % 1024) / 32, column i % 32.
        for (int i : new int[] {0, 31, 32, 1023, 1024, 2047, 2048, 3071}) {
          assertEquals(
              ((r * 3 + i) % 256) / 255f,
              train.pixel(image, i / 1024, (i % 1024) / 32, i % 32),
              1e-7,
              "batch " + k + " record " + r + " byte " + i);
        }
      }
    }
  }

  @Test
  void findsNestedBatchFolderAndMetaNames() throws Exception {
    Path nested = dir.resolve("cifar-10-batches-bin");
    TestFiles.cifarDirectory(nested, 2, 2);
    Files.writeString(nested.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
    DataSplits data = Cifar10Reader.readDirectory(dir);
    assertEquals(
        List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), data.train().classNames());
    assertEquals(10, data.train().size());
  }

  @Test
  void missingBatchIsNamed() throws Exception {
    TestFiles.cifarDirectory(dir, 1, 1);
    Files.delete(dir.resolve("data_batch_4.bin"));
    DataError e = assertThrows(DataError.class, () -> Cifar10Reader.readDirectory(dir));
    assertEquals(dir + ": missing CIFAR-10 batch data_batch_4.bin", e.getMessage());
  }

  @Test
  void truncatedRecord() {
    TestFiles.cifarDirectory(dir, 2, 2);
    byte[] b = TestFiles.cifarRecords(2, 0);
    TestFiles.write(dir.resolve("test_batch.bin"), Arrays.copyOf(b, b.length - 100));
    DataError e = assertThrows(DataError.class, () -> Cifar10Reader.readDirectory(dir));
    assertEquals(
        dir.resolve("test_batch.bin")
            + ": truncated or corrupt: 6046 bytes is not a "
            + "whole number of 3073-byte records (1 records and 2973 bytes left over)",
        e.getMessage());
  }

  @Test
  void emptyBatch() {
    TestFiles.cifarDirectory(dir, 2, 2);
    TestFiles.write(dir.resolve("data_batch_2.bin"), new byte[0]);
    DataError e = assertThrows(DataError.class, () -> Cifar10Reader.readDirectory(dir));
    assertEquals(
        dir.resolve("data_batch_2.bin") + ": empty file (expected records of 3073 bytes)",
        e.getMessage());
  }

  @Test
  void labelOutOfRange() {
    TestFiles.cifarDirectory(dir, 2, 2);
    byte[] b = TestFiles.cifarRecords(2, 0);
    b[3073] = (byte) 200;
    TestFiles.write(dir.resolve("data_batch_3.bin"), b);
    DataError e = assertThrows(DataError.class, () -> Cifar10Reader.readDirectory(dir));
    assertEquals(
        dir.resolve("data_batch_3.bin")
            + ": label 200 of record 1 is out of range: "
            + "there are 10 classes (0..9)",
        e.getMessage());
  }
}
