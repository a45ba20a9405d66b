package convnet.autodiff;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: evaluates a graph node by node with each op's {@code eval} rule. It
 * defines what correct means for compiled code. In {@link DType#F32} every leaf value and every op
 * result is rounded to float.
 */
public final class Interpreter {
  private Interpreter() {}

  /** An executable that interprets {@code f} in precision {@code dtype}. */
  public static Executable compile(Function f, DType dtype) {
    Graph g = f.graph();
    return values -> evaluate(g, values, dtype);
  }

  /** Evaluates the outputs of {@code g} with leaves bound by name. */
  public static Map<String, Tensor> evaluate(Graph g, Map<String, Tensor> values, DType dtype) {
    Map<Node, Tensor> memo = evaluateAll(g.nodes(), values, dtype);
    Map<String, Tensor> out = new LinkedHashMap<>();
    g.outputs().forEach((name, node) -> out.put(name, memo.get(node)));
    return out;
  }

  /** Evaluates a single node. */
  public static Tensor evaluate(Node n, Map<String, Tensor> values, DType dtype) {
    return evaluateAll(Graph.topologicalOrder(List.of(n)), values, dtype).get(n);
  }

  private static Map<Node, Tensor> evaluateAll(
      List<Node> order, Map<String, Tensor> values, DType dtype) {
    Map<Node, Tensor> memo = new IdentityHashMap<>();
    for (Node n : order) {
      Tensor t;
      switch (n.kind()) {
        case INPUT, PARAM -> {
          Tensor v = values.get(n.name());
          String what = n.kind() == OpKind.INPUT ? "input" : "parameter";
          if (v == null) {
            throw new IllegalArgumentException(
                "no value for " + what + " '" + n.name() + "' (shape " + n.shape() + ")");
          }
          if (!v.shape().equals(n.shape())) {
            throw new IllegalArgumentException(
                what + " '" + n.name() + "' has shape " + v.shape() + ", expected " + n.shape());
          }
          t = v.round(dtype);
        }
        default -> {
          List<Tensor> in = new ArrayList<>(n.inputs().size());
          for (Node i : n.inputs()) {
            in.add(memo.get(i));
          }
          t = n.kind().rule().eval(in, n.attrs(), n.shape()).round(dtype);
        }
      }
      memo.put(n, t);
    }
    return memo;
  }
}
