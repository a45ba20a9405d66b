package convnet.autodiff;

import java.util.Map;
import java.util.Objects;

/**
 * A named computation to execute: a graph whose outputs are named after DESIGN's contract ({@code
 * output}, {@code loss}, {@code grad/<param>}, {@code grad/input}) and whose leaves are bound by
 * name.
 */
public record Function(String name, Graph graph) {
  public Function {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(graph, "graph");
  }

  /** INPUT leaves by name. */
  public Map<String, Node> inputs() {
    return graph.inputs();
  }

  /** PARAM leaves by name. */
  public Map<String, Node> params() {
    return graph.params();
  }

  /** Named outputs. */
  public Map<String, Node> outputs() {
    return graph.outputs();
  }
}
