package convnet.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable computation graph: named output nodes, in order, and everything they depend on.
 *
 * <p>Node order ({@link #nodes()}) is a deterministic depth-first post-order from the outputs in
 * order, inputs left to right, so printed graphs and numbering are stable.
 */
public final class Graph {
  private final Map<String, Node> outputs;
  private final List<Node> nodes;

  private Graph(Map<String, Node> outputs) {
    this.outputs = outputs;
    this.nodes = topologicalOrder(outputs.values());
    // Equal leaves from different builders are the same leaf (CSE merges them); different ones may
    // not share a name.
    Map<String, Node> leaves = new LinkedHashMap<>();
    for (Node n : nodes) {
      if (n.kind() == OpKind.INPUT || n.kind() == OpKind.PARAM) {
        Node prev = leaves.putIfAbsent(n.name(), n);
        if (prev != null && !prev.equals(n)) {
          throw new ShapeException(
              "two different leaves are named '" + n.name() + "': " + prev + " and " + n,
              n.provenance());
        }
      }
    }
  }

  /** A graph with the given named outputs (iteration order is kept). */
  public static Graph of(Map<String, Node> outputs) {
    Map<String, Node> copy = new LinkedHashMap<>();
    outputs.forEach(
        (k, v) ->
            copy.put(
                Objects.requireNonNull(k, "output name"),
                Objects.requireNonNull(v, "output " + k)));
    return new Graph(Collections.unmodifiableMap(copy));
  }

  /** A graph with one output. */
  public static Graph of(String name, Node output) {
    return of(Map.of(name, output));
  }

  /** Named outputs, in order. */
  public Map<String, Node> outputs() {
    return outputs;
  }

  public Node output(String name) {
    Node n = outputs.get(name);
    if (n == null) {
      throw new IllegalArgumentException(
          "graph has no output '" + name + "'; outputs are " + outputs.keySet());
    }
    return n;
  }

  /** All nodes reachable from the outputs, inputs before users. */
  public List<Node> nodes() {
    return nodes;
  }

  public int nodeCount() {
    return nodes.size();
  }

  /** INPUT nodes by name, in node order. */
  public Map<String, Node> inputs() {
    return leaves(OpKind.INPUT);
  }

  /** PARAM nodes by name, in node order. */
  public Map<String, Node> params() {
    return leaves(OpKind.PARAM);
  }

  private Map<String, Node> leaves(OpKind kind) {
    Map<String, Node> m = new LinkedHashMap<>();
    for (Node n : nodes) {
      if (n.kind() == kind) {
        m.put(n.name(), n);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /** This graph with one more (or a replaced) output. */
  public Graph withOutput(String name, Node node) {
    Map<String, Node> m = new LinkedHashMap<>(outputs);
    m.put(name, node);
    return of(m);
  }

  /** Number of nodes of each kind, for statistics. */
  public Map<OpKind, Integer> kindCounts() {
    Map<OpKind, Integer> m = new java.util.EnumMap<>(OpKind.class);
    for (Node n : nodes) {
      m.merge(n.kind(), 1, Integer::sum);
    }
    return m;
  }

  /**
   * Deterministic post-order of everything reachable from {@code roots}; iterative so deep graphs
   * do not overflow.
   */
  public static List<Node> topologicalOrder(Iterable<Node> roots) {
    List<Node> order = new ArrayList<>();
    Map<Node, Boolean> state = new IdentityHashMap<>(); // false = on stack, true = done
    Deque<Object[]> stack = new ArrayDeque<>();
    long visits = 0;
    for (Node root : roots) {
      if (state.containsKey(root)) {
        continue;
      }
      stack.push(new Object[] {root, 0});
      state.put(root, false);
      while (!stack.isEmpty()) {
        Object[] top = stack.peek();
        Node n = (Node) top[0];
        int i = (Integer) top[1];
        if (i < n.inputs().size()) {
          top[1] = i + 1;
          Node in = n.input(i);
          if (!state.containsKey(in)) {
            state.put(in, false);
            stack.push(new Object[] {in, 0});
          }
        } else {
          stack.pop();
          state.put(n, true);
          order.add(n);
          visits += 1 + n.inputs().size();
        }
      }
    }
    PassWork.add(visits);
    return List.copyOf(order);
  }

  @Override
  public String toString() {
    return convnet.autodiff.GraphPrinter.text(this);
  }
}
