package convnet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.DType;
import convnet.autodiff.Function;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.autodiff.optim.Adam;
import convnet.autodiff.optim.Sgd;
import convnet.dsl.LayerKind;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model API: loading, parameters, initialisation, weight files, protocols and the training-step
 * contract.
 */
class NetworkModelTest {
  static final String JARRETT =
      """
      network jarrett {
          input 1x12x12
          8F3x3CSG - Rabs - N3x3 - PA2x2
          conv(maps=6, kernel=3x3, table=random(4)) - relu
          logistic 10
      }
      """;

  @TempDir Path dir;

  static NetworkModel model(String source) {
    return NetworkModel.fromSource(source, "t.cnn", new PrintWriter(new StringWriter()));
  }

  @Test
  void parametersFollowTheNamingAndLayoutOfTheDesign() {
    NetworkModel m = model(JARRETT);
    List<Parameter> ps = m.parameters();
    assertEquals(
        List.of(
            "L1_conv.weight",
            "L1_conv.bias",
            "L1_conv.gain",
            "L5_conv.weight",
            "L5_conv.bias",
            "L7_logistic.weight",
            "L7_logistic.bias"),
        m.parameterNames());
    assertEquals(Shape.of(8, 1, 3, 3), ps.get(0).shape());
    assertEquals(Shape.of(8), ps.get(1).shape());
    assertEquals(Shape.of(8), ps.get(2).shape());
    assertEquals(Shape.of(6, 4, 3, 3), ps.get(3).shape());
    assertEquals(Shape.of(10, 6 * 3 * 3), ps.get(5).shape());
    assertEquals(List.of(0, 0, 0, 1, 1, -1, -1), ps.stream().map(Parameter::convStage).toList());
    assertEquals("L5_conv", ps.get(4).layer());
    assertEquals(LayerKind.LOGISTIC, ps.get(6).kind());
    assertEquals(10, m.classes());
  }

  @Test
  void initIsPyTorchsDefaultAndDeterministic() {
    NetworkModel m = model(JARRETT);
    Map<String, Tensor> a = m.init(7);
    assertEquals(m.parameterNames(), List.copyOf(a.keySet()));
    assertEquals(a, m.init(7));
    assertNotEquals(a.get("L1_conv.weight"), m.init(8).get("L1_conv.weight"));
    assertEquals(Tensor.full(Shape.of(8), 1), a.get("L1_conv.gain"));
    // fan_in: 1·3·3 for L1, 4·3·3 with the table for L5, 54 for the classifier.
    assertBounded(a.get("L1_conv.weight"), 1 / 3.0);
    assertBounded(a.get("L1_conv.bias"), 1 / 3.0);
    assertBounded(a.get("L5_conv.weight"), 1 / 6.0);
    assertBounded(a.get("L7_logistic.weight"), 1 / Math.sqrt(54));
    for (Tensor t : a.values()) {
      for (double v : t.data()) {
        assertEquals(v, (float) v, 0.0, "initial values are float32 numbers");
      }
    }
    // Each tensor depends only on the seed and its name: another network sharing a layer name
    // shares its values.
    NetworkModel other = model("network o {\n input 1x12x12\n 8F3x3CSG\n logistic 3\n}\n");
    assertEquals(a.get("L1_conv.weight"), other.init(7).get("L1_conv.weight"));
  }

  private static void assertBounded(Tensor t, double bound) {
    double max = 0;
    for (double v : t.data()) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= bound, "max " + max + " > " + bound);
    assertTrue(
        max > bound * 0.5,
        "max " + max + " is far below the bound " + bound + ": not uniform over it");
  }

  @Test
  void weightsRoundTripThroughNpz() throws IOException {
    NetworkModel m = model(JARRETT);
    Map<String, Tensor> w = m.init(3);
    Path f = dir.resolve("w.npz");
    NetworkModel.saveWeights(f, w);
    assertEquals(w, m.loadWeights(f));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(f), files.toList(), "no temporary file left");
    }
  }

  @Test
  void loadWeightsListsMissingUnexpectedAndWrongShapes() throws IOException {
    NetworkModel m = model(JARRETT);
    Map<String, Tensor> w = new LinkedHashMap<>(m.init(3));
    w.remove("L1_conv.gain");
    w.put("L5_conv.weight", Tensor.zeros(Shape.of(6, 8, 3, 3)));
    w.put("L9_extra.weight", Tensor.zeros(Shape.of(2)));
    Path f = dir.resolve("bad.npz");
    Npz.write(f, w, NpyType.FLOAT32);
    UserError e = assertThrows(UserError.class, () -> m.loadWeights(f));
    String msg = e.getMessage();
    assertTrue(msg.startsWith(f.toString()), msg);
    assertTrue(msg.contains("missing     L1_conv.gain [8]"), msg);
    assertTrue(
        msg.contains("wrong shape L5_conv.weight: expected [6, 4, 3, 3], found [6, 8, 3, 3]"), msg);
    assertTrue(msg.contains("unexpected  L9_extra.weight [2]"), msg);
  }

  @Test
  void loadWeightsRejectsFilesThatAreNotNpz() throws IOException {
    NetworkModel m = model(JARRETT);
    Path f = dir.resolve("junk.npz");
    Files.writeString(f, "not a zip");
    UserError e = assertThrows(UserError.class, () -> m.loadWeights(f));
    assertTrue(
        e.getMessage().contains("junk.npz") && e.getMessage().contains("not a .npz"),
        e.getMessage());
    UserError missing = assertThrows(UserError.class, () -> m.loadWeights(dir.resolve("none.npz")));
    assertTrue(
        missing.getMessage().contains("none.npz") && missing.getMessage().contains("no such file"),
        missing.getMessage());
  }

  @Test
  void loadRendersDiagnosticsAndPrintsWarnings() throws IOException {
    Path bad = dir.resolve("bad.cnn");
    Files.writeString(bad, "network n {\n  input 1x8x8\n  4F3x3CSG - Rabz\n  logistic 2\n}\n");
    UserError e =
        assertThrows(
            UserError.class, () -> NetworkModel.load(bad, new PrintWriter(new StringWriter())));
    assertTrue(
        e.getMessage().startsWith(bad + ":3:14: error: unknown layer 'Rabz'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("\n      4F3x3CSG - Rabz\n                 ^^^^"), e.getMessage());
    UserError none =
        assertThrows(UserError.class, () -> NetworkModel.load(dir.resolve("none.cnn")));
    assertEquals(dir.resolve("none.cnn") + ": no such file", none.getMessage());
    Path warn = dir.resolve("warn.cnn");
    Files.writeString(warn, "network n {\n  input 1x8x8\n  4F3x3CSG\n}\n");
    StringWriter w = new StringWriter();
    NetworkModel m = NetworkModel.load(warn, new PrintWriter(w));
    assertTrue(w.toString().contains("warning: network 'n' has no classifier"), w.toString());
    assertEquals(0, m.classes());
    UserError noLoss = assertThrows(UserError.class, () -> m.gradientFunction(1));
    assertTrue(noLoss.getMessage().contains("no classifier"), noLoss.getMessage());
  }

  @Test
  void protocolsFreezeTheFiltersOfTheirStages() {
    NetworkModel m = model(JARRETT);
    assertEquals(Set.of(), m.frozenFor("R+R+"));
    assertEquals(Set.of("L1_conv.weight", "L1_conv.bias", "L1_conv.gain"), m.frozenFor("RR+"));
    assertEquals(
        Set.of("L1_conv.weight", "L1_conv.bias", "L1_conv.gain", "L5_conv.weight", "L5_conv.bias"),
        m.frozenFor("RR"));
    // U keeps the pre-trained filters as R keeps the random ones; U+ trains them.
    assertEquals(Set.of(), m.frozenFor("U+R+"));
    assertEquals(Set.of("L1_conv.weight", "L1_conv.bias", "L1_conv.gain"), m.frozenFor("UR+"));
    UserError count = assertThrows(UserError.class, () -> m.frozenFor("R+"));
    assertTrue(count.getMessage().contains("2 conv stages"), count.getMessage());
    UserError letter = assertThrows(UserError.class, () -> m.frozenFor("RX"));
    assertTrue(letter.getMessage().contains("'X' at position 2"), letter.getMessage());
    assertEquals(Set.of(), m.frozenFor(m.network().train().protocol()));
  }

  /**
   * One training step computed by hand from the gradient function equals the training function's
   * new/ outputs.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2})
  void oneTrainingStepByHand(long seed) {
    NetworkModel m = model(JARRETT);
    int batch = 3;
    Random r = new Random(seed);
    Map<String, Tensor> values = new HashMap<>(m.init(seed));
    values.put("input", normal(r, m.inputShape(batch)));
    values.put(
        "labels", NetworkModel.oneHot(new int[] {r.nextInt(10), r.nextInt(10), r.nextInt(10)}, 10));
    values.put(NetworkModel.LEARNING_RATE, Tensor.scalar(0.05));
    Set<String> frozen = m.frozenFor("RR+");
    for (String p : m.parameterNames()) {
      if (!frozen.contains(p)) {
        values.put("velocity/" + p, normal(r, values.get(p).shape()));
      }
    }
    Sgd sgd = new Sgd(0.9, 5e-4);
    Function train = m.trainingFunction(batch, sgd, frozen);
    Map<String, Tensor> out = Interpreter.compile(train, DType.F64).run(values);
    Map<String, Tensor> grads =
        Interpreter.compile(m.gradientFunction(batch), DType.F64).run(values);
    assertEquals(grads.get("loss").item(), out.get("loss").item(), 1e-12, "seed " + seed);
    for (String p : m.parameterNames()) {
      if (frozen.contains(p)) {
        assertFalse(out.containsKey("new/" + p), p + " is frozen");
        assertFalse(out.containsKey("new/velocity/" + p), p + " is frozen");
        assertFalse(train.params().containsKey("velocity/" + p), p + " is frozen");
        continue;
      }
      double[] x = values.get(p).data();
      double[] v = values.get("velocity/" + p).data();
      double[] g = grads.get("grad/" + p).data();
      double[] newX = out.get("new/" + p).data();
      double[] newV = out.get("new/velocity/" + p).data();
      for (int i = 0; i < x.length; i++) {
        double vv = 0.9 * v[i] + g[i] + 5e-4 * x[i];
        assertEquals(
            vv,
            newV[i],
            1e-12 * (1 + Math.abs(vv)),
            "seed " + seed + " " + p + "[" + i + "] velocity");
        assertEquals(
            x[i] - 0.05 * vv,
            newX[i],
            1e-12 * (1 + Math.abs(x[i])),
            "seed " + seed + " " + p + "[" + i + "]");
      }
    }
    assertEquals(Shape.scalar(), train.inputs().get(NetworkModel.LEARNING_RATE).shape());
  }

  @Test
  void trainingFunctionTakesDropoutMasksAndInferenceDoesNot() {
    NetworkModel m = model("network d {\n input 1x6x6\n 2F3x3C - dropout(0.5)\n logistic 3\n}\n");
    Function train = m.trainingFunction(2, new Sgd(0.9, 0), Set.of());
    assertEquals(Shape.of(2, 2, 4, 4), train.inputs().get("mask/L2_dropout").shape());
    assertEquals(
        List.of(new DropoutMask("mask/L2_dropout", Shape.of(2, 2, 4, 4), 0.5)), m.dropoutMasks(2));
    assertFalse(m.inferenceFunction(2, false).inputs().containsKey("mask/L2_dropout"));
    assertFalse(m.inferenceFunction(2, false).inputs().containsKey("labels"));
    assertTrue(m.inferenceFunction(2, true).outputs().containsKey("loss"));
    Function grad = m.gradientFunction(2);
    assertEquals(
        List.of(
            "output",
            "loss",
            "grad/L1_conv.weight",
            "grad/L1_conv.bias",
            "grad/L3_logistic.weight",
            "grad/L3_logistic.bias",
            "grad/input"),
        List.copyOf(grad.outputs().keySet()));
    assertThrows(
        IllegalArgumentException.class,
        () -> m.trainingFunction(2, new Sgd(0.9, 0), Set.of("nope")));
  }

  @Test
  void sgdComesFromTheTrainBlock() {
    NetworkModel m =
        model(
            "network s {\n input 1x6x6\n 2F3x3C\n logistic 3\n train {\n"
                + "  optimizer = sgd(lr=0.1, momentum=0.8, weight_decay=1e-3)\n }\n}\n");
    assertEquals(new Sgd(0.8, 1e-3), m.network().train().optimizer().rule());
    assertEquals(0.1, m.network().train().optimizer().learningRate());
    NetworkModel adam =
        model(
            "network s {\n input 1x6x6\n 2F3x3C\n logistic 3\n train {\n optimizer = adam(lr=1e-3)\n }\n}\n");
    assertEquals(new Adam(0.9, 0.999, 1e-8, 0), adam.network().train().optimizer().rule());
    assertThrows(IllegalArgumentException.class, () -> new Sgd(-0.1, 0));
  }

  @Test
  void theCompiledBackendRunsFloat32AndAgreesWithTheInterpreter() {
    NetworkModel m = model(JARRETT);
    Function f = m.inferenceFunction(1, false);
    UsageError e =
        assertThrows(UsageError.class, () -> Backends.prepare(f, Backend.COMPILED, DType.F64));
    assertTrue(e.getMessage().contains("float32 only"), e.getMessage());
    Map<String, Tensor> values = new HashMap<>(m.init(1));
    values.put("input", normal(new Random(3), m.inputShape(1)));
    Tensor interpreted = Backends.prepare(f, Backend.INTERPRETED).run(values).get("output");
    Tensor compiled = Backends.prepare(f, Backend.COMPILED).run(values).get("output");
    assertEquals(Shape.of(1, 10), compiled.shape());
    for (int k = 0; k < 10; k++) {
      // float32 both ways; summation order differs between the kernels and the interpreter.
      assertEquals(
          interpreted.data()[k],
          compiled.data()[k],
          1e-4 + 1e-4 * Math.abs(interpreted.data()[k]),
          "logit " + k);
    }
  }

  static Tensor normal(Random r, Shape s) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian();
    }
    return Tensor.wrap(s, d);
  }

  @Test
  void randomTablesFollowTheRunSeedAndTravelWithTheWeights() throws IOException {
    NetworkModel m = model(JARRETT);
    Map<String, Tensor> one = m.withTableSeed(1).tables();
    Map<String, Tensor> two = m.withTableSeed(2).tables();
    assertEquals(List.of("L5_conv.table"), List.copyOf(one.keySet()));
    assertEquals(Shape.of(6, 4), one.get("L5_conv.table").shape());
    assertNotEquals(one, two, "seeds 1 and 2 draw the same table");
    assertEquals(one, m.tables(), "the file's seed (1 by default) draws the checked table");
    assertEquals(
        two,
        model(JARRETT.replace("logistic 10", "logistic 10\n train {\n seed = 2\n }")).tables());

    Path file = dir.resolve("w.npz");
    NetworkModel seeded = m.withTableSeed(2);
    Map<String, Tensor> weights = seeded.init(2);
    seeded.saveTrained(file, weights);
    assertTrue(Npz.read(file).containsKey("L5_conv.table"));
    NetworkModel.Trained trained = m.loadTrained(file);
    assertEquals(two, trained.model().tables(), "the stored table, not the file seed's");
    assertEquals(weights.keySet(), trained.weights().keySet());
    UserError other = assertThrows(UserError.class, () -> m.loadWeights(file));
    assertTrue(other.getMessage().contains("other connection tables"), other.getMessage());
    assertEquals(weights.keySet(), seeded.loadWeights(file).keySet());

    // The stored table is the one the graph uses: outputs equal those of the seed-2 model.
    Map<String, Tensor> values = new HashMap<>(trained.weights());
    values.put("input", normal(new Random(3), m.inputShape(2)));
    Map<String, Tensor> a =
        Interpreter.compile(trained.model().inferenceFunction(2, false), DType.F64).run(values);
    Map<String, Tensor> b =
        Interpreter.compile(seeded.inferenceFunction(2, false), DType.F64).run(values);
    Map<String, Tensor> c =
        Interpreter.compile(m.inferenceFunction(2, false), DType.F64).run(values);
    assertEquals(b.get("output"), a.get("output"));
    assertNotEquals(
        c.get("output"), a.get("output"), "a different table computes a different function");

    Map<String, Tensor> bad = new LinkedHashMap<>(Npz.read(file));
    double[] t = bad.get("L5_conv.table").data().clone();
    t[5] = 99;
    bad.put("L5_conv.table", Tensor.wrap(Shape.of(6, 4), t));
    Npz.write(file, bad, NpyType.FLOAT32);
    UserError corrupt = assertThrows(UserError.class, () -> m.loadTrained(file));
    assertTrue(corrupt.getMessage().contains("L5_conv.table at index 5"), corrupt.getMessage());
  }
}
