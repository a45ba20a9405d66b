package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrinterTest {
  private static Graph sample() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("input", Shape.of(1, 1, 4, 4));
    b.setProvenance("L1_conv");
    Node w = b.param("L1_conv.weight", Shape.of(2, 1, 3, 3));
    Node y = b.conv2d(x, w, Attrs.Conv.simple());
    b.setProvenance("L2_abs");
    Node a = b.abs(y);
    Map<String, Node> outs = new LinkedHashMap<>();
    outs.put("output", a);
    outs.put("loss", b.sumAll(a));
    return Graph.of(outs);
  }

  @Test
  void textIsDeterministicAndNumbersNodesInOrder() {
    String expected =
        String.join(
            "\n",
            "%0 = input \"input\" : [1, 1, 4, 4]",
            "%1 = param \"L1_conv.weight\" : [2, 1, 3, 3]  # L1_conv",
            "%2 = conv2d(%0, %1) stride=1x1 pad=0x0 groups=1 : [1, 2, 2, 2]  # L1_conv",
            "%3 = unary(%2) abs : [1, 2, 2, 2]  # L2_abs",
            "%4 = reduce_sum(%3) axes=[0, 1, 2, 3] : []  # L2_abs",
            "output output = %3",
            "output loss = %4",
            "");
    assertEquals(expected, GraphPrinter.text(sample()));
    assertEquals(GraphPrinter.text(sample()), GraphPrinter.text(sample()));
  }

  @Test
  void dotHasOneNodePerIrNodeAndTheEdges() {
    String dot = GraphPrinter.dot(sample());
    assertTrue(dot.startsWith("digraph graph_ir {"), dot);
    assertTrue(
        dot.contains("n0 -> n2;")
            && dot.contains("n1 -> n2;")
            && dot.contains("n3 -> out0;")
            && dot.contains("n4 -> out1;"),
        dot);
    assertEquals(5, dot.lines().filter(l -> l.matches("\\s+n\\d+ \\[label=.*")).count(), dot);
    assertEquals(dot, GraphPrinter.dot(sample()));
  }
}
