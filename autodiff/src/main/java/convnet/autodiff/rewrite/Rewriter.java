package convnet.autodiff.rewrite;

import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.PassWork;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds a graph bottom-up through a fresh hash-consing builder, applying local rules to every
 * node until none applies, and repeats whole sweeps until one changes nothing (so every pass built
 * on it is idempotent).
 */
public final class Rewriter {
  private static final int MAX_SWEEPS = 50;
  private static final int MAX_RULE_STEPS = 1000;

  private Rewriter() {}

  /**
   * Rewrites {@code g} with {@code rules} to a fixpoint; returns {@code g} itself when nothing
   * changed.
   */
  public static Graph rewrite(Graph g, List<Rule> rules) {
    Graph cur = g;
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      Graph next = sweep(cur, rules);
      if (next == cur) {
        return cur;
      }
      cur = next;
    }
    throw new IllegalStateException(
        "rewrite rules did not reach a fixpoint after " + MAX_SWEEPS + " sweeps:\n" + cur);
  }

  private static Graph sweep(Graph g, List<Rule> rules) {
    PassWork.add(g.nodeCount());
    GraphBuilder b = new GraphBuilder();
    Map<Node, Node> map = new IdentityHashMap<>();
    for (Node n : g.nodes()) {
      List<Node> ins = new ArrayList<>(n.inputs().size());
      boolean same = true;
      for (Node in : n.inputs()) {
        Node m = map.get(in);
        ins.add(m);
        same &= m == in;
      }
      Node cur = same ? b.intern(n) : b.node(n.kind(), n.attrs(), ins, n.provenance());
      map.put(n, applyRules(cur, rules, b));
    }
    boolean changed = false;
    Map<String, Node> outputs = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : g.outputs().entrySet()) {
      Node m = map.get(e.getValue());
      changed |= m != e.getValue();
      outputs.put(e.getKey(), m);
    }
    return changed ? Graph.of(outputs) : g;
  }

  private static Node applyRules(Node node, List<Rule> rules, GraphBuilder b) {
    Node cur = node;
    for (int step = 0; step < MAX_RULE_STEPS; step++) {
      Node next = null;
      b.setProvenance(cur.provenance());
      for (Rule r : rules) {
        Optional<Node> o = r.apply(cur, b);
        if (o.isPresent() && o.get() != cur) {
          next = o.get();
          break;
        }
      }
      PassWork.add(1);
      if (next == null) {
        return cur;
      }
      if (!next.shape().equals(cur.shape())) {
        throw new IllegalStateException(
            "a rewrite rule changed shape " + cur.shape() + " to " + next.shape() + " at " + cur);
      }
      cur = next;
    }
    throw new IllegalStateException("rewrite rules loop at " + cur);
  }
}
