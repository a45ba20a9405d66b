package convnet.autodiff.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips through NumPy itself; skipped (the only skip in this module) when python3 with numpy
 * is absent.
 */
class NumpyInteropTest {
  /** Found on the PATH. */
  private static final String PYTHON = "python3";

  @TempDir Path dir;

  @BeforeAll
  static void requireNumpy() throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "python3 is not installed: " + e.getMessage());
      return;
    }
    assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "numpy is not installed");
  }

  private static String python(String script) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(PYTHON, "-c", script).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("python failed:\n" + out);
    }
    return out.strip();
  }

  @Test
  void numpyReadsWhatWeWriteAndWritesWhatWeRead() throws Exception {
    Path ours = dir.resolve("ours.npz");
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("L1_conv.weight", Tensor.of(Shape.of(2, 1, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8.5));
    m.put("grad/input", Tensor.of(Shape.of(3), -1, 0, 1));
    Npz.write(ours, m, NpyType.FLOAT32);
    Path single = dir.resolve("ours.npy");
    Npy.write(single, Tensor.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6), NpyType.INT64);
    Path theirs = dir.resolve("theirs.npy");
    Path theirsZ = dir.resolve("theirs.npz");
    Path again = dir.resolve("again.npy");
    String out =
        python(
            String.join(
                "\n",
                "import numpy as np",
                "z = np.load('" + ours + "')",
                "print(sorted(z.files), z['L1_conv.weight'].dtype, z['L1_conv.weight'].shape, float(z['L1_conv.weight'].sum()))",
                "a = np.load('" + single + "')",
                "print(a.dtype, a.shape, int(a.sum()))",
                "np.save('" + again + "', a)",
                "for i, shp in enumerate([(), (7,), (123456, 0), (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]):",
                "    np.save('" + dir + "/shape%d.npy' % i, np.zeros(shp, dtype='<f8'))",
                "np.save('" + theirs + "', np.arange(12, dtype='<f8').reshape(3, 4) / 8)",
                "np.savez_compressed('"
                    + theirsZ
                    + "', **{'grad/x': np.array([1, 2], dtype='<i4'), 'y': np.float32(2.5)})"));
    assertEquals(
        "['L1_conv.weight', 'grad/input'] float32 (2, 1, 2, 2) 36.5\nint64 (2, 3) 21", out);
    assertArrayEquals(
        Files.readAllBytes(single),
        Files.readAllBytes(again),
        "numpy.save writes other bytes than we do");
    int[][] shapes = {{}, {7}, {123456, 0}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}};
    for (int i = 0; i < shapes.length; i++) {
      Path f = dir.resolve("shape" + i + ".npy");
      Tensor zeros = Tensor.zeros(Shape.of(shapes[i]));
      assertEquals(zeros, Npy.read(f));
      assertArrayEquals(
          Files.readAllBytes(f), Npy.encode(zeros, NpyType.FLOAT64), "shape " + zeros.shape());
    }
    Tensor t = Npy.read(theirs);
    assertEquals(Shape.of(3, 4), t.shape());
    assertEquals(11 / 8.0, t.at(2, 3));
    Map<String, NpyArray> z = Npz.readArrays(theirsZ);
    assertEquals(NpyType.INT32, z.get("grad/x").type());
    assertArrayEquals(new double[] {1, 2}, z.get("grad/x").tensor().toArray());
    assertEquals(Shape.scalar(), z.get("y").tensor().shape());
    assertEquals(2.5, z.get("y").tensor().item());
  }
}
