package convnet.autodiff;

import convnet.autodiff.ops.Grads;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Symbolic reverse-mode differentiation: gradients are new graph nodes, so they can be simplified,
 * compiled, and differentiated again.
 */
public final class Grad {
  private Grad() {}

  /** d loss / d w for each w in {@code wrt}; {@code loss} must have exactly one element. */
  public static List<Node> grad(GraphBuilder b, Node loss, List<Node> wrt) {
    if (loss.shape().size() != 1) {
      throw new IllegalArgumentException(
          "grad needs a loss with one element, got shape "
              + loss.shape()
              + "; use vjp to seed a non-scalar output");
    }
    return vjp(b, loss, b.full(loss.shape(), 1.0), wrt);
  }

  /**
   * The vector-Jacobian product dyᵀ · ∂y/∂w for each w in {@code wrt}. A node that {@code y} does
   * not depend on gets zeros of its shape.
   */
  public static List<Node> vjp(GraphBuilder b, Node y, Node dy, List<Node> wrt) {
    return vjp(b, y, dy, wrt, (n, dn, builder) -> null);
  }

  /**
   * A backward rule that replaces an op's own {@code vjp} for some nodes: it returns the adjoints
   * of {@code y}'s inputs, or null to keep the op's rule. Transforms such as {@link Deconvnet} are
   * written with it.
   */
  @FunctionalInterface
  public interface RuleOverride {
    /**
     * The adjoints of {@code y}'s inputs given its adjoint {@code dy}, or null for the op's own
     * rule.
     */
    Grads vjp(Node y, Node dy, GraphBuilder b);
  }

  /**
   * As {@link #vjp(GraphBuilder, Node, Node, List)}, with {@code override} consulted first at every
   * node.
   */
  public static List<Node> vjp(
      GraphBuilder b, Node y, Node dy, List<Node> wrt, RuleOverride override) {
    if (!dy.shape().equals(y.shape())) {
      throw new IllegalArgumentException(
          "seed shape " + dy.shape() + " differs from output shape " + y.shape());
    }
    List<Node> order = Graph.topologicalOrder(List.of(y));
    Set<Node> targets = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    targets.addAll(wrt);
    // Only nodes on a path to a target need adjoints; this also keeps vjps of pruned inputs (log a
    // in pow's
    // exponent gradient, say) out of the result.
    Map<Node, Boolean> needs = new IdentityHashMap<>();
    for (Node n : order) {
      boolean need = targets.contains(n);
      for (Node in : n.inputs()) {
        need |= needs.get(in);
      }
      needs.put(n, need);
    }
    Map<Node, List<Node>> contributions = new IdentityHashMap<>();
    contributions.computeIfAbsent(y, k -> new ArrayList<>()).add(dy);
    String saved = b.provenance();
    Map<Node, Node> adjoint = new IdentityHashMap<>();
    try {
      for (int i = order.size() - 1; i >= 0; i--) {
        Node n = order.get(i);
        List<Node> parts = contributions.remove(n);
        if (parts == null || !needs.get(n)) {
          continue;
        }
        b.setProvenance(n.provenance());
        Node dn = parts.get(0);
        for (int k = 1; k < parts.size(); k++) {
          dn = b.add(dn, parts.get(k));
        }
        adjoint.put(n, dn);
        if (n.kind().isLeaf()) {
          continue;
        }
        Grads grads = override.vjp(n, dn, b);
        if (grads == null) {
          grads = n.kind().rule().vjp(n, dn, b);
        }
        for (int k = 0; k < n.inputs().size(); k++) {
          Node in = n.input(k);
          Node g = grads.get(k);
          if (g == null || !needs.get(in)) {
            continue;
          }
          contributions
              .computeIfAbsent(in, key -> new ArrayList<>())
              .add(unbroadcast(b, g, in.shape(), n));
        }
      }
    } finally {
      b.setProvenance(saved);
    }
    PassWork.add(2L * order.size());
    List<Node> result = new ArrayList<>(wrt.size());
    for (Node w : wrt) {
      Node a = adjoint.get(w);
      result.add(a != null ? a : b.zeros(w.shape()));
    }
    return result;
  }

  /**
   * Sums an adjoint of broadcast shape back to the shape of the input it belongs to (done here once
   * for all ops).
   */
  static Node unbroadcast(GraphBuilder b, Node g, Shape target, Node from) {
    Shape s = g.shape();
    if (s.equals(target)) {
      return g;
    }
    if (!target.broadcastsTo(s)) {
      throw new IllegalStateException(
          "vjp of "
              + from
              + " returned an adjoint of shape "
              + s
              + " for an input of shape "
              + target);
    }
    List<Integer> axes = new ArrayList<>();
    int off = s.rank() - target.rank();
    for (int i = 0; i < s.rank(); i++) {
      if (i < off || (target.dim(i - off) == 1 && s.dim(i) != 1)) {
        axes.add(i);
      }
    }
    // Same rank: keep the summed axes as 1 and the result already has the target shape, no reshape
    // needed.
    return b.reshape(b.sum(g, axes, off == 0), target);
  }

  /**
   * The forward graph plus {@code grad/<name>} outputs: the gradient of output {@code lossOutput}
   * with respect to every parameter, and to each input named in {@code inputNames} (for example
   * {@code input}).
   */
  public static Graph withGradients(
      Graph forward, String lossOutput, Collection<String> inputNames) {
    GraphBuilder b = new GraphBuilder();
    for (Node n : forward.nodes()) {
      b.intern(n);
    }
    Node loss = forward.output(lossOutput);
    Map<String, Node> wrt = new LinkedHashMap<>(forward.params());
    for (String name : inputNames) {
      Node in = forward.inputs().get(name);
      if (in == null) {
        throw new IllegalArgumentException(
            "graph has no input '" + name + "'; inputs are " + forward.inputs().keySet());
      }
      wrt.put(name, in);
    }
    List<Node> grads = grad(b, loss, List.copyOf(wrt.values()));
    Map<String, Node> outputs = new LinkedHashMap<>(forward.outputs());
    int i = 0;
    for (String name : wrt.keySet()) {
      outputs.put("grad/" + name, grads.get(i++));
    }
    return Graph.of(outputs);
  }

  /**
   * The forward graph plus {@code grad/<name>} outputs for the parameters {@code params} and then
   * the inputs {@code inputs} named here, in that order. The leaves are built from their names and
   * shapes rather than taken from the forward graph: a parameter that the loss does not depend on
   * (cut off by a constant layer, say) still gets its gradient, zero, as an output.
   */
  public static Graph withGradients(
      Graph forward, String lossOutput, Map<String, Shape> params, Map<String, Shape> inputs) {
    GraphBuilder b = new GraphBuilder();
    for (Node n : forward.nodes()) {
      b.intern(n);
    }
    List<String> names = new ArrayList<>();
    List<Node> wrt = new ArrayList<>();
    params.forEach(
        (name, shape) -> {
          names.add(name);
          wrt.add(b.param(name, shape));
        });
    inputs.forEach(
        (name, shape) -> {
          names.add(name);
          wrt.add(b.input(name, shape));
        });
    List<Node> grads = grad(b, forward.output(lossOutput), wrt);
    Map<String, Node> outputs = new LinkedHashMap<>(forward.outputs());
    for (int i = 0; i < names.size(); i++) {
      outputs.put("grad/" + names.get(i), grads.get(i));
    }
    return Graph.of(outputs);
  }
}
