package convnet.autodiff;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Deterministic text and Graphviz renderings of a graph: nodes numbered %0, %1, … in {@link
 * Graph#nodes()} order.
 */
public final class GraphPrinter {
  private GraphPrinter() {}

  /**
   * One line per node ({@code %3 = conv2d(%0, %1) stride=1x1 ... : [64, 8, 24, 24] # L1_conv}) then
   * the outputs.
   */
  public static String text(Graph g) {
    Map<Node, Integer> ids = number(g);
    StringBuilder sb = new StringBuilder();
    for (Node n : g.nodes()) {
      sb.append('%').append(ids.get(n)).append(" = ").append(n.kind().symbol());
      if (!n.inputs().isEmpty()) {
        sb.append('(');
        for (int i = 0; i < n.inputs().size(); i++) {
          sb.append(i > 0 ? ", %" : "%").append(ids.get(n.input(i)));
        }
        sb.append(')');
      }
      String a = n.attrs().describe();
      if (!a.isEmpty()) {
        sb.append(' ').append(a);
      }
      sb.append(" : ").append(n.shape());
      if (!n.provenance().isEmpty()) {
        sb.append("  # ").append(n.provenance());
      }
      sb.append('\n');
    }
    g.outputs()
        .forEach(
            (name, n) ->
                sb.append("output ").append(name).append(" = %").append(ids.get(n)).append('\n'));
    return sb.toString();
  }

  /** A Graphviz {@code digraph}; outputs are drawn as boxes. */
  public static String dot(Graph g) {
    Map<Node, Integer> ids = number(g);
    StringBuilder sb =
        new StringBuilder(
            "digraph graph_ir {\n  rankdir=TB;\n  node [shape=ellipse, fontname=\"monospace\"];\n");
    for (Node n : g.nodes()) {
      String a = n.attrs().describe();
      String label =
          "%"
              + ids.get(n)
              + " "
              + n.kind().symbol()
              + (a.isEmpty() ? "" : "\\n" + a)
              + "\\n"
              + n.shape()
              + (n.provenance().isEmpty() ? "" : "\\n" + n.provenance());
      sb.append("  n")
          .append(ids.get(n))
          .append(" [label=\"")
          .append(escape(label))
          .append("\"];\n");
      for (Node in : n.inputs()) {
        sb.append("  n").append(ids.get(in)).append(" -> n").append(ids.get(n)).append(";\n");
      }
    }
    int k = 0;
    for (Map.Entry<String, Node> e : g.outputs().entrySet()) {
      sb.append("  out")
          .append(k)
          .append(" [shape=box, label=\"")
          .append(escape(e.getKey()))
          .append("\"];\n");
      sb.append("  n").append(ids.get(e.getValue())).append(" -> out").append(k).append(";\n");
      k++;
    }
    return sb.append("}\n").toString();
  }

  private static Map<Node, Integer> number(Graph g) {
    Map<Node, Integer> ids = new IdentityHashMap<>();
    for (Node n : g.nodes()) {
      ids.put(n, ids.size());
    }
    return ids;
  }

  private static String escape(String s) {
    // Keep the "\n" line breaks meant for Graphviz; escape quotes only.
    return s.replace("\"", "\\\"");
  }
}
