package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.check.GradientCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InterpreterTest {
  @Test
  void float32RoundsEveryOpResult() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(1));
    Node y = b.div(b.add(x, 0.1), 3);
    Function f = new Function("f", Graph.of("y", y));
    Map<String, Tensor> in = Map.of("x", Tensor.of(Shape.of(1), 1.0 / 3));
    double f64 = Interpreter.compile(f, DType.F64).run(in).get("y").item();
    double f32 = Interpreter.compile(f, DType.F32).run(in).get("y").item();
    float xf = (float) (1.0 / 3);
    float expected = (float) ((double) (float) ((double) xf + (double) (float) 0.1) / 3.0);
    assertEquals(expected, f32, 0);
    assertEquals((1.0 / 3 + 0.1) / 3, f64, 0);
    assertNotEquals(f32, f64);
  }

  @Test
  void missingOrMisshapenValuesAreNamed() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("input", Shape.of(2, 3));
    Node w = b.param("L5_logistic.weight", Shape.of(3, 4));
    Executable e =
        Interpreter.compile(new Function("f", Graph.of("output", b.matmul(x, w))), DType.F64);
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> e.run(Map.of("input", Tensor.zeros(Shape.of(2, 3)))));
    assertTrue(
        missing.getMessage().contains("parameter 'L5_logistic.weight'"), missing.getMessage());
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                e.run(
                    Map.of(
                        "input",
                        Tensor.zeros(Shape.of(3, 2)),
                        "L5_logistic.weight",
                        Tensor.zeros(Shape.of(3, 4)))));
    assertTrue(
        shape.getMessage().contains("input 'input' has shape [3, 2], expected [2, 3]"),
        shape.getMessage());
  }

  /**
   * The network of DESIGN's B1 benchmark, at batch 64: 16F5x5CSG - PA2x2, 32F5x5CSG - PA2x2,
   * logistic 10.
   */
  static Function smallNet(GraphBuilder b, int batch) {
    Node x = b.input("input", Shape.of(batch, 1, 28, 28));
    Node labels = b.input("labels", Shape.of(batch, 10));
    Node h = x;
    int maps = 1;
    int k = 1;
    for (int outMaps : new int[] {16, 32}) {
      String name = "L" + k + "_conv";
      b.setProvenance(name);
      Node w = b.param(name + ".weight", Shape.of(outMaps, maps, 5, 5));
      Node bias = b.param(name + ".bias", Shape.of(outMaps, 1, 1));
      Node gain = b.param(name + ".gain", Shape.of(outMaps, 1, 1));
      h = b.mul(gain, b.tanh(b.add(b.conv2d(h, w, Attrs.Conv.simple()), bias)));
      b.setProvenance("L" + (k + 1) + "_avgpool");
      h = b.avgPool(h, Attrs.Pool.window(2, 2));
      maps = outMaps;
      k += 2;
    }
    b.setProvenance("L5_logistic");
    int features = h.shape().size() / batch;
    Node flat = b.reshape(h, Shape.of(batch, features));
    Node logits =
        b.add(
            b.matmul(flat, b.param("L5_logistic.weight", Shape.of(features, 10))),
            b.param("L5_logistic.bias", Shape.of(10)));
    Map<String, Node> outs = new LinkedHashMap<>();
    outs.put("output", logits);
    outs.put("loss", b.softmaxCrossEntropy(logits, labels));
    return new Function("b1", Graph.of(outs));
  }

  @Test
  void aBatchOf64ThroughASmallNetIsQuick() {
    GraphBuilder b = new GraphBuilder();
    Function f = smallNet(b, 64);
    Function train = new Function("b1 train", Grad.withGradients(f.graph(), "loss", List.of()));
    Map<String, Tensor> values = GradientCheck.randomValues(train, 1);
    Random r = new Random(1);
    double[] onehot = new double[64 * 10];
    for (int i = 0; i < 64; i++) {
      onehot[i * 10 + r.nextInt(10)] = 1;
    }
    values.put("labels", Tensor.wrap(Shape.of(64, 10), onehot));
    Executable forward = Interpreter.compile(f, DType.F32);
    Map<String, Tensor> out = forward.run(values);
    Map<String, Tensor> grads = Interpreter.compile(train, DType.F32).run(values);
    assertEquals(Shape.of(64, 10), out.get("output").shape());
    assertTrue(Double.isFinite(out.get("loss").item()));
    assertEquals(Shape.of(16, 1, 5, 5), grads.get("grad/L1_conv.weight").shape());
  }
}
