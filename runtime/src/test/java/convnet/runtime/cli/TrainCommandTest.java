package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.Npz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convnet train} and {@code convnet eval} through the command line, on the shipped subset
 * cut to a few hundred images and a network small enough for the interpreter.
 */
class TrainCommandTest {
  static final String NET =
      """
      network tiny {
          input 1x28x28
          4F5x5CSG - PA4x4
          logistic 10
          train {
              epochs = 1
              batch = 32
              optimizer = sgd(lr=0.05, momentum=0.9)
              seed = 3
          }
      }
      """;

  static final String[] QUICK = {
    "--data",
    "fashion-mnist-subset",
    "--limit-train",
    "320",
    "--limit-test",
    "160",
    "--backend",
    "interpreted"
  };

  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  private String[] train(Path net, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("train", net.toString()));
    List<String> more = List.of(extra);
    args.addAll(more.contains("--data") ? List.of(QUICK).subList(2, QUICK.length) : List.of(QUICK));
    args.addAll(more);
    return args.toArray(String[]::new);
  }

  private Path net() throws IOException {
    Path p = dir.resolve("tiny.cnn");
    Files.writeString(p, NET);
    return p;
  }

  private static void assertNoStackTrace(Run r) {
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
  }

  @Test
  void jsonLinesPerEpochAndAFinalOneThenEvalAgrees() throws IOException {
    Path net = net();
    Path out = dir.resolve("run");
    Run r = run(train(net, "--epochs", "2", "--json", "--out", out.toString()));
    assertEquals(0, r.status(), r.err());
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines =
        r.out()
            .lines()
            .map(
                l -> {
                  try {
                    return json.readTree(l);
                  } catch (IOException e) {
                    throw new AssertionError("not JSON: " + l, e);
                  }
                })
            .toList();
    assertEquals(3, lines.size(), r.out());
    for (int e = 0; e < 2; e++) {
      JsonNode o = lines.get(e);
      assertEquals(e + 1, o.get("epoch").asInt(), o.toString());
      for (String key : List.of("loss", "train_accuracy", "test_accuracy", "images_per_s")) {
        assertTrue(o.get(key).isNumber(), key + " in " + o);
      }
    }
    JsonNode last = lines.get(2);
    assertTrue(last.get("final").asBoolean(), last.toString());
    assertEquals(out.toString(), last.get("run_folder").asText());
    double reported = last.get("test_accuracy").asDouble();

    Run eval =
        run(
            "eval",
            net.toString(),
            "--weights",
            out.resolve("weights-final.npz").toString(),
            "--backend",
            "interpreted",
            "--json");
    assertEquals(0, eval.status(), eval.err());
    JsonNode e = json.readTree(eval.out());
    assertEquals(reported, e.get("accuracy").asDouble(), 0.0, "eval vs the run's final line");
    assertEquals(160, e.get("images").asInt());
    assertEquals("Trouser", e.get("classes").get(1).asText());

    Run text =
        run(
            "eval",
            net.toString(),
            "--weights",
            out.resolve("weights-final.npz").toString(),
            "--backend",
            "interpreted");
    assertEquals(0, text.status(), text.err());
    assertTrue(text.out().contains("accuracy ") && text.out().contains("Ankle boot"), text.out());
  }

  @Test
  void stoppedByTheHookThenResumedThroughTheCliEqualsAnUninterruptedRun() throws IOException {
    Path net = net();
    Path whole = dir.resolve("whole");
    assertEquals(0, run(train(net, "--epochs", "2", "--json", "--out", whole.toString())).status());
    Path parts = dir.resolve("parts");
    Run stopped =
        run(train(net, "--epochs", "2", "--out", parts.toString(), "--stop-after-steps", "13"));
    assertEquals(130, stopped.status(), stopped.err());
    assertTrue(stopped.out().contains("--resume " + parts), stopped.out());
    Run resumed = run("train", net.toString(), "--resume", parts.toString(), "--json");
    assertEquals(0, resumed.status(), resumed.err());
    Map<String, Tensor> a = Npz.read(whole.resolve("checkpoint.npz"));
    Map<String, Tensor> b = Npz.read(parts.resolve("checkpoint.npz"));
    assertEquals(a, b, "parameters, velocities and state after resume");
  }

  @Test
  void protocolRKeepsTheStageFiltersAtTheirInitialValues() throws IOException {
    Path net = net();
    Path out = dir.resolve("r");
    Run r = run(train(net, "--protocol", "R", "--json", "--out", out.toString()));
    assertEquals(0, r.status(), r.err());
    Map<String, Tensor> init = convnet.runtime.model.NetworkModel.load(net, null).init(3);
    Map<String, Tensor> after = Npz.read(out.resolve("checkpoint.npz"));
    for (String p : List.of("L1_conv.weight", "L1_conv.bias", "L1_conv.gain")) {
      assertEquals(init.get(p), after.get(p), p + " must stay at its random value");
    }
    assertFalse(
        init.get("L3_logistic.weight").equals(after.get("L3_logistic.weight")),
        "the classifier always trains");
    Run u = run(train(net, "--protocol", "RR", "--out", dir.resolve("u").toString()));
    assertEquals(2, u.status(), "a protocol flag the network cannot run is bad usage");
    assertTrue(u.err().contains("1 conv stage"), u.err());
    assertFalse(Files.exists(dir.resolve("u")));
  }

  @Test
  void divergingLearningRateExitsOneNamingStepAndLayer() throws IOException {
    Path out = dir.resolve("nan");
    Run r = run(train(net(), "--lr", "1e6", "--out", out.toString()));
    assertEquals(1, r.status(), r.err());
    assertNoStackTrace(r);
    assertTrue(r.err().contains("training diverged at epoch 1, batch "), r.err());
    assertTrue(r.err().contains("(step "), r.err());
    assertTrue(r.err().contains("layer L"), r.err());
    assertTrue(Files.isRegularFile(out.resolve("checkpoint.json")), "last good checkpoint kept");
  }

  @Test
  void anExistingRunFolderIsRefused() throws IOException {
    Path out = dir.resolve("taken");
    Files.createDirectories(out);
    Files.writeString(out.resolve("x"), "x");
    Run r = run(train(net(), "--out", out.toString()));
    assertEquals(1, r.status());
    assertTrue(r.err().contains("never overwrites"), r.err());
    assertNoStackTrace(r);
    Run both = run(train(net(), "--out", out.toString(), "--resume", out.toString()));
    assertEquals(2, both.status(), both.err());
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  static byte[] images(int n, int side) {
    ByteBuffer b = ByteBuffer.allocate(16 + n * side * side);
    b.putInt(0x803).putInt(n).putInt(side).putInt(side);
    for (int i = 0; i < n * side * side; i++) {
      b.put((byte) (i * 31));
    }
    return b.array();
  }

  static byte[] labels(int n) {
    ByteBuffer b = ByteBuffer.allocate(8 + n);
    b.putInt(0x801).putInt(n);
    for (int i = 0; i < n; i++) {
      b.put((byte) (i % 10));
    }
    return b.array();
  }

  /** An IDX data set of 28x28 images, with one file replaced by {@code bad} when given. */
  private Path idx(String name, String badFile, byte[] bad) throws IOException {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    Files.write(d.resolve("train-images-idx3-ubyte"), images(64, 28));
    Files.write(d.resolve("train-labels-idx1-ubyte"), labels(64));
    Files.write(d.resolve("t10k-images-idx3-ubyte"), images(32, 28));
    Files.write(d.resolve("t10k-labels-idx1-ubyte"), labels(32));
    if (badFile != null) {
      Files.write(d.resolve(badFile), bad);
    }
    return d;
  }

  @Test
  void goodIdxDataTrains() throws IOException {
    Path data = idx("good", null, null);
    Run r =
        run(train(net(), "--data", "idx:" + data, "--json", "--out", dir.resolve("ok").toString()));
    assertEquals(0, r.status(), r.err());
  }

  @Test
  void corruptTruncatedAndMismatchedDataFailCleanlyWithoutARunFolder() throws IOException {
    byte[] truncatedImages = Arrays.copyOf(images(64, 28), 16 + 28 * 28 * 10);
    byte[] corruptGzip = Arrays.copyOf(gzip(images(64, 28)), 200);
    byte[] wrongMagic = images(64, 28);
    wrongMagic[3] = 0x05;
    Object[][] cases = {
      {"truncated", "train-images-idx3-ubyte", truncatedImages, "train-images-idx3-ubyte"},
      {"magic", "train-images-idx3-ubyte", wrongMagic, "train-images-idx3-ubyte"},
      {"count", "train-labels-idx1-ubyte", labels(50), "train"},
      {"size", "t10k-images-idx3-ubyte", images(32, 32), "test images are 1x32x32"},
    };
    for (Object[] c : cases) {
      Path data = idx((String) c[0], (String) c[1], (byte[]) c[2]);
      Path out = dir.resolve("out-" + c[0]);
      Run r = run(train(net(), "--data", "idx:" + data, "--out", out.toString()));
      assertEquals(1, r.status(), c[0] + ": " + r.err());
      assertNoStackTrace(r);
      assertTrue(r.err().contains((String) c[3]), c[0] + ": " + r.err());
      assertFalse(Files.exists(out), c[0] + ": a run that cannot start leaves no folder");
    }
    Path gz = dir.resolve("gz");
    idx("gz", null, null);
    Files.delete(dir.resolve("gz/train-images-idx3-ubyte"));
    Files.write(gz.resolve("train-images-idx3-ubyte.gz"), corruptGzip);
    Run r = run(train(net(), "--data", "idx:" + gz, "--out", dir.resolve("out-gz").toString()));
    assertEquals(1, r.status(), r.err());
    assertNoStackTrace(r);
    assertTrue(r.err().contains("gzip") || r.err().contains("truncated"), r.err());
    assertFalse(Files.exists(dir.resolve("out-gz")));
  }

  @Test
  void dataOfAnotherShapeOrClassCountIsAClearError() throws IOException {
    Path net5 = dir.resolve("five.cnn");
    Files.writeString(net5, NET.replace("logistic 10", "logistic 5"));
    Run r = run(train(net5, "--out", dir.resolve("five").toString()));
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("10 classes") && r.err().contains("5 outputs"), r.err());
    Path rgb = dir.resolve("rgb.cnn");
    Files.writeString(rgb, NET.replace("1x28x28", "1x32x32"));
    Run s = run(train(rgb, "--out", dir.resolve("rgb").toString()));
    assertEquals(1, s.status(), s.err());
    assertTrue(s.err().contains("1x28x28") && s.err().contains("1x32x32"), s.err());
    assertNoStackTrace(s);
  }

  @Test
  void aNetworkWithoutClassifierFailsBeforeAnyRunFolderExists() throws IOException {
    Path net = dir.resolve("dense.cnn");
    Files.writeString(net, "network d {\n    input 1x28x28\n    dense(10)\n}\n");
    Path out = dir.resolve("d");
    Run r = run(train(net, "--out", out.toString()));
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("logistic"), r.err());
    assertNoStackTrace(r);
    assertFalse(Files.exists(out));
  }

  @Test
  void badFlagsAreReportedClearly() throws IOException {
    Path net = net();
    // A bad flag value is bad usage (2), like a flag picocli cannot parse; the same value in the
    // train block is an error in the file (1).
    Run schedule = run(train(net, "--schedule", "linear", "--out", dir.resolve("a").toString()));
    assertEquals(2, schedule.status());
    assertTrue(schedule.err().contains("step(every=N,gamma=G)"), schedule.err());
    Run epochs = run(train(net, "--epochs", "0", "--out", dir.resolve("b").toString()));
    assertEquals(2, epochs.status());
    assertTrue(epochs.err().contains("epochs must be at least 1"), epochs.err());
    Run backend =
        run(
            "train",
            net.toString(),
            "--data",
            "fashion-mnist-subset",
            "--backend",
            "gpu",
            "--out",
            dir.resolve("c").toString());
    assertEquals(2, backend.status());
    assertTrue(backend.err().contains("compiled or interpreted"), backend.err());
    assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")));
    Run missing = run("train", dir.resolve("nope.cnn").toString());
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("no such file"), missing.err());
    Run resume = run("train", net.toString(), "--resume", dir.resolve("none").toString());
    assertEquals(1, resume.status());
    assertTrue(resume.err().contains("no such run folder"), resume.err());
  }

  @Test
  void helpExplainsEveryOption() {
    Run r = run("train", "--help");
    assertEquals(0, r.status());
    for (String o :
        List.of(
            "--data",
            "--epochs",
            "--batch",
            "--lr",
            "--momentum",
            "--weight-decay",
            "--schedule",
            "--augment",
            "--preprocess",
            "--protocol",
            "--seed",
            "--backend",
            "--limit-train",
            "--limit-test",
            "--out",
            "--resume",
            "--json")) {
      assertTrue(r.out().contains(o), o);
    }
    Run e = run("eval", "--help");
    assertEquals(0, e.status());
    assertTrue(e.out().contains("--weights") && e.out().contains("confusion"), e.out());
  }

  @Test
  void evalRefusesWeightsOfAnotherNetwork() throws IOException {
    Path w = dir.resolve("w.npz");
    Npz.write(
        w,
        Map.of("other.weight", Tensor.zeros(convnet.autodiff.Shape.of(2, 2))),
        convnet.autodiff.io.NpyType.FLOAT32);
    Run r = run("eval", net().toString(), "--weights", w.toString(), "--backend", "interpreted");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("missing") && r.err().contains("L1_conv.weight"), r.err());
    assertNoStackTrace(r);
    Files.writeString(dir.resolve("junk.npz"), "not a zip");
    Run junk = run("eval", net().toString(), "--weights", dir.resolve("junk.npz").toString());
    assertEquals(1, junk.status());
    assertNoStackTrace(junk);
  }
}
