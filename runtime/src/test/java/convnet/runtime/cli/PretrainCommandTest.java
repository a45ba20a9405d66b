package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.Npz;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocols U and U+ through {@code convnet train}, and {@code convnet pretrain}, on the shipped
 * subset cut to 128 images: U filters are the pre-trained ones at the end of supervised training,
 * U+ filters moved on from them; pre-training stopped and resumed is bitwise the uninterrupted one;
 * bad settings are errors with their place and reason.
 */
class PretrainCommandTest {
  static final String NET =
      """
      network tiny {
          input 1x28x28
          4F5x5CSG - Rabs - PA4x4
          logistic 10
          train {
              epochs = 1
              batch = 32
              optimizer = sgd(lr=0.05, momentum=0.9)
              seed = 3
              pretrain = psd(epochs=2, steps=5)
          }
      }
      """;

  static final List<String> QUICK =
      List.of("--data", "fashion-mnist-subset", "--limit-train", "128");

  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  static Run run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Main.execute(
            args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  private Path net(String text) throws IOException {
    Path p = dir.resolve("tiny.cnn");
    Files.writeString(p, text);
    return p;
  }

  private static List<String> args(String command, Path net, String... extra) {
    List<String> a = new ArrayList<>(List.of(command, net.toString()));
    a.addAll(QUICK);
    if (command.equals("train")) {
      a.addAll(List.of("--limit-test", "64"));
    }
    a.addAll(List.of(extra));
    return a;
  }

  private static void assertClean(Run r) {
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
  }

  private static final List<String> FILTERS =
      List.of("L1_conv.weight", "L1_conv.bias", "L1_conv.gain");

  @Test
  void protocolUKeepsThePretrainedFiltersThroughSupervisedTraining() throws IOException {
    Path net = net(NET);
    Path out = dir.resolve("u");
    Run r = run(args("train", net, "--protocol", "U", "--json", "--out", out.toString()));
    assertEquals(0, r.status(), r.err());
    List<JsonNode> pretrain = new ArrayList<>();
    for (String line : r.out().strip().split("\n")) {
      JsonNode o = new ObjectMapper().readTree(line);
      if ("pretrain".equals(o.path("phase").asText())) {
        pretrain.add(o);
      }
    }
    assertEquals(2, pretrain.size(), r.out());
    for (String key :
        List.of(
            "stage",
            "layer",
            "epoch",
            "reconstruction_error",
            "mean_abs_code",
            "prediction_error",
            "seconds")) {
      assertTrue(pretrain.get(0).has(key), key + " missing: " + pretrain.get(0));
    }
    assertEquals(3, Files.readAllLines(out.resolve("pretrain/metrics.csv")).size());
    assertTrue(Files.size(out.resolve("pretrain/dictionary.png")) > 100);
    Map<String, Tensor> pretrained = Npz.read(out.resolve("pretrain/weights.npz"));
    Map<String, Tensor> trained = Npz.read(out.resolve("weights-final.npz"));
    Map<String, Tensor> init = convnet.runtime.model.NetworkModel.load(net, null).init(3);
    for (String p : FILTERS) {
      assertArrayEquals(pretrained.get(p).data(), trained.get(p).data(), p + " moved under U");
      assertFalse(init.get(p).equals(trained.get(p)), p + " is still the random start");
    }
    assertFalse(
        pretrained.get("L4_logistic.weight").equals(trained.get("L4_logistic.weight")),
        "the classifier always trains");
    assertTrue(pretrained.containsKey("L1_conv.decoder"));
    assertFalse(trained.containsKey("L1_conv.decoder"), "training weights hold no dictionary");
  }

  @Test
  void protocolUPlusFineTunesThePretrainedFilters() throws IOException {
    Path net = net(NET);
    Path out = dir.resolve("uplus");
    Run r = run(args("train", net, "--protocol", "U+", "--out", out.toString()));
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("pretrain stage 1 (L1_conv) epoch 2/2"), r.out());
    Map<String, Tensor> pretrained = Npz.read(out.resolve("pretrain/weights.npz"));
    Map<String, Tensor> trained = Npz.read(out.resolve("weights-final.npz"));
    assertFalse(
        pretrained.get("L1_conv.weight").equals(trained.get("L1_conv.weight")),
        "U+ filters must learn with labels after pre-training");
  }

  @Test
  void pretrainStoppedAndResumedEqualsOneNeverStopped() throws IOException {
    Path net = net(NET);
    Path whole = dir.resolve("whole.npz");
    Run a =
        run(
            args(
                "pretrain",
                net,
                "--run",
                dir.resolve("a").toString(),
                "--out",
                whole.toString(),
                "--json"));
    assertEquals(0, a.status(), a.err());
    String last = a.out().strip().substring(a.out().strip().lastIndexOf('\n') + 1);
    assertTrue(new ObjectMapper().readTree(last).path("final").asBoolean(), a.out());
    assertTrue(Files.size(dir.resolve("a/dictionary.png")) > 100);
    // 4 batches per epoch: stopped in the second epoch, resumed from the end of the first.
    Run stopped =
        run(
            args(
                "pretrain",
                net,
                "--run",
                dir.resolve("b").toString(),
                "--stop-after-batches",
                "6"));
    assertEquals(130, stopped.status(), stopped.err());
    assertTrue(stopped.out().contains("--resume"), stopped.out());
    Path resumed = dir.resolve("resumed.npz");
    Run b =
        run(
            List.of(
                "pretrain",
                net.toString(),
                "--resume",
                dir.resolve("b").toString(),
                "--out",
                resumed.toString()));
    assertEquals(0, b.status(), b.err());
    Map<String, Tensor> x = Npz.read(whole);
    Map<String, Tensor> y = Npz.read(resumed);
    assertEquals(x.keySet(), y.keySet());
    assertTrue(x.containsKey("L1_conv.decoder"), x.keySet().toString());
    x.forEach((name, t) -> assertArrayEquals(t.data(), y.get(name).data(), name));
  }

  @Test
  void pretrainOutputStartsTrainingWithInit() throws IOException {
    Path net = net(NET);
    Path weights = dir.resolve("pretrained.npz");
    Run pre =
        run(
            args(
                "pretrain",
                net,
                "--run",
                dir.resolve("p").toString(),
                "--out",
                weights.toString()));
    assertEquals(0, pre.status(), pre.err());
    assertTrue(Npz.read(weights).containsKey("L1_conv.decoder"));
    Path out = dir.resolve("init");
    Run r =
        run(
            args(
                "train",
                net,
                "--init",
                weights.toString(),
                "--protocol",
                "R",
                "--out",
                out.toString()));
    assertEquals(0, r.status(), r.err());
    assertClean(r);
    Map<String, Tensor> pretrained = Npz.read(weights);
    Map<String, Tensor> trained = Npz.read(out.resolve("weights-final.npz"));
    // R keeps the given filters fixed: the pre-trained ones, the dictionary left out.
    for (String p : FILTERS) {
      assertArrayEquals(pretrained.get(p).data(), trained.get(p).data(), p);
    }
    assertFalse(trained.containsKey("L1_conv.decoder"));
  }

  @Test
  void badSettingsAreErrorsWithPlaceAndReason() throws IOException {
    Path net = net(NET.replace("psd(epochs=2, steps=5)", "psd(lambda=-1, steps=0)"));
    Run r = run(args("pretrain", net, "--run", dir.resolve("x").toString()));
    assertEquals(1, r.status(), r.err());
    assertClean(r);
    assertTrue(
        r.err().contains("tiny.cnn:10:") && r.err().contains("lambda of 'psd' must be in [0"),
        r.err());
    assertTrue(r.err().contains("steps of 'psd' must be between 1"), r.err());
    assertFalse(Files.exists(dir.resolve("x")));

    Path good = net(NET);
    Run stage = run(args("pretrain", good, "--stage", "2"));
    assertEquals(2, stage.status(), stage.err());
    assertTrue(stage.err().contains("has 1 conv stage"), stage.err());
    Run self = run(args("pretrain", good, "--out", good.toString()));
    assertEquals(2, self.status(), self.err());
    assertTrue(self.err().contains("is the network file"), self.err());
    assertTrue(Files.readString(good).contains("network tiny"), "the network file was overwritten");
    Run nowhere = run(args("pretrain", good, "--out", dir.resolve("no/such/w.npz").toString()));
    assertEquals(2, nowhere.status(), nowhere.err());
    Run letters =
        run(args("train", good, "--protocol", "UU", "--out", dir.resolve("y").toString()));
    assertEquals(2, letters.status(), letters.err());
    assertTrue(
        letters.err().contains("2 stage letters") && letters.err().contains("1 conv stage"),
        letters.err());
    assertFalse(Files.exists(dir.resolve("y")));
    Path inFile = net(NET.replace("seed = 3", "seed = 3\n        protocol = UU"));
    Run block = run(args("train", inFile, "--out", dir.resolve("z").toString()));
    assertEquals(1, block.status(), block.err());
    assertTrue(
        block.err().contains("tiny.cnn:10:") && block.err().contains("1 conv stage"), block.err());
  }

  @Test
  void aStageThatIsNotAFilterBankCannotBeU() throws IOException {
    Path net =
        net(
            """
        network nin {
            input 1x28x28
            mlpconv(maps=[4, 4], kernel=5x5, act=relu) - PA4x4
            logistic 10
        }
        """);
    Run r = run(args("train", net, "--protocol", "U", "--out", dir.resolve("m").toString()));
    assertEquals(1, r.status(), r.err());
    assertClean(r);
    assertTrue(r.err().contains("L1_mlpconv") && r.err().contains("cannot be U"), r.err());
    assertFalse(Files.exists(dir.resolve("m")));
  }
}
