package convnet.runtime.pretrain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.DType;
import convnet.autodiff.Function;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Tensor;
import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.Tolerance;
import convnet.dsl.Layer;
import convnet.dsl.LayerKind;
import convnet.runtime.model.Backend;
import convnet.runtime.model.Backends;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PSD energy on random stage shapes (seeded): its symbolic gradients with respect to the codes,
 * the dictionary and the encoder's weight, bias and gain agree with central differences in float64,
 * and the compiled FISTA and learning steps agree with the interpreter; monotone FISTA never raises
 * an image's energy.
 */
class PsdGraphsProperties {
  static LongStream seeds() {
    return LongStream.range(0, 8);
  }

  /** A random one- or two-stage network; the filter layer of its last stage is pre-trained. */
  static String network(long seed) {
    Random r = new Random(seed);
    int channels = 1 + r.nextInt(2);
    int size = 6 + r.nextInt(4);
    int maps = 2 + r.nextInt(3);
    int k = 2 + r.nextInt(2);
    String act = List.of("CSG", "CS", "C", "CSG").get(r.nextInt(4));
    String second = r.nextBoolean() ? "" : "    2F2x2CSG - Rabs\n";
    String pad =
        r.nextInt(3) == 0
            ? "conv(maps=" + maps + ", kernel=" + k + "x" + k + ", pad=1, act=relu)"
            : maps + "F" + k + "x" + k + act;
    return "network r {\n    input "
        + channels
        + "x"
        + size
        + "x"
        + size
        + "\n    "
        + pad
        + " - Rabs\n"
        + second
        + "    logistic 3\n}\n";
  }

  static PsdGraphs graphs(long seed, int batch) {
    NetworkModel model =
        NetworkModel.fromSource(network(seed), "r.cnn", new PrintWriter(new StringWriter()));
    List<Layer> filters =
        model.network().layers().stream().filter(l -> l.kind() == LayerKind.CONV).toList();
    Layer last = filters.get(filters.size() - 1);
    Random r = new Random(seed + 100);
    PsdSettings s = new PsdSettings(0.1 + r.nextDouble(), 0.5 + r.nextDouble(), 1, 5, 0.01);
    return PsdGraphs.of(model.network(), last, batch, s);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void energyGradientsPassTheFloat64Check(long seed) {
    PsdGraphs g = graphs(seed, 2);
    Function energy = g.energyFunction();
    Map<String, Tensor> values = GradientCheck.randomValues(energy, seed);
    GradientCheckReport report =
        GradientCheck.check(
            energy, PsdGraphs.ENERGY, values, List.of(PsdGraphs.CODE), seed, Tolerance.standard());
    List<String> checked =
        report.probes().stream().map(GradientCheckReport.Probe::param).distinct().toList();
    assertTrue(
        checked.contains(PsdGraphs.CODE)
            && checked.contains(g.decoderName())
            && checked.containsAll(g.encoderParameters()),
        "seed " + seed + ": checked only " + checked);
    assertTrue(report.passed(), () -> "seed " + seed + "\n" + network(seed) + report.summary());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void compiledStepsAgreeWithTheInterpreter(long seed) {
    PsdGraphs g = graphs(seed, 3);
    for (Function f :
        List.of(
            g.fistaStepFunction(), g.learningFunction(), g.normalFunction(), g.energyFunction())) {
      Map<String, Tensor> values = new java.util.HashMap<>(GradientCheck.randomValues(f, seed));
      values.put(PsdGraphs.STEP, Tensor.scalar(0.05));
      values.put(PsdGraphs.LEARNING_RATE, Tensor.scalar(0.01));
      Map<String, Tensor> expected = Interpreter.evaluate(f.graph(), values, DType.F64);
      Map<String, Tensor> actual = Backends.prepare(f, Backend.COMPILED).run(values);
      expected.forEach(
          (name, e) -> {
            Tensor a = actual.get(name);
            for (int i = 0; i < e.size(); i++) {
              double tol = 1e-3 + 1e-3 * Math.abs(e.get(i));
              int at = i;
              assertTrue(
                  Math.abs(a.get(i) - e.get(i)) <= tol,
                  () ->
                      "seed "
                          + seed
                          + ": "
                          + f.name()
                          + " output "
                          + name
                          + "["
                          + at
                          + "]: compiled "
                          + a.get(at)
                          + ", interpreted "
                          + e.get(at)
                          + "\n"
                          + network(seed));
            }
          });
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void fistaNeverRaisesTheEnergy(long seed) {
    PsdGraphs g = graphs(seed, 4);
    PsdStage stage = new PsdStage(g, f -> Backends.prepare(f, Backend.COMPILED));
    Map<String, Tensor> values = GradientCheck.randomValues(g.learningFunction(), seed);
    Tensor d = PsdStage.initialDictionary(g.decoderShape(), seed);
    Tensor f = stage.predict(values.get(PsdGraphs.INPUT), values);
    List<double[]> trace = new ArrayList<>();
    // Also a step twice too long: the monotone variant must still never go up.
    for (double scale : new double[] {1, 2}) {
      trace.clear();
      stage.infer(values.get(PsdGraphs.INPUT), f, d, scale * stage.stepSize(d), trace);
      for (int k = 1; k < trace.size(); k++) {
        for (int i = 0; i < trace.get(k).length; i++) {
          int step = k;
          int image = i;
          assertTrue(
              trace.get(k)[i] <= trace.get(k - 1)[i],
              () ->
                  "seed "
                      + seed
                      + ": image "
                      + image
                      + " energy rose at step "
                      + step
                      + " from "
                      + trace.get(step - 1)[image]
                      + " to "
                      + trace.get(step)[image]);
        }
      }
      double start = trace.get(0)[0];
      double end = trace.get(trace.size() - 1)[0];
      assertTrue(
          scale > 1 || end < start,
          "seed "
              + seed
              + ": FISTA did not lower the energy of image 0 ("
              + start
              + " to "
              + end
              + ")");
    }
  }
}
