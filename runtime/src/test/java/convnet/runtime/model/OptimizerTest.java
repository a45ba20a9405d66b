package convnet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.DType;
import convnet.autodiff.Function;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.optim.Adam;
import convnet.autodiff.optim.Optimizer;
import convnet.autodiff.optim.Sgd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Adam and Nesterov momentum as graph updates: the training function, run by the interpreter in
 * double precision, against the update rules of torch.optim written out in double precision here.
 */
class OptimizerTest {
  static final String NET =
      """
      network small {
          input 1x8x8
          4F3x3CSG - Rabs - PA2x2
          conv(maps=3, kernel=2x2, table=random(2)) - relu
          logistic 5
      }
      """;

  static NetworkModel model() {
    return NetworkModel.fromSource(NET, "t.cnn", new PrintWriter(new StringWriter()));
  }

  static Tensor normal(Random r, Shape s, double scale) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian() * scale;
    }
    return Tensor.wrap(s, d);
  }

  /** Inputs of one step: weights, a batch, the state tensors drawn at random, the learning rate. */
  static Map<String, Tensor> values(NetworkModel m, Optimizer opt, long seed, long t) {
    Random r = new Random(seed);
    Map<String, Tensor> values = new HashMap<>(m.init(seed));
    values.put("input", normal(r, m.inputShape(2), 1));
    values.put("labels", NetworkModel.oneHot(new int[] {r.nextInt(5), r.nextInt(5)}, 5));
    values.put(NetworkModel.LEARNING_RATE, Tensor.scalar(0.03));
    for (String p : m.parameterNames()) {
      Shape s = values.get(p).shape();
      values.put(Sgd.VELOCITY + p, normal(r, s, 0.1));
      values.put(Adam.FIRST_MOMENT + p, normal(r, s, 0.1));
      // Second moments are running means of squares: never negative.
      values.put(Adam.SECOND_MOMENT + p, normal(r, s, 0.1).map(Math::abs));
    }
    opt.stepInputs(t).forEach((k, v) -> values.put(NetworkModel.HYPER + k, Tensor.scalar(v)));
    return values;
  }

  static Map<String, Tensor> run(Function f, Map<String, Tensor> values) {
    return Interpreter.compile(f, DType.F64).run(values);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void nesterovMatchesTorchSgdWithNesterov(long seed) {
    NetworkModel m = model();
    Sgd sgd = new Sgd(0.9, 1e-3, true);
    Map<String, Tensor> values = values(m, sgd, seed, 1);
    Map<String, Tensor> out = run(m.trainingFunction(2, sgd, Set.of()), values);
    Map<String, Tensor> grads = run(m.gradientFunction(2), values);
    for (String p : m.parameterNames()) {
      double[] x = values.get(p).data();
      double[] v = values.get(Sgd.VELOCITY + p).data();
      double[] g = grads.get("grad/" + p).data();
      double[] newX = out.get("new/" + p).data();
      double[] newV = out.get("new/velocity/" + p).data();
      for (int i = 0; i < x.length; i++) {
        // torch.optim.SGD(nesterov=True): d = g + wd x; b = mu b + d; x -= lr (d + mu b).
        double d = g[i] + 1e-3 * x[i];
        double b = 0.9 * v[i] + d;
        double expected = x[i] - 0.03 * (d + 0.9 * b);
        assertEquals(
            b, newV[i], 1e-12 * (1 + Math.abs(b)), "seed " + seed + " " + p + "[" + i + "]");
        assertEquals(
            expected,
            newX[i],
            1e-12 * (1 + Math.abs(expected)),
            "seed " + seed + " " + p + "[" + i + "]");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void adamMatchesTorchAdamWithBiasCorrectionAndL2WeightDecay(long seed) {
    NetworkModel m = model();
    Adam adam = new Adam(0.8, 0.99, 1e-6, 2e-3);
    long t = 1 + new Random(seed).nextInt(20);
    Map<String, Tensor> values = values(m, adam, seed, t);
    Map<String, Tensor> out = run(m.trainingFunction(2, adam, Set.of()), values);
    Map<String, Tensor> grads = run(m.gradientFunction(2), values);
    for (String p : m.parameterNames()) {
      double[] x = values.get(p).data();
      double[] m0 = values.get(Adam.FIRST_MOMENT + p).data();
      double[] v0 = values.get(Adam.SECOND_MOMENT + p).data();
      double[] g = grads.get("grad/" + p).data();
      for (int i = 0; i < x.length; i++) {
        // torch.optim.Adam: g += wd x; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
        // x -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
        double d = g[i] + 2e-3 * x[i];
        double mm = 0.8 * m0[i] + 0.2 * d;
        double vv = 0.99 * v0[i] + 0.01 * d * d;
        double expected =
            x[i]
                - 0.03
                    / (1 - Math.pow(0.8, t))
                    * mm
                    / (Math.sqrt(vv) / Math.sqrt(1 - Math.pow(0.99, t)) + 1e-6);
        String where = "seed " + seed + " t " + t + " " + p + "[" + i + "]";
        assertEquals(mm, out.get("new/adam_m/" + p).data()[i], 1e-12 * (1 + Math.abs(mm)), where);
        assertEquals(vv, out.get("new/adam_v/" + p).data()[i], 1e-12 * (1 + Math.abs(vv)), where);
        assertEquals(
            expected, out.get("new/" + p).data()[i], 1e-10 * (1 + Math.abs(expected)), where);
      }
    }
  }

  @Test
  void adamsFirstStepFromZeroMomentsMovesEveryWeightByTheLearningRate() {
    // Hand computation: at t = 1 with m = v = 0, m' = (1-b1) g and v' = (1-b2) g^2, so the bias
    // corrected step is lr * g / (|g| + eps) = lr * sign(g) wherever |g| >> eps.
    NetworkModel m = model();
    Adam adam = Adam.DEFAULT;
    Map<String, Tensor> values = values(m, adam, 5, 1);
    for (String p : m.parameterNames()) {
      values.put(Adam.FIRST_MOMENT + p, Tensor.zeros(values.get(p).shape()));
      values.put(Adam.SECOND_MOMENT + p, Tensor.zeros(values.get(p).shape()));
    }
    Map<String, Tensor> out = run(m.trainingFunction(2, adam, Set.of()), values);
    Map<String, Tensor> grads = run(m.gradientFunction(2), values);
    int checked = 0;
    for (String p : m.parameterNames()) {
      double[] g = grads.get("grad/" + p).data();
      for (int i = 0; i < g.length; i++) {
        if (Math.abs(g[i]) > 1e-4) {
          double moved = values.get(p).data()[i] - out.get("new/" + p).data()[i];
          assertEquals(0.03 * Math.signum(g[i]), moved, 1e-5, p + "[" + i + "]");
          checked++;
        }
      }
    }
    // Relu and the random table leave many weights of this small network without gradient for one
    // batch of 2; some 45 have |g| > 1e-4, enough to see the rule hold.
    assertTrue(checked >= 20, "only " + checked + " weights had a gradient");
  }

  @ParameterizedTest
  @ValueSource(strings = {"adam", "nesterov"})
  void theCompiledUpdateAgreesWithTheInterpreter(String kind) {
    NetworkModel m = model();
    Optimizer opt =
        kind.equals("adam") ? new Adam(0.9, 0.999, 1e-8, 1e-3) : new Sgd(0.9, 1e-3, true);
    Map<String, Tensor> values = values(m, opt, 9, 4);
    Function f = m.trainingFunction(2, opt, Set.of());
    Map<String, Tensor> interpreted = run(f, values);
    Map<String, Tensor> compiled = Backends.prepare(f, Backend.COMPILED).run(values);
    for (String name : f.outputs().keySet()) {
      double[] a = interpreted.get(name).data();
      double[] b = compiled.get(name).data();
      for (int i = 0; i < a.length; i++) {
        // float32 kernels against the float64 oracle.
        assertEquals(a[i], b[i], 1e-4 * (1 + Math.abs(a[i])), kind + " " + name + "[" + i + "]");
      }
    }
  }

  @Test
  void stepInputsAreTheBiasCorrections() {
    Adam adam = new Adam(0.9, 0.999, 1e-8, 0);
    assertEquals(10.0, adam.stepInputs(1).get(Adam.BIAS1), 1e-12);
    assertEquals(1 / Math.sqrt(0.001), adam.stepInputs(1).get(Adam.BIAS2), 1e-9);
    assertEquals(1 / (1 - 0.81), adam.stepInputs(2).get(Adam.BIAS1), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> adam.stepInputs(0));
    assertEquals(Map.of(), new Sgd(0.9, 0).stepInputs(3));
  }

  @Test
  void settingsTorchRefusesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Sgd(0, 0, true));
    assertThrows(IllegalArgumentException.class, () -> new Adam(1, 0.999, 1e-8, 0));
    assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, -0.1, 1e-8, 0));
  }
}
