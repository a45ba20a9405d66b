package convnet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headers declaring absurd sizes get a message naming the file and the dimension, computed without
 * overflow, never an overflowed count, a wrong "bytes after" complaint or an OutOfMemoryError.
 */
class AbsurdSizesTest {
  @TempDir Path dir;

  private static byte[] idxHeader(long n, long rows, long columns, int pixelBytes) {
    ByteBuffer b = ByteBuffer.allocate(16 + pixelBytes);
    b.putInt(0x803).putInt((int) n).putInt((int) rows).putInt((int) columns);
    return b.array();
  }

  private static DataError decode(byte[] images) {
    return assertThrows(
        DataError.class,
        () ->
            IdxReader.decode(
                "img.idx", images, "lab.idx", TestFiles.idxLabels(4, 10), IdxReader.DIGIT_CLASSES));
  }

  @Test
  void idxHeaderWhoseProductOverflowsALongNamesTheRowDimension() {
    // 2^31-1 cubed overflows a long product; the old message then spoke of bytes "after" the
    // images.
    DataError e = decode(idxHeader(0x7fffffffL, 0x7fffffffL, 0x7fffffffL, 100));
    assertEquals(
        "img.idx: corrupt header: dimension 2 (rows per image) is 2,147,483,647; expected 1 to "
            + "2,147,483,639",
        e.getMessage());
  }

  @Test
  void idxHeaderWithAnImageCountAbove2To31IsReadUnsignedAndComparedWithTheFileLength() {
    DataError e = decode(idxHeader(0xffffffffL, 28, 28, 100));
    assertEquals(
        "img.idx: truncated: the header says 4294967295 images of 28x28 ("
            + (16L + 0xffffffffL * 784)
            + " bytes) but the file has 116",
        e.getMessage());
  }

  @Test
  void idxHeaderWithImagesLargerThanOneArrayNamesRowsAndColumns() {
    DataError e = decode(idxHeader(2, 65536, 65536, 100));
    assertTrue(
        e.getMessage()
            .startsWith("img.idx: corrupt header: images of 65536x65536 (dimensions 2 and 3)"),
        e.getMessage());
  }

  @Test
  void idxHeaderWithZeroRowsNamesTheDimension() {
    DataError e = decode(idxHeader(4, 0, 28, 100));
    assertTrue(e.getMessage().contains("dimension 2 (rows per image) is 0"), e.getMessage());
  }

  @Test
  void idxHeaderWithHugeButRepresentableCountsSaysTruncatedWithTheRightByteCount() {
    DataError e = decode(idxHeader(0x7fffffffL, 46000, 46000, 100));
    long expected = 16L + 0x7fffffffL * 46000L * 46000L; // fits a long: about 4.5e18
    assertEquals(
        "img.idx: truncated: the header says 2147483647 images of 46000x46000 ("
            + expected
            + " bytes) but the file has 116",
        e.getMessage());
    assertTrue(expected > 0);
  }

  @Test
  void gzipThatIsNotGzipIsStillRefusedAndSmallGzipStillReads() {
    byte[] images = TestFiles.idxImages(4, 3, 3);
    assertEquals(images.length, DataFiles.maybeGunzip("x.gz", TestFiles.gzip(images)).length);
  }

  /** A PNG of just a header (IHDR declaring {@code width × height}) and IEND, with correct CRCs. */
  private static byte[] pngHeaderOnly(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(width)
            .putInt(height)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  @Test
  void folderImageWhoseHeaderDeclaresAbsurdSizeIsRefusedNamingTheFile() {
    Path root = dir.resolve("images");
    for (String c : new String[] {"a", "b"}) {
      for (int i = 0; i < 3; i++) {
        TestFiles.image(root.resolve(c).resolve(i + ".png"), 8, 8, Color.GRAY);
      }
    }
    Path huge = root.resolve("b").resolve("huge.png");
    TestFiles.write(huge, pngHeaderOnly(100_000, 100_000));
    DataError e =
        assertThrows(
            DataError.class, () -> FolderReader.read(root, 1, 8, 8, FolderSplit.fraction(0.5, 0)));
    assertEquals(
        huge
            + ": corrupt or unsupported image: its header says 100000x100000 pixels (width x "
            + "height); at most 268,435,456 pixels are decoded",
        e.getMessage());
  }

  @Test
  void folderSplitWhoseSizeOverflowsALongIsRefusedNotAllocated() {
    Path root = dir.resolve("images");
    for (String c : new String[] {"a", "b"}) {
      for (int i = 0; i < 2; i++) {
        TestFiles.image(root.resolve(c).resolve(i + ".png"), 8, 8, Color.GRAY);
      }
    }
    DataError e =
        assertThrows(
            DataError.class,
            () ->
                FolderReader.read(
                    root, 3, Integer.MAX_VALUE, Integer.MAX_VALUE, FolderSplit.fraction(0.5, 0)));
    assertTrue(e.getMessage().contains("too many to hold in memory"), e.getMessage());
  }

  @Test
  void dataFileLargerThanOneArrayIsRefusedBeforeReading() throws java.io.IOException {
    Path big = dir.resolve("data_batch_1.bin");
    // A sparse file: 3 GiB long, no blocks written, so the test stays fast and small on disk.
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    DataError e = assertThrows(DataError.class, () -> DataFiles.read(big));
    assertEquals(
        big
            + ": 3,221,225,472 bytes, larger than the 2,147,483,639 bytes convnet reads from one "
            + "data file",
        e.getMessage());
  }
}
