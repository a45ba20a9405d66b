package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.DType;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.Npy;
import convnet.autodiff.io.NpyArray;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convnet forward}: outputs, loss and gradients written, and a clear error for every bad
 * input.
 */
class ForwardCommandTest {
  static final String NET =
      "network f {\n  input 2x6x6\n  3F3x3CSG - Rabs - PA2x2 - dropout(0.5)\n  logistic 4\n}\n";

  @TempDir Path dir;
  Path net;
  Path weights;
  Path images;
  Path labels;

  @BeforeEach
  void files() throws IOException {
    net = Cli.write(dir, "f.cnn", NET);
    weights = dir.resolve("w.npz");
    assertEquals(0, Cli.run("init", net, "--seed", 5, "--out", weights).status());
    Random r = new Random(5);
    double[] x = new double[3 * 2 * 6 * 6];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    images = dir.resolve("x.npy");
    Npy.write(images, Tensor.wrap(Shape.of(3, 2, 6, 6), x), NpyType.FLOAT32);
    labels = dir.resolve("y.npy");
    Npy.write(labels, Tensor.of(Shape.of(3), 0, 3, 1), NpyType.INT64);
  }

  @Test
  void writesOutputLossAndEveryGradient() throws IOException {
    Path out = dir.resolve("o.npz");
    Cli.Run r =
        Cli.run(
            "forward",
            net,
            "--weights",
            weights,
            "--input",
            images,
            "--labels",
            labels,
            "--out",
            out,
            "--backend",
            "interpreted");
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().startsWith("wrote " + out + ": output [3, 4], loss "), r.out());
    Map<String, NpyArray> o = Npz.readArrays(out);
    assertEquals(
        List.of(
            "output",
            "loss",
            "grad/L1_conv.weight",
            "grad/L1_conv.bias",
            "grad/L1_conv.gain",
            "grad/L5_logistic.weight",
            "grad/L5_logistic.bias",
            "grad/input"),
        List.copyOf(o.keySet()));
    assertTrue(o.values().stream().allMatch(a -> a.type() == NpyType.FLOAT32));
    assertEquals(Shape.of(3, 2, 6, 6), o.get("grad/input").tensor().shape());
    assertEquals(Shape.scalar(), o.get("loss").tensor().shape());
    // The same numbers as the model API in float32 (dropout is the identity).
    NetworkModel m = NetworkModel.fromSource(NET, "f.cnn", new PrintWriter(new StringWriter()));
    Map<String, Tensor> values = new HashMap<>(m.loadWeights(weights));
    values.put("input", Npy.read(images));
    values.put("labels", NetworkModel.oneHot(new int[] {0, 3, 1}, 4));
    Map<String, Tensor> expected =
        Interpreter.compile(m.gradientFunction(3), DType.F32).run(values);
    for (String k : o.keySet()) {
      assertEquals(0, expected.get(k).maxAbsDiff(o.get(k).tensor()), 0.0, k);
    }
  }

  @Test
  void oneImageWithoutLabelsAndInFloat64() throws IOException {
    Path single = dir.resolve("single.npy");
    double[] x = new double[72];
    System.arraycopy(Npy.read(images).data(), 0, x, 0, 72);
    Npy.write(single, Tensor.wrap(Shape.of(2, 6, 6), x), NpyType.FLOAT64);
    Path out = dir.resolve("o.npz");
    Cli.Run r =
        Cli.run(
            "forward",
            net,
            "--weights",
            weights,
            "--input",
            single,
            "--out",
            out,
            "--precision",
            "f64");
    assertEquals(0, r.status(), r.toString());
    Map<String, NpyArray> o = Npz.readArrays(out);
    assertEquals(List.of("output"), List.copyOf(o.keySet()));
    assertEquals(NpyType.FLOAT64, o.get("output").type());
    assertEquals(Shape.of(1, 4), o.get("output").tensor().shape());
    Path y = dir.resolve("y1.npy");
    Npy.write(y, Tensor.of(Shape.of(1), 2), NpyType.INT32);
    Cli.Run g =
        Cli.run(
            "forward", net, "--weights", weights, "--input", single, "--labels", y, "--out", out);
    assertEquals(0, g.status(), g.toString());
    assertEquals(
        Shape.of(2, 6, 6),
        Npz.read(out).get("grad/input").shape(),
        "grad/input is shaped like the input file");
  }

  private Cli.Run forward(Object images, Object labels) {
    return labels == null
        ? Cli.run(
            "forward", net, "--weights", weights, "--input", images, "--out", dir.resolve("o.npz"))
        : Cli.run(
            "forward",
            net,
            "--weights",
            weights,
            "--input",
            images,
            "--labels",
            labels,
            "--out",
            dir.resolve("o.npz"));
  }

  private void assertUserError(Cli.Run r, String... fragments) {
    assertEquals(1, r.status(), r.toString());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in:\n" + r.err());
    }
    assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
    assertTrue(Files.notExists(dir.resolve("o.npz")), "no output after an error");
  }

  @Test
  void badImages() throws IOException {
    Path ints = dir.resolve("ints.npy");
    Npy.write(ints, Tensor.zeros(Shape.of(3, 2, 6, 6)), NpyType.INT32);
    assertUserError(forward(ints, null), ints + ": images must be float32 or float64, found int32");
    Path shape = dir.resolve("shape.npy");
    Npy.write(shape, Tensor.zeros(Shape.of(3, 1, 6, 6)), NpyType.FLOAT32);
    assertUserError(
        forward(shape, null),
        shape + ": images of shape [3, 1, 6, 6] do not fit the network's input 2x6x6",
        "expected [N, 2, 6, 6] or [2, 6, 6]");
    Path junk =
        Cli.write(
            dir, "junk.npy", "this is not an array, just a line of text long enough for a header");
    assertUserError(forward(junk, null), junk.toString(), "not a .npy file");
    assertUserError(
        forward(dir.resolve("none.npy"), null), dir.resolve("none.npy") + ": no such file");
  }

  @Test
  void badLabels() throws IOException {
    Path floats = dir.resolve("floats.npy");
    Npy.write(floats, Tensor.of(Shape.of(3), 0, 1, 2), NpyType.FLOAT32);
    assertUserError(
        forward(images, floats),
        floats + ": labels must be int32 or int64 class indices, found float32");
    Path range = dir.resolve("range.npy");
    Npy.write(range, Tensor.of(Shape.of(3), 0, 4, 1), NpyType.INT64);
    assertUserError(
        forward(images, range),
        range + ": label 4 at index 1 is not a class of the network (0..3)");
    Path negative = dir.resolve("negative.npy");
    Npy.write(negative, Tensor.of(Shape.of(3), 0, 1, -1), NpyType.INT32);
    assertUserError(forward(images, negative), negative + ": label -1 at index 2");
    Path count = dir.resolve("count.npy");
    Npy.write(count, Tensor.of(Shape.of(2), 0, 1), NpyType.INT64);
    assertUserError(
        forward(images, count),
        count + ": labels of shape [2] do not fit 3 images of " + images,
        "expected [3]");
    Path noClassifier = Cli.write(dir, "n.cnn", "network n {\n  input 2x6x6\n  3F3x3C\n}\n");
    Path w = dir.resolve("wn.npz");
    assertEquals(0, Cli.run("init", noClassifier, "--out", w).status());
    Cli.Run r =
        Cli.run(
            "forward",
            noClassifier,
            "--weights",
            w,
            "--input",
            images,
            "--labels",
            labels,
            "--out",
            dir.resolve("o.npz"));
    assertUserError(r, labels + ": labels need a classifier");
  }

  @Test
  void badWeights() throws IOException {
    Path other =
        Cli.write(dir, "other.cnn", "network o {\n  input 2x6x6\n  5F3x3C\n  logistic 4\n}\n");
    Path w = dir.resolve("other.npz");
    assertEquals(0, Cli.run("init", other, "--out", w).status());
    Cli.Run r =
        Cli.run("forward", net, "--weights", w, "--input", images, "--out", dir.resolve("o.npz"));
    assertUserError(
        r,
        w + ": the weights do not fit network 'f'",
        "missing     L1_conv.gain [3]",
        "wrong shape L1_conv.weight: expected [3, 2, 3, 3], found [5, 2, 3, 3]",
        "unexpected  L2_logistic.weight [4, 80]");
    Path junk = Cli.write(dir, "junk.npz", "junk");
    assertUserError(
        Cli.run(
            "forward", net, "--weights", junk, "--input", images, "--out", dir.resolve("o.npz")),
        junk + ": not a .npz file");
  }

  @Test
  void compiledAndInterpretedBackendsAgree() throws IOException {
    Path c = dir.resolve("compiled.npz");
    Path i = dir.resolve("interpreted.npz");
    assertEquals(
        0,
        Cli.run(
                "forward",
                net,
                "--weights",
                weights,
                "--input",
                images,
                "--labels",
                labels,
                "--out",
                c)
            .status());
    assertEquals(
        0,
        Cli.run(
                "forward",
                net,
                "--weights",
                weights,
                "--input",
                images,
                "--labels",
                labels,
                "--out",
                i,
                "--backend",
                "interpreted")
            .status());
    Map<String, Tensor> compiled = Npz.read(c);
    Map<String, Tensor> interpreted = Npz.read(i);
    assertEquals(interpreted.keySet(), compiled.keySet());
    for (String name : interpreted.keySet()) {
      double[] a = compiled.get(name).data();
      double[] b = interpreted.get(name).data();
      assertEquals(b.length, a.length, name);
      for (int k = 0; k < a.length; k++) {
        // Both run in float32; the compiled kernels sum in another order, so allow a few float ulps
        // of the magnitudes involved.
        assertEquals(b[k], a[k], 1e-5 + 1e-4 * Math.abs(b[k]), name + "[" + k + "]");
      }
    }
  }

  @Test
  void usageErrors() {
    Cli.Run backend =
        Cli.run(
            "forward",
            net,
            "--weights",
            weights,
            "--input",
            images,
            "--out",
            dir.resolve("o.npz"),
            "--backend",
            "gpu");
    assertEquals(2, backend.status(), backend.toString());
    assertTrue(backend.err().contains("--backend must be interpreted or compiled"), backend.err());
    Cli.Run compiled =
        Cli.run(
            "forward",
            net,
            "--weights",
            weights,
            "--input",
            images,
            "--out",
            dir.resolve("o.npz"),
            "--backend",
            "compiled",
            "--precision",
            "f64");
    assertEquals(2, compiled.status(), compiled.toString());
    assertTrue(compiled.err().contains("compiled backend runs in float32 only"), compiled.err());
    assertEquals(
        2,
        Cli.run(
                "forward",
                net,
                "--weights",
                weights,
                "--input",
                images,
                "--out",
                dir.resolve("o.npz"),
                "--precision",
                "f16")
            .status());
    assertEquals(
        2,
        Cli.run("forward", net, "--weights", weights, "--input", images).status(),
        "--out is required");
  }
}
