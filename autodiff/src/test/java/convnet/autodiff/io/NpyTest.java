package convnet.autodiff.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class NpyTest {
  @TempDir Path dir;

  private static Tensor randomTensor(Random r, NpyType type) {
    int rank = r.nextInt(4);
    int[] d = new int[rank];
    for (int i = 0; i < rank; i++) {
      d[i] = 1 + r.nextInt(4);
    }
    Shape s = Shape.of(d);
    double[] v = new double[s.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] =
          switch (type) {
            case FLOAT32 -> (float) r.nextGaussian();
            case FLOAT64 -> r.nextGaussian();
            case INT32 -> r.nextInt();
            case INT64 -> r.nextInt() * 1000L;
          };
    }
    return Tensor.wrap(s, v);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2, 3, 4, 5, 6, 7})
  void npyRoundTripsEveryType(long seed) throws IOException {
    Random r = new Random(seed);
    for (NpyType type : NpyType.values()) {
      Tensor t = randomTensor(r, type);
      Path f = dir.resolve("a" + type + ".npy");
      Npy.write(f, t, type);
      NpyArray back = Npy.readArray(f);
      assertEquals(type, back.type(), "seed " + seed);
      assertEquals(t, back.tensor(), "seed " + seed + " " + type);
      assertEquals(
          0,
          (Files.size(f) - t.size() * type.bytes()) % 64,
          "seed " + seed + ": data not 64-byte aligned");
    }
  }

  @Test
  void headerIsByteForByteWhatNumpyWrites() {
    byte[] bytes = Npy.encode(Tensor.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6), NpyType.FLOAT32);
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    // What numpy 1.24 writes for np.zeros((2, 3), '<f4'): a 118-byte header, data at offset 128.
    assertEquals(128 + 24, bytes.length);
    assertEquals((byte) 0x93, bytes[0]);
    assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
    assertEquals(1, bytes[6]);
    assertEquals(0, bytes[7]);
    assertEquals(118, (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8);
    String header = new String(bytes, 10, 118, StandardCharsets.US_ASCII);
    assertEquals(dict + " ".repeat(118 - dict.length() - 1) + "\n", header);
    String oneD =
        new String(
            Npy.encode(Tensor.of(Shape.of(3), 1, 2, 3), NpyType.INT64),
            10,
            118,
            StandardCharsets.US_ASCII);
    assertTrue(oneD.startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }"), oneD);
    String scalar =
        new String(
            Npy.encode(Tensor.scalar(1), NpyType.FLOAT64), 10, 118, StandardCharsets.US_ASCII);
    assertTrue(
        scalar.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (), }"), scalar);
  }

  @Test
  void npzRoundTripsNamesWithSlashesAndKeepsOrder() throws IOException {
    Random r = new Random(42);
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("L1_conv.weight", randomTensor(r, NpyType.FLOAT64));
    m.put("grad/L1_conv.weight", randomTensor(r, NpyType.FLOAT64));
    m.put("loss", Tensor.scalar(0.5));
    Path f = dir.resolve("w.npz");
    Npz.write(f, m, NpyType.FLOAT64);
    Map<String, Tensor> back = Npz.read(f);
    assertEquals(m, back);
    assertEquals(java.util.List.copyOf(m.keySet()), java.util.List.copyOf(back.keySet()));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "temporary files left behind");
    }
  }

  @Test
  void float32WritingRoundsToFloat() throws IOException {
    Path f = dir.resolve("f.npy");
    Npy.write(f, Tensor.of(Shape.of(1), 0.1), NpyType.FLOAT32);
    assertEquals((double) 0.1f, Npy.read(f).item());
  }

  private static byte[] withHeader(String dict, int dataBytes) {
    byte[] h = dict.getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[10 + h.length + dataBytes];
    b[0] = (byte) 0x93;
    System.arraycopy("NUMPY".getBytes(StandardCharsets.US_ASCII), 0, b, 1, 5);
    b[6] = 1;
    b[8] = (byte) h.length;
    b[9] = (byte) (h.length >> 8);
    System.arraycopy(h, 0, b, 10, h.length);
    return b;
  }

  private NpyFormatException readFails(byte[] bytes) throws IOException {
    Path f = dir.resolve("bad.npy");
    Files.write(f, bytes);
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
    assertTrue(
        e.getMessage().contains("bad.npy"), "message does not name the file: " + e.getMessage());
    return e;
  }

  @Test
  void everyCorruptNpyCaseGivesAClearError() throws IOException {
    byte[] good = Npy.encode(Tensor.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6), NpyType.FLOAT32);
    assertTrue(readFails(new byte[] {1, 2, 3}).getMessage().contains("truncated"));
    assertTrue(
        readFails("hello world, not numpy".getBytes(StandardCharsets.US_ASCII))
            .getMessage()
            .contains("magic"));
    assertTrue(readFails(Arrays.copyOf(good, 40)).getMessage().contains("truncated"));
    assertTrue(readFails(Arrays.copyOf(good, good.length - 1)).getMessage().contains("truncated"));
    assertTrue(
        readFails(Arrays.copyOf(good, good.length + 4)).getMessage().contains("unexpected bytes"));
    byte[] v9 = good.clone();
    v9[6] = 9;
    assertTrue(readFails(v9).getMessage().contains("version 9"));
    assertTrue(
        readFails(withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", 24))
            .getMessage()
            .contains("Fortran"));
    assertTrue(
        readFails(withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }\n", 24))
            .getMessage()
            .contains("big-endian"));
    assertTrue(
        readFails(withHeader("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }\n", 32))
            .getMessage()
            .contains("unsupported dtype '<c16'"));
    assertTrue(
        readFails(withHeader("{'descr': '<f4', 'fortran_order': False, }\n", 0))
            .getMessage()
            .contains("'shape'"));
    assertTrue(
        readFails(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }\n", 8))
            .getMessage()
            .contains("not a dimension"));
    assertTrue(
        readFails(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }\n", 0))
            .getMessage()
            .contains("negative"));
    NpyFormatException missing =
        assertThrows(NpyFormatException.class, () -> Npy.read(dir.resolve("nope.npy")));
    assertTrue(
        missing.getMessage().contains("nope.npy") && missing.getMessage().contains("no such file"));
  }

  private NpyFormatException readNpzFails(byte[] bytes) throws IOException {
    Path f = dir.resolve("bad.npz");
    Files.write(f, bytes);
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(f));
    assertTrue(
        e.getMessage().contains("bad.npz"), "message does not name the file: " + e.getMessage());
    return e;
  }

  private static byte[] zip(String entry, byte[] content) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bos)) {
      z.putNextEntry(new ZipEntry(entry));
      z.write(content);
      z.closeEntry();
    }
    return bos.toByteArray();
  }

  @Test
  void everyCorruptNpzCaseGivesAClearError() throws IOException {
    Path good = dir.resolve("good.npz");
    Npz.write(good, Map.of("a", Tensor.of(Shape.of(64), new double[64])), NpyType.FLOAT64);
    byte[] bytes = Files.readAllBytes(good);
    assertTrue(
        readNpzFails("not a zip".getBytes(StandardCharsets.US_ASCII))
            .getMessage()
            .contains("not a zip"));
    assertTrue(
        readNpzFails(Arrays.copyOf(bytes, bytes.length / 2)).getMessage().contains("corrupt"));
    byte[] flipped = bytes.clone();
    flipped[200] ^= 0x55;
    assertTrue(readNpzFails(flipped).getMessage().contains("corrupt"));
    assertTrue(
        readNpzFails(zip("notes.txt", new byte[] {1}))
            .getMessage()
            .contains("'notes.txt' is not a .npy"));
    NpyFormatException inner =
        readNpzFails(zip("w.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0}));
    assertTrue(
        inner.getMessage().contains("[w.npy]") && inner.getMessage().contains("truncated"),
        inner.getMessage());
    assertTrue(readNpzFails(Arrays.copyOf(bytes, 2)).getMessage().contains("not a .npz"));
  }

  @ParameterizedTest
  @EnumSource(NpyType.class)
  void writingIntegersRejectsNonIntegers(NpyType type) {
    if (type == NpyType.INT32 || type == NpyType.INT64) {
      assertThrows(
          IllegalArgumentException.class, () -> Npy.encode(Tensor.of(Shape.of(1), 0.5), type));
    } else {
      assertArrayEquals(
          new double[] {0.5},
          assertDoesNotThrowDecode(Npy.encode(Tensor.of(Shape.of(1), 0.5), type))
              .tensor()
              .toArray());
    }
  }

  private static NpyArray assertDoesNotThrowDecode(byte[] b) {
    try {
      return Npy.decode(b, "memory");
    } catch (NpyFormatException e) {
      throw new AssertionError(e);
    }
  }
}
