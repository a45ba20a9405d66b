package convnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.Layer;
import convnet.dsl.LayerArgs;
import convnet.dsl.LayerKind;
import convnet.dsl.MapShape;
import convnet.dsl.Network;
import convnet.dsl.TrainSpec;
import convnet.runtime.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every network of the literature in examples/ checks cleanly and has the published figures. */
class ExamplesTest {

  static Path dir() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  }

  static Stream<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(dir())) {
      return s
          .filter(
              p ->
                  p.toString().endsWith(".cnn")
                      && !p.toString().contains("/target/")
                      && !p.toString().contains("/sweeps/"))
          .sorted()
          .toList()
          .stream();
    }
  }

  static Network network(String relative) {
    Path p = dir().resolve(relative);
    try {
      CheckResult r = Checker.checkBytes(Files.readAllBytes(p), relative);
      assertTrue(r.ok(), () -> r.diagnostics().render(""));
      return r.network();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + p, e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void everyExampleChecksWithoutErrorsOrWarnings(Path file) throws IOException {
    CheckResult r = Checker.checkBytes(Files.readAllBytes(file), file.getFileName().toString());
    assertTrue(r.ok() && r.diagnostics().isEmpty(), () -> r.diagnostics().render(""));
    assertEquals(
        LayerKind.LOGISTIC,
        r.network().layers().get(r.network().layers().size() - 1).kind(),
        file.toString());
  }

  @Test
  void theExpectedExamplesExist() throws IOException {
    List<String> names =
        files().map(p -> dir().relativize(p).toString().replace('\\', '/')).toList();
    assertTrue(
        names.containsAll(
            List.of(
                "alexnet.cnn",
                "fashion.cnn",
                "jarrett_caltech.cnn",
                "jarrett_fcsg_pa.cnn",
                "jarrett_fcsg_rabs_pa.cnn",
                "jarrett_fcsg_rabs_n_pa.cnn",
                "jarrett_fcsg_pm.cnn",
                "lenet5.cnn",
                "zeiler_fergus.cnn",
                "network_in_network.cnn",
                "maxout.cnn",
                "bench/b1.cnn",
                "bench/b2.cnn",
                "bench/b3.cnn",
                "bench/b4.cnn",
                "bench/b5.cnn")),
        names.toString());
  }

  @Test
  void alexNetHasKrizhevskysSixtyMillionParameters() {
    Network n = network("alexnet.cnn");
    assertEquals(60_965_224L, n.totalParameters());
    // Each unit once (a relu after a dense layer adds none): the paper's "650,000 neurons".
    assertEquals(659_272L, n.totalNeurons());
    assertEquals(new MapShape(96, 55, 55), n.layers().get(0).output());
    assertEquals(new MapShape(256, 6, 6), n.layers().get(9).output());
    assertEquals(
        List.of(256, 48, 5, 5),
        n.layers().get(3).params().get(0).shape(),
        "conv2 is split into two groups");
  }

  @Test
  void alexNetThroughTheCommandLine() throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // ImageNet does not ship: its folder is given as the data, as 'convnet train --data' would.
    int status =
        Main.execute(
            new String[] {
              "check",
              dir().resolve("alexnet.cnn").toString(),
              "--json",
              "--data",
              "folder:" + dir()
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(0, status, err.toString());
    JsonNode totals = new ObjectMapper().readTree(out.toString()).get("totals");
    assertEquals(60_965_224L, totals.get("parameters").asLong());
    StringWriter table = new StringWriter();
    Main.execute(
        new String[] {
          "check", dir().resolve("alexnet.cnn").toString(), "--data", "folder:" + dir()
        },
        new PrintWriter(table, true),
        new PrintWriter(new StringWriter(), true));
    assertTrue(table.toString().contains("60,965,224"), table.toString());
  }

  @Test
  void jarrettTwoStageCaltechSystem() {
    Network n = network("jarrett_caltech.cnn");
    assertEquals(new MapShape(1, 143, 143), n.input());
    assertEquals(new MapShape(64, 135, 135), n.layers().get(0).output());
    assertEquals(new MapShape(64, 26, 26), n.layers().get(3).output());
    LayerArgs.Conv second = assertInstanceOf(LayerArgs.Conv.class, n.layers().get(4).args());
    assertEquals(16, second.table().perOutput());
    assertEquals(64, second.table().inputs());
    assertEquals(new MapShape(256, 18, 18), n.layers().get(4).output());
    assertEquals(new MapShape(256, 4, 4), n.layers().get(7).output());
    assertEquals(new MapShape(101, 1, 1), n.output());
    assertEquals(256 * 16 * 81 + 256 + 256, n.layers().get(4).parameters());
    assertEquals(2, n.train().protocol().size());
  }

  @Test
  void jarrettSingleStageVariants() {
    for (String f :
        List.of(
            "jarrett_fcsg_pa.cnn",
            "jarrett_fcsg_rabs_pa.cnn",
            "jarrett_fcsg_rabs_n_pa.cnn",
            "jarrett_fcsg_pm.cnn")) {
      Network n = network(f);
      Layer pool = n.layers().get(n.layers().size() - 2);
      // Max pooling over non-overlapping 5x5 windows gives 27x27, the 10x10/5 boxcar 26x26.
      int side = f.equals("jarrett_fcsg_pm.cnn") ? 27 : 26;
      assertEquals(new MapShape(64, side, side), pool.output(), f);
      assertEquals(64 * 81 + 64 + 64, n.layers().get(0).parameters(), f);
    }
    Layer maxPool = network("jarrett_fcsg_pm.cnn").layers().get(1);
    assertEquals(LayerKind.MAXPOOL, maxPool.kind());
    LayerArgs.Pool window = assertInstanceOf(LayerArgs.Pool.class, maxPool.args());
    assertEquals(
        window.strideHeight(),
        window.windowHeight(),
        "the paper's max pooling windows do not overlap");
  }

  @Test
  void leNet5() {
    Network n = network("lenet5.cnn");
    assertEquals(
        "pad(2),standardize",
        n.train().preprocess().text(),
        "MNIST's 28x28 digits padded to 32x32");
    assertEquals(new MapShape(120, 1, 1), n.layers().get(4).output());
    assertEquals(
        List.of("C1", "S2", "C3", "S4", "C5", "F6"),
        n.layers().stream().limit(6).map(Layer::name).toList());
  }

  @Test
  void zeilerAndFergusMapSizesNeedCeilRounding() {
    Network n = network("zeiler_fergus.cnn");
    int[] heights =
        n.layers().stream()
            .filter(l -> l.kind() == LayerKind.CONV || l.kind() == LayerKind.MAXPOOL)
            .mapToInt(l -> l.output().height())
            .toArray();
    assertEquals(
        List.of(110, 55, 26, 13, 13, 13, 13, 6), java.util.Arrays.stream(heights).boxed().toList());
  }

  @Test
  void networkInNetworkEndsWithTenGlobalAveragedMaps() {
    Network n = network("network_in_network.cnn");
    assertEquals(new MapShape(10, 1, 1), n.layers().get(n.layers().size() - 2).output());
  }

  @Test
  void maxoutHalvesTheMaps() {
    Network n = network("maxout.cnn");
    assertEquals(new MapShape(48, 28, 28), n.layers().get(1).output());
  }

  @Test
  void fashionIsTheDefaultTrainingSetup() {
    Network n = network("fashion.cnn");
    assertEquals(new MapShape(1, 28, 28), n.input());
    TrainSpec t = n.train();
    assertEquals("fashion-mnist", t.data());
    assertEquals(64, t.batch());
    assertEquals(1, t.seed());
    assertEquals(0.9, t.optimizer().momentum());
    assertEquals(List.of(TrainSpec.Augmentation.of("flip")), t.augment());
  }

  @Test
  void benchmarkNetworksMatchTheBenchmarkTable() {
    assertEquals(new MapShape(32, 4, 4), network("bench/b1.cnn").layers().get(3).output());
    assertEquals(new MapShape(64, 4, 4), network("bench/b2.cnn").layers().get(7).output());
    assertEquals(new MapShape(256, 8, 8), network("bench/b3.cnn").layers().get(7).output());
    Network b4 = network("bench/b4.cnn");
    assertEquals(new MapShape(3, 32, 32), b4.input());
    assertEquals(new MapShape(64, 8, 8), b4.layers().get(5).output());
    assertEquals(16, network("bench/b3.cnn").train().batch());
    // B5 is the default network's layers, so its benchmark speaks for what 'convnet train' trains.
    Network b5 = network("bench/b5.cnn");
    Network fashion = network("fashion.cnn");
    assertEquals(fashion.input(), b5.input());
    assertEquals(
        fashion.layers().stream().map(l -> l.kindName() + " " + l.output()).toList(),
        b5.layers().stream().map(l -> l.kindName() + " " + l.output()).toList());
    assertEquals(fashion.totalParameters(), b5.totalParameters());
    assertEquals(64, b5.train().batch());
  }
}
