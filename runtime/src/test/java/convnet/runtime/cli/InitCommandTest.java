package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.NpyArray;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convnet init}: the file written, determinism, errors. */
class InitCommandTest {
  static final String NET =
      "network i {\n  input 1x28x28\n  32F5x5CSG - Rabs - N - PA2x2\n  logistic 10\n"
          + "  train {\n    seed = 42\n  }\n}\n";

  @TempDir Path dir;

  @Test
  void writesEveryParameterAsFloat32() throws IOException {
    Path w = dir.resolve("w.npz");
    Cli.Run r = Cli.run("init", Cli.write(dir, "i.cnn", NET), "--seed", 3, "--out", w);
    assertEquals(0, r.status(), r.toString());
    assertEquals("wrote " + w + ": 5 arrays, 46,954 parameters (seed 3)\n", r.out());
    Map<String, NpyArray> a = Npz.readArrays(w);
    assertEquals(
        List.of(
            "L1_conv.weight",
            "L1_conv.bias",
            "L1_conv.gain",
            "L5_logistic.weight",
            "L5_logistic.bias"),
        List.copyOf(a.keySet()));
    assertEquals(Shape.of(32, 1, 5, 5), a.get("L1_conv.weight").tensor().shape());
    assertEquals(Shape.of(10, 32 * 12 * 12), a.get("L5_logistic.weight").tensor().shape());
    assertTrue(a.values().stream().allMatch(x -> x.type() == NpyType.FLOAT32));
    assertEquals(Tensor.full(Shape.of(32), 1), a.get("L1_conv.gain").tensor());
  }

  @Test
  void theSeedDecidesAndDefaultsToTheTrainBlock() throws IOException {
    Path net = Cli.write(dir, "i.cnn", NET);
    Path a = dir.resolve("a.npz");
    Path b = dir.resolve("b.npz");
    Path c = dir.resolve("c.npz");
    assertEquals(0, Cli.run("init", net, "--seed", 42, "--out", a).status());
    Cli.Run d = Cli.run("init", net, "--out", b);
    assertTrue(d.out().contains("(seed 42)"), d.out());
    assertEquals(0, Cli.run("init", net, "--seed", 43, "--out", c).status());
    assertEquals(Npz.read(a), Npz.read(b));
    assertNotEquals(Npz.read(a).get("L1_conv.weight"), Npz.read(c).get("L1_conv.weight"));
  }

  @Test
  void errors() throws IOException {
    Path net = Cli.write(dir, "i.cnn", NET);
    assertEquals(2, Cli.run("init", net).status(), "--out is required");
    Cli.Run noDir = Cli.run("init", net, "--out", dir.resolve("no/such/dir/w.npz"));
    assertEquals(1, noDir.status(), noDir.toString());
    assertTrue(
        noDir.err().startsWith(dir.resolve("no/such/dir/w.npz") + ": cannot write"), noDir.err());
    Cli.Run bad =
        Cli.run("init", Cli.write(dir, "b.cnn", "network {"), "--out", dir.resolve("w.npz"));
    assertEquals(1, bad.status(), bad.toString());
    assertTrue(bad.err().contains("b.cnn:1:"), bad.err());
    assertTrue(Files.notExists(dir.resolve("w.npz")));
  }
}
