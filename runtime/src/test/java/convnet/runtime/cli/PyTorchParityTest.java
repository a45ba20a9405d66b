package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.Npy;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark B1 written directly in PyTorch loads the weights of {@code convnet init} as its
 * state_dict (strict) and gives the logits, loss and every gradient that {@code convnet forward}
 * gives. Skipped when python3 with torch is absent.
 */
class PyTorchParityTest {
  /** The first of -Dconvnet.python, python3 on the PATH and the system's python3 that has torch. */
  private static String python;

  @TempDir Path dir;

  @BeforeAll
  static void requireTorch() throws Exception {
    java.util.List<String> candidates = new java.util.ArrayList<>();
    if (System.getProperty("convnet.python") != null) {
      candidates.add(System.getProperty("convnet.python"));
    }
    candidates.add("python3");
    candidates.add("/usr/bin/python3");
    for (String c : candidates) {
      try {
        Process p =
            new ProcessBuilder(c, "-c", "import torch, numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
          python = c;
          return;
        }
      } catch (IOException e) {
        // Not installed under this name: try the next.
      }
    }
    assumeTrue(false, "no python3 with torch and numpy among " + candidates);
  }

  @Test
  void b1MatchesPyTorch() throws Exception {
    Path b1 = Cli.examples().resolve("bench/b1.cnn");
    Path weights = dir.resolve("w.npz");
    assertEquals(0, Cli.run("init", b1, "--seed", 11, "--out", weights).status());
    Random r = new Random(11);
    int batch = 3;
    double[] x = new double[batch * 28 * 28];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    Path images = dir.resolve("x.npy");
    Npy.write(images, Tensor.wrap(Shape.of(batch, 1, 28, 28), x), NpyType.FLOAT32);
    Path labels = dir.resolve("y.npy");
    Npy.write(labels, Tensor.of(Shape.of(batch), 7, 0, 3), NpyType.INT64);
    Path ours = dir.resolve("ours.npz");
    Cli.Run run =
        Cli.run(
            "forward",
            b1,
            "--weights",
            weights,
            "--input",
            images,
            "--labels",
            labels,
            "--out",
            ours,
            "--precision",
            "f64");
    assertEquals(0, run.status(), run.toString());

    Path script = dir.resolve("b1_reference.py");
    try (InputStream in = getClass().getResourceAsStream("/pytorch/b1_reference.py")) {
      Files.write(script, in.readAllBytes());
    }
    Path theirs = dir.resolve("theirs.npz");
    Process p =
        new ProcessBuilder(
                python,
                script.toString(),
                weights.toString(),
                images.toString(),
                labels.toString(),
                theirs.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(
        p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0,
        "the PyTorch reference failed:\n" + log);

    Map<String, Tensor> a = Npz.read(ours);
    Map<String, Tensor> b = Npz.read(theirs);
    assertEquals(a.keySet(), b.keySet(), "the same outputs and gradient names");
    assertEquals(11, a.size(), a.keySet().toString());
    for (String k : a.keySet()) {
      Tensor t = b.get(k);
      double scale = t.maxAbsDiff(Tensor.zeros(t.shape()));
      double diff = a.get(k).maxAbsDiff(t);
      // Both in float64; only the order of summation differs.
      assertTrue(
          diff <= 1e-10 * (1 + scale),
          k + ": differs from PyTorch by " + diff + " at a scale of " + scale);
      assertTrue(scale > 0, k + " is all zeros: the comparison would prove nothing");
    }
  }
}
