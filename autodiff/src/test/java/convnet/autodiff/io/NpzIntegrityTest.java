package convnet.autodiff.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged archives are refused; equal content always gives the same bytes. */
class NpzIntegrityTest {
  @TempDir Path dir;

  private static Map<String, Tensor> arrays(long seed) {
    Random r = new Random(seed);
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (String name : List.of("L1_conv.weight", "L1_conv.bias", "L5_logistic.weight")) {
      double[] v = new double[40 + r.nextInt(40)];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian();
      }
      m.put(name, Tensor.wrap(Shape.of(v.length), v));
    }
    return m;
  }

  @Test
  void npzTruncatedBy100BytesIsRefusedNamingTheFile() throws IOException {
    Path f = dir.resolve("w.npz");
    Npz.write(f, arrays(1), NpyType.FLOAT32);
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(b, b.length - 100));
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(f));
    assertTrue(e.getMessage().startsWith(f + ": corrupt zip archive"), e.getMessage());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4})
  void npzWithAFlippedDataByteFailsItsCrcCheck(long seed) throws IOException {
    Path f = dir.resolve("w.npz");
    Map<String, Tensor> a = arrays(seed);
    Npz.write(f, a, NpyType.FLOAT32);
    byte[] b = Files.readAllBytes(f);
    // The last bytes of the first entry's data come just before the second local header; flip one
    // of
    // them, inside float data, away from every header.
    int second = indexOf(b, new byte[] {'P', 'K', 3, 4}, 4);
    int at = second - 1 - new Random(seed).nextInt(8);
    b[at] ^= 0x10;
    Files.write(f, b);
    NpyFormatException e =
        assertThrows(NpyFormatException.class, () -> Npz.read(f), "seed " + seed);
    assertTrue(e.getMessage().contains("CRC"), "seed " + seed + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
  }

  @Test
  void npzOfEqualArraysIsByteIdenticalWhenWrittenAtAnotherTime()
      throws IOException, InterruptedException {
    Map<String, Tensor> a = arrays(7);
    Path f1 = dir.resolve("a.npz");
    Path f2 = dir.resolve("b.npz");
    Npz.write(f1, a, NpyType.FLOAT32);
    // Zip time stamps count in 2-second steps: wait for the next one.
    Thread.sleep(2100);
    Npz.write(f2, a, NpyType.FLOAT32);
    assertArrayEquals(Files.readAllBytes(f1), Files.readAllBytes(f2));
    assertEquals(List.copyOf(a.keySet()), List.copyOf(Npz.read(f1).keySet()), "the map's order");
    // The first local header's DOS time and date (offsets 10-13): 00:00:00 on 1980-01-01, not the
    // clock's.
    byte[] b = Files.readAllBytes(f1);
    assertArrayEquals(new byte[] {0, 0, 0x21, 0}, Arrays.copyOfRange(b, 10, 14));
  }

  private static int indexOf(byte[] b, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= b.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (b[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("pattern not found");
  }
}
