package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.runtime.errors.UserError;
import convnet.runtime.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checkpoints: exact round trip, and clear errors for files that do not fit. */
class CheckpointTest {
  @TempDir Path dir;

  static final Map<String, Shape> SHAPES =
      Map.of("a.weight", Shape.of(3, 2), "a.bias", Shape.of(3));

  static Tensor random(Random r, Shape s) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10);
    }
    return Tensor.wrap(s, d);
  }

  static Checkpoint sample(long seed) {
    Random r = new Random(seed);
    return new Checkpoint(
        r.nextInt(50),
        r.nextInt(900),
        r.nextInt(1 << 30),
        r.nextDouble() * 1e4,
        r.nextInt(1000),
        r.nextInt(2000),
        r.nextDouble(),
        1 + r.nextInt(9),
        Map.of(
            "a.weight",
            random(r, SHAPES.get("a.weight")),
            "a.bias",
            random(r, SHAPES.get("a.bias"))),
        Map.of("velocity/a.weight", random(r, SHAPES.get("a.weight"))));
  }

  static java.util.stream.LongStream seeds() {
    return java.util.stream.LongStream.range(0, 10);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void roundTripIsExact(long seed) throws IOException {
    Path run = dir.resolve("run" + seed);
    Files.createDirectories(run);
    Checkpoint c = sample(seed);
    c.write(RunFolder.createAt(run));
    Checkpoint back =
        Checkpoint.read(
            RunFolder.openExisting(run),
            SHAPES,
            Map.of("velocity/a.weight", SHAPES.get("a.weight")));
    assertEquals(c, back, "seed " + seed);
    assertTrue(
        Files.readString(run.resolve("checkpoint.json")).contains("\"step\" : " + c.step()),
        "seed " + seed);
  }

  @Test
  void noBestEpochYetIsNaN() throws IOException {
    Checkpoint c =
        new Checkpoint(
            0,
            0,
            0,
            0,
            0,
            0,
            Double.NaN,
            0,
            Map.of("a.weight", Tensor.zeros(Shape.of(3, 2)), "a.bias", Tensor.zeros(Shape.of(3))),
            Map.of());
    RunFolder f = RunFolder.createAt(dir.resolve("r"));
    c.write(f);
    assertEquals(c, Checkpoint.read(RunFolder.openExisting(f.dir()), SHAPES, Map.of()));
  }

  @Test
  void missingOrMisshapenArraysAndForeignFilesAreUserErrors() throws IOException {
    RunFolder f = RunFolder.createAt(dir.resolve("r"));
    sample(1).write(f);
    UserError missing =
        assertThrows(
            UserError.class, () -> Checkpoint.read(f, Map.of("b.weight", Shape.of(1)), Map.of()));
    assertTrue(missing.getMessage().contains("b.weight"), missing.getMessage());
    UserError shape =
        assertThrows(
            UserError.class, () -> Checkpoint.read(f, Map.of("a.bias", Shape.of(4)), Map.of()));
    assertTrue(shape.getMessage().contains("[4]"), shape.getMessage());
    Npz.write(f.checkpointNpz(), Map.of("a.bias", Tensor.zeros(Shape.of(3))), NpyType.FLOAT32);
    assertThrows(UserError.class, () -> Checkpoint.read(f, SHAPES, Map.of()));
    Files.write(f.checkpointNpz(), new byte[] {'P', 'K', 3, 4, 0, 0});
    UserError corrupt = assertThrows(UserError.class, () -> Checkpoint.read(f, SHAPES, Map.of()));
    assertTrue(corrupt.getMessage().contains("checkpoint.npz"), corrupt.getMessage());
  }
}
