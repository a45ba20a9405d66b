package convnet.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.onnx.api.OnnxExport;
import convnet.runtime.api.CheckReport;
import convnet.runtime.api.ConvNet;
import convnet.runtime.api.ConvNetException;
import convnet.runtime.api.DataSet;
import convnet.runtime.api.Diagnostic;
import convnet.runtime.api.EpochResult;
import convnet.runtime.api.Evaluation;
import convnet.runtime.api.NdArray;
import convnet.runtime.api.TrainOptions;
import convnet.runtime.api.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API as a program uses it, through the public {@code api} packages only. */
class ApiTest {
  @TempDir Path dir;

  static final String SMALL =
      """
      network small {
          input 1x12x12
          8F3x3CSG - Rabs - N - PA2x2
          dense(16) - relu - dropout(0.25)
          logistic 3
      }
      """;

  static NdArray images(int n, long seed) {
    Random r = new Random(seed);
    float[] px = new float[n * 144];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) r.nextGaussian();
    }
    return NdArray.of(new int[] {n, 1, 12, 12}, px);
  }

  @Test
  void checkReturnsDiagnosticsAsValues() {
    CheckReport ok = ConvNet.check(SMALL, "small.cnn");
    assertTrue(ok.ok() && ok.diagnostics().isEmpty(), ok.rendered());
    assertEquals("small", ok.name());
    CheckReport bad =
        ConvNet.check("network x {\n  input 1x12x12\n  8F3x3CSG - Rabz\n  logistic 3\n}", "x.cnn");
    assertFalse(bad.ok());
    Diagnostic d = bad.errors().get(0);
    assertEquals("x.cnn", d.file());
    assertEquals(3, d.line());
    assertEquals(14, d.column());
    assertTrue(d.message().contains("Rabz"), d.message());
    assertTrue(d.rendered().contains("^"), d.rendered());
  }

  @Test
  void aBadNetworkThrowsWithItsDiagnosticsAndNoParserTypes() {
    ConvNetException e =
        assertThrows(
            ConvNetException.class,
            () -> ConvNet.parse("network x { input 1x12x12\n 8F3x3CSG - - PA2x2 }", "x.cnn"));
    assertFalse(e.diagnostics().isEmpty());
    assertTrue(e.getMessage().startsWith("x.cnn:2:"), e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(
          t.getClass().getName().startsWith("org.antlr")
              || t.getClass().getName().startsWith("org.objectweb"),
          t.getClass().getName());
    }
    ConvNetException missing =
        assertThrows(ConvNetException.class, () -> ConvNet.load(dir.resolve("none.cnn")));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
  }

  @Test
  void weightsInitSaveLoadAndForward() {
    ConvNet net = ConvNet.parse(SMALL, "small.cnn");
    assertArrayEquals(new int[] {1, 12, 12}, net.inputShape());
    assertEquals(3, net.classes());
    assertEquals(
        List.of(
            "L1_conv.weight",
            "L1_conv.bias",
            "L1_conv.gain",
            "L5_dense.weight",
            "L5_dense.bias",
            "L8_logistic.weight",
            "L8_logistic.bias"),
        net.parameterNames());
    Weights w = net.initWeights(4);
    assertEquals(w.asMap().keySet(), net.parameterShapes().keySet());
    Path file = dir.resolve("w.npz");
    w.writeNpz(file);
    Weights back = net.loadWeights(file);
    assertEquals(w.asMap(), back.asMap());
    NdArray logits = net.forward(back, images(5, 1));
    assertArrayEquals(new int[] {5, 3}, logits.shape());
    // Each image is computed on its own: the first image alone gives the same logits.
    NdArray one =
        net.forward(
            back,
            NdArray.of(
                new int[] {1, 1, 12, 12},
                java.util.Arrays.copyOf(images(5, 1).toFloatArray(), 144)));
    for (int k = 0; k < 3; k++) {
      assertEquals(logits.get(0, k), one.get(0, k), 1e-5);
    }
    ConvNetException wrong =
        assertThrows(
            ConvNetException.class,
            () ->
                net.forward(
                    w.with("L1_conv.gain", NdArray.of(new int[] {7}, new float[7])), images(1, 1)));
    assertTrue(wrong.getMessage().contains("wrong shape L1_conv.gain"), wrong.getMessage());
  }

  @Test
  void gradientsPointDownhill() {
    ConvNet net = ConvNet.parse(SMALL, "small.cnn");
    Weights w = net.initWeights(2);
    NdArray x = images(4, 3);
    int[] labels = {0, 1, 2, 1};
    ConvNet.Gradients g = net.gradients(w, x, labels);
    assertArrayEquals(x.shape(), g.input().shape());
    // A small step against the gradient of the dense weight lowers the loss, as a first-order step
    // must.
    String p = "L5_dense.weight";
    float[] v = w.get(p).toFloatArray();
    float[] d = g.parameters().get(p).toFloatArray();
    for (int i = 0; i < v.length; i++) {
      v[i] -= 0.5f * d[i];
    }
    double after = net.gradients(w.with(p, NdArray.of(w.get(p).shape(), v)), x, labels).loss();
    assertTrue(after < g.loss(), "loss " + g.loss() + " -> " + after);
  }

  @Test
  void trainingCallsBackEachEpochAndCanBeStopped() {
    ConvNet net = ConvNet.parse(SMALL, "small.cnn");
    NdArray x = images(96, 5);
    int[] labels = new int[96];
    float[] px = x.toFloatArray();
    for (int i = 0; i < 96; i++) {
      labels[i] = i % 3;
      // A learnable signal: the class shifts the image's mean.
      for (int j = 0; j < 144; j++) {
        px[i * 144 + j] += labels[i] - 1;
      }
    }
    DataSet data = DataSet.of(NdArray.of(x.shape(), px), labels, List.of("a", "b", "c"));
    TrainOptions options = new TrainOptions(4, 16, 0.05, 0.9, 0, false, 1);
    List<EpochResult> seen = new ArrayList<>();
    Weights trained =
        net.train(net.initWeights(1), data, data, options, r -> seen.add(r) && r.epoch() < 3);
    assertEquals(3, seen.size(), "stopped after the epoch whose callback said so");
    assertEquals(List.of(1, 2, 3), seen.stream().map(EpochResult::epoch).toList());
    Evaluation e = net.evaluate(trained, data);
    assertEquals(seen.get(2).testAccuracy(), e.accuracy(), 1e-9);
    assertTrue(e.accuracy() > 0.9, "the mean shift is easy to learn: " + e.accuracy());
    long total = 0;
    for (long[] row : e.confusion()) {
      for (long c : row) {
        total += c;
      }
    }
    assertEquals(96, total);
    assertTrue(
        e.confusionText().contains("a") && e.confusionText().contains("c"), e.confusionText());
  }

  @Test
  void exportToOnnx() throws Exception {
    ConvNet net = ConvNet.parse(SMALL, "small.cnn");
    Weights w = net.initWeights(3);
    Path out = dir.resolve("small.onnx");
    OnnxExport.Result r = OnnxExport.export(net, w, out, OnnxExport.DYNAMIC_BATCH, true);
    assertEquals(Files.size(out), r.bytes());
    assertTrue(r.verification().startsWith("verified in ONNX Runtime"), r.verification());
    OnnxExport.Result unverified = OnnxExport.export(net, w, dir.resolve("b.onnx"), 2, false);
    assertNull(unverified.verification());
    assertTrue(OnnxExport.toBytes(net, w, 0).length > 1000);
    ConvNetException e =
        assertThrows(
            ConvNetException.class,
            () -> OnnxExport.export(net, Weights.of(Map.of()), dir.resolve("c.onnx"), 0, true));
    assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("c.onnx")));
  }
}
