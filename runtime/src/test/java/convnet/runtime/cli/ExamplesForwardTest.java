package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.Npy;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code convnet forward} runs every example network in float32 and float64 and the two agree.
 * Networks with inputs up to 32x32 are run with labels (loss and every gradient) at batch 2; the
 * large ones (AlexNet, Zeiler and Fergus, the 143x143 Jarrett systems) forward only at batch 1,
 * because the interpreter takes seconds per pass there.
 */
class ExamplesForwardTest {
  /**
   * F32 rounds every op's result; 1e-3 of a tensor's largest magnitude leaves room for long sums of
   * rounded terms.
   */
  private static final double RELATIVE_TO_SCALE = 1e-3;

  @TempDir Path dir;

  static Stream<String> examples() throws IOException {
    Path root = Cli.examples();
    try (Stream<Path> files = Stream.concat(Files.list(root), Files.list(root.resolve("bench")))) {
      return files
          .filter(p -> p.toString().endsWith(".cnn"))
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void everyExampleIsCovered() throws IOException {
    assertTrue(examples().count() >= 14, examples().toList().toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void float32AndFloat64Agree(String example) throws IOException {
    Path file = Cli.examples().resolve(example);
    NetworkModel model = NetworkModel.load(file, new PrintWriter(new StringWriter()));
    var in = model.network().input();
    boolean small = in.height() * in.width() <= 32 * 32;
    int batch = small ? 2 : 1;
    Path weights = dir.resolve("w.npz");
    assertEquals(0, Cli.run("init", file, "--seed", 1, "--out", weights).status());
    Random r = new Random(example.hashCode());
    double[] x = new double[batch * in.channels() * in.height() * in.width()];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    Path images = dir.resolve("x.npy");
    Npy.write(
        images,
        Tensor.wrap(Shape.of(batch, in.channels(), in.height(), in.width()), x),
        NpyType.FLOAT32);
    Path labels = dir.resolve("y.npy");
    Npy.write(
        labels,
        Tensor.of(
            Shape.of(batch), batch == 2 ? new double[] {0, model.classes() - 1} : new double[] {1}),
        NpyType.INT64);
    Map<String, Tensor> f32 = forward(file, weights, images, small ? labels : null, "f32");
    Map<String, Tensor> f64 = forward(file, weights, images, small ? labels : null, "f64");
    assertEquals(f64.keySet(), f32.keySet());
    assertEquals(
        small ? model.parameters().size() + 3 : 1, f64.size(), example + ": " + f64.keySet());
    for (String k : f64.keySet()) {
      Tensor a = f64.get(k);
      double scale = a.maxAbsDiff(Tensor.zeros(a.shape()));
      double diff = a.maxAbsDiff(f32.get(k));
      assertTrue(
          diff <= RELATIVE_TO_SCALE * scale + 1e-7,
          example
              + " "
              + k
              + ": float32 and float64 differ by "
              + diff
              + " at a scale of "
              + scale);
    }
    assertTrue(Double.isFinite(f64.get("output").data()[0]), example);
  }

  private Map<String, Tensor> forward(
      Path file, Path weights, Path images, Path labels, String precision) throws IOException {
    Path out = dir.resolve("o-" + precision + ".npz");
    List<Object> args =
        new java.util.ArrayList<>(
            List.of(
                "forward",
                file,
                "--weights",
                weights,
                "--input",
                images,
                "--out",
                out,
                "--precision",
                precision));
    if (labels != null) {
      args.add("--labels");
      args.add(labels);
    }
    Cli.Run r = Cli.run(args.toArray());
    assertEquals(0, r.status(), r.toString());
    return Npz.read(out);
  }
}
