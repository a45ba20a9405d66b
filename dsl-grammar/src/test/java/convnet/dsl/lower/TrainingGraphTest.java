package convnet.dsl.lower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.DType;
import convnet.autodiff.Graph;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.optim.Sgd;
import convnet.autodiff.optim.TrainingStep;
import convnet.dsl.Layer;
import convnet.dsl.Network;
import convnet.dsl.ParamSpec;
import convnet.dsl.TrainSpec.StageProtocol;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The graphs built for running a network: gradients, the training step, layer outputs, protocols,
 * fan-in.
 */
class TrainingGraphTest {
  private static final String NET =
      "network t {\n input 2x8x8\n 3F3x3CSG - Rabs - PA2x2\n"
          + " conv(maps=4, kernel=3x3, table=random(2)) - relu\n dense(5) - tanh\n logistic 3\n}\n";

  private static Map<String, Tensor> values(Network n, int batch, long seed) {
    Random r = new Random(seed);
    Map<String, Tensor> v = new HashMap<>();
    TrainingGraph.parameters(n).forEach((name, shape) -> v.put(name, normal(r, shape)));
    v.put(Lowering.INPUT, normal(r, TrainingGraph.inputShape(n, batch)));
    double[] labels = new double[batch * 3];
    for (int i = 0; i < batch; i++) {
      labels[i * 3 + r.nextInt(3)] = 1;
    }
    v.put(Lowering.LABELS, Tensor.wrap(Shape.of(batch, 3), labels));
    return v;
  }

  private static Tensor normal(Random r, Shape s) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian();
    }
    return Tensor.wrap(s, d);
  }

  /** One lowering gives each layer the output that lowering the network up to that layer gives. */
  @Test
  void layerOutputsFromOneLoweringEqualThoseOfEachPrefix() {
    Network n = LoweringTest.network(NET);
    Map<String, Tensor> v = values(n, 2, 3);
    Map<String, Tensor> all = Interpreter.evaluate(TrainingGraph.layerOutputs(n, 2), v, DType.F64);
    assertEquals(n.layers().size(), all.size());
    for (int i = 0; i < n.layers().size(); i++) {
      Layer l = n.layers().get(i);
      Network prefix =
          new Network(n.name(), n.input(), n.layers().subList(0, i + 1), n.train(), n.stages());
      Tensor expected =
          Interpreter.evaluate(
                  Lowering.lower(prefix, 2, Lowering.Mode.INFERENCE, false), v, DType.F64)
              .get(Lowering.OUTPUT);
      assertArrayEquals(expected.data(), all.get(Lowering.LAYER + l.name()).data(), 0.0, l.name());
    }
  }

  /** The training step's new/X is X − lr·(momentum·v + g) with g the gradient function's grad/X. */
  @Test
  void theTrainingStepDescendsTheGradientOfTheGradientFunction() {
    Network n = LoweringTest.network(NET.replace(" dense(5) - tanh\n", ""));
    Map<String, Tensor> v = values(n, 2, 5);
    Map<String, Tensor> grads = Interpreter.evaluate(TrainingGraph.gradient(n, 2), v, DType.F64);
    Set<String> frozen =
        TrainingGraph.frozen(
            n, List.of(new StageProtocol('R', false), new StageProtocol('R', true)));
    Graph step = TrainingGraph.training(n, 2, new Sgd(0.5, 0), frozen);
    Map<String, Tensor> in = new HashMap<>(v);
    in.put(TrainingStep.LEARNING_RATE, Tensor.of(Shape.scalar(), 0.1));
    TrainingGraph.parameters(n)
        .forEach((name, shape) -> in.put(Sgd.VELOCITY + name, Tensor.full(shape, 0.25)));
    Map<String, Tensor> out = Interpreter.evaluate(step, in, DType.F64);
    for (String name : TrainingGraph.parameters(n).keySet()) {
      boolean fixed = name.startsWith("L1_");
      assertEquals(fixed, frozen.contains(name), name);
      assertEquals(!fixed, out.containsKey(TrainingStep.NEW + name), name);
      if (!fixed) {
        double[] x = v.get(name).data();
        double[] g = grads.get(TrainingGraph.GRAD + name).data();
        double[] next = out.get(TrainingStep.NEW + name).data();
        for (int i = 0; i < x.length; i++) {
          assertEquals(x[i] - 0.1 * (0.5 * 0.25 + g[i]), next[i], 1e-12, name + "[" + i + "]");
        }
      }
    }
    assertTrue(grads.containsKey(TrainingGraph.GRAD + Lowering.INPUT));
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingGraph.frozen(n, List.of(new StageProtocol('R', true))));
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingGraph.training(n, 2, new Sgd(0, 0), Set.of("nope")));
  }

  /**
   * Fan-in is the layer's: inputs per output unit, through groups, connection tables and
   * flattening.
   */
  @Test
  void fanInComesFromTheLayer() {
    Network n = LoweringTest.network(NET);
    Map<String, ParamSpec> specs = new HashMap<>();
    n.parameterSpecs().forEach(p -> specs.put(p.name(), p));
    assertEquals(2 * 3 * 3, specs.get("L1_conv.weight").fanIn());
    assertEquals(2 * 3 * 3, specs.get("L1_conv.bias").fanIn());
    assertEquals(ParamSpec.Role.GAIN, specs.get("L1_conv.gain").role());
    assertEquals(
        2 * 3 * 3, specs.get("L4_conv.weight").fanIn(), "a table of 2 input maps per output map");
    assertEquals(4 * 1 * 1, specs.get("L6_dense.weight").fanIn());
    assertEquals(ParamSpec.Role.BIAS, specs.get("L8_logistic.bias").role());
    assertEquals(5, specs.get("L8_logistic.bias").fanIn());
  }

  @Test
  void aGraphLeafOfTheGradientIsBuiltEvenWhenTheLossIgnoresIt() {
    Network n =
        LoweringTest.network(
            "fn two(x) = 2\nnetwork a {\n input 1x5x5\n 2F3x3C - two\n logistic 3\n}\n");
    Graph g = TrainingGraph.gradient(n, 1);
    Node w = g.output(TrainingGraph.GRAD + "L1_conv.weight");
    assertEquals(Shape.of(2, 1, 3, 3), w.shape());
  }
}
