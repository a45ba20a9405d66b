package convnet.onnx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.onnx.internal.proto.OnnxProto.ModelProto;
import convnet.runtime.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convnet export} as a user runs it: what it writes and says, and how it refuses bad input.
 */
class ExportCommandTest {
  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  Path network(String text) throws IOException {
    Path p = dir.resolve("net.cnn");
    Files.writeString(p, text);
    return p;
  }

  static final String JARRETT =
      "network jarrett_small { input 1x20x20\n16F5x5CSG - Rabs - N - PA2x2\nlogistic 4 }";

  Path weights(Path cnn) {
    Path w = dir.resolve("w.npz");
    Run r = run("init", cnn.toString(), "--seed", "3", "--out", w.toString());
    assertEquals(0, r.status(), r.err());
    return w;
  }

  @Test
  void exportsVerifiesAndSaysSo() throws IOException {
    Path cnn = network(JARRETT);
    Path w = weights(cnn);
    Path onnx = dir.resolve("model.onnx");
    Run r = run("export", cnn.toString(), w.toString(), "--onnx", onnx.toString(), "--batch", "3");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("wrote " + onnx) && r.out().contains("batch 3"), r.out());
    assertTrue(
        r.out().contains("verified in ONNX Runtime on 2 random images (the first of a batch of 3)"),
        r.out());
    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(onnx));
    assertEquals(
        3, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue());
    assertTrue(
        m.getMetadataPropsList().stream()
            .anyMatch(e -> e.getKey().equals("source") && e.getValue().equals(JARRETT)));
    assertNoTemporaryFiles();
  }

  @Test
  void noVerifySkipsTheCheckAndSaysSo() throws IOException {
    Path cnn = network(JARRETT);
    Path onnx = dir.resolve("model.onnx");
    Run r =
        run(
            "export",
            cnn.toString(),
            weights(cnn).toString(),
            "--onnx",
            onnx.toString(),
            "--no-verify");
    assertEquals(0, r.status(), r.err());
    assertTrue(
        r.out().contains("not verified (--no-verify)") && r.out().contains("batch dynamic"),
        r.out());
    assertTrue(Files.size(onnx) > 0);
  }

  @Test
  void aNetworkOnnxCannotHoldIsRefusedBeforeItsWeightsAreRead() throws IOException {
    Path cnn =
        network(
            "network huge { input 1x100x100\nfc1: dense(30000) - fc2: dense(10000)\nlogistic 10 }");
    Path onnx = dir.resolve("model.onnx");
    Run r =
        run(
            "export",
            cnn.toString(),
            dir.resolve("never-read.npz").toString(),
            "--onnx",
            onnx.toString());
    assertEquals(1, r.status(), r.err());
    assertTrue(
        r.err().contains("cannot be exported to ONNX") && r.err().contains("layer fc2"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(onnx));
  }

  @Test
  void badInputsGetClearMessagesAndNoFile() throws IOException {
    Path cnn = network(JARRETT);
    Path w = weights(cnn);
    Path onnx = dir.resolve("model.onnx");
    Run badBatch =
        run("export", cnn.toString(), w.toString(), "--onnx", onnx.toString(), "--batch", "zero");
    assertEquals(2, badBatch.status());
    assertTrue(
        badBatch.err().contains("--batch must be a positive number or 'dynamic'"), badBatch.err());
    Run missing =
        run(
            "export",
            cnn.toString(),
            dir.resolve("nope.npz").toString(),
            "--onnx",
            onnx.toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("nope.npz"), missing.err());
    Path other = network("network other { input 1x20x20\n8F5x5CSG - Rabs - PA2x2\nlogistic 4 }");
    Run wrong = run("export", other.toString(), w.toString(), "--onnx", onnx.toString());
    assertEquals(1, wrong.status());
    assertTrue(wrong.err().contains("do not fit network 'other'"), wrong.err());
    Run folder = run("export", cnn.toString(), w.toString(), "--onnx", dir.toString());
    assertEquals(1, folder.status());
    assertTrue(folder.err().contains("is a folder"), folder.err());
    Run noFolder =
        run(
            "export",
            cnn.toString(),
            w.toString(),
            "--onnx",
            dir.resolve("no/such/m.onnx").toString());
    assertEquals(1, noFolder.status());
    assertTrue(noFolder.err().contains("no such folder"), noFolder.err());
    Run clobber = run("export", cnn.toString(), w.toString(), "--onnx", w.toString());
    assertEquals(2, clobber.status());
    Path badCnn = network("network x { input 1x20x20\n8F5x5CSG - Rabz\nlogistic 4 }");
    Run syntax = run("export", badCnn.toString(), w.toString(), "--onnx", onnx.toString());
    assertEquals(1, syntax.status());
    assertTrue(syntax.err().contains("net.cnn:2:") && syntax.err().contains("Rabz"), syntax.err());
    assertFalse(Files.exists(onnx));
    assertNoTemporaryFiles();
  }

  private void assertNoTemporaryFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(
          s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
          "a temporary file was left behind");
    }
  }
}
