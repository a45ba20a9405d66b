package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.rewrite.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradTest {
  @Test
  void unrelatedParametersGetZeros() {
    GraphBuilder b = new GraphBuilder();
    Node w = b.param("w", Shape.of(2));
    Node unused = b.param("unused", Shape.of(3, 1));
    Node loss = b.sumAll(b.square(w));
    List<Node> g = Grad.grad(b, loss, List.of(w, unused));
    Map<String, Tensor> v =
        Map.of("w", Tensor.of(Shape.of(2), 1, -2), "unused", Tensor.zeros(Shape.of(3, 1)));
    assertArrayEquals(new double[] {2, -4}, Interpreter.evaluate(g.get(0), v, DType.F64).toArray());
    assertEquals(Tensor.zeros(Shape.of(3, 1)), Interpreter.evaluate(g.get(1), v, DType.F64));
  }

  @Test
  void vjpSeedsANonScalarOutputAndBroadcastGradientsAreSummedBack() {
    GraphBuilder b = new GraphBuilder();
    Node bias = b.param("bias", Shape.of(3, 1, 1));
    Node x = b.input("x", Shape.of(2, 3, 2, 2));
    Node y = b.add(x, bias);
    Node dy = b.constant(Tensor.full(y.shape(), 0.5));
    Node g = Grad.vjp(b, y, dy, List.of(bias)).get(0);
    assertEquals(Shape.of(3, 1, 1), g.shape());
    Tensor gv =
        Interpreter.evaluate(
            g, Map.of("x", Tensor.zeros(x.shape()), "bias", Tensor.zeros(bias.shape())), DType.F64);
    assertArrayEquals(new double[] {4, 4, 4}, gv.toArray());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Grad.grad(b, y, List.of(bias)));
    assertTrue(e.getMessage().contains("one element"), e.getMessage());
  }

  @Test
  void withGradientsNamesOutputsAfterParametersAndInputs() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("input", Shape.of(1, 2));
    Node w = b.param("L1_dense.weight", Shape.of(2, 2));
    Graph g = Graph.of("loss", b.sumAll(b.tanh(b.matmul(x, w))));
    Graph full = Grad.withGradients(g, "loss", List.of("input"));
    assertEquals(
        List.of("loss", "grad/L1_dense.weight", "grad/input"),
        List.copyOf(full.outputs().keySet()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Grad.withGradients(g, "loss", List.of("labels")));
    assertTrue(e.getMessage().contains("no input 'labels'"), e.getMessage());
  }

  @Test
  void dumpPropertyPrintsIrToStandardError() {
    GraphBuilder b = new GraphBuilder();
    Graph g = Graph.of("out", b.neg(b.neg(b.param("x", Shape.of(2)))));
    PrintStream saved = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String before = System.getProperty("convnet.dump");
    try {
      System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
      System.setProperty("convnet.dump", "bytecode,ir");
      Pipeline.standard().run(g);
    } finally {
      System.setErr(saved);
      if (before == null) {
        System.clearProperty("convnet.dump");
      } else {
        System.setProperty("convnet.dump", before);
      }
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.contains("== after simplify-algebra ==\n%0 = param \"x\" : [2]\noutput out = %0"),
        text);
  }
}
