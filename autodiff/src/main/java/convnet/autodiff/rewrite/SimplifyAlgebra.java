package convnet.autodiff.rewrite;

import convnet.autodiff.Attrs;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import convnet.autodiff.ScalarOp;
import convnet.autodiff.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Algebraic identities: x+0, x-0, 0-x, x·1, x·0, x/1, 1/x, x^1, x^2, −(−x), exp(log x), log(exp x),
 * where(c, a, a), nested reshapes/broadcasts/transposes, unary ops moved before broadcasts, and
 * sums over broadcast axes (a multiplication by the axis size).
 *
 * <p>As in every algebraic simplifier, x·0 → 0 ignores x = ±inf/NaN and exp(log x) → x ignores x ≤
 * 0: these rewrites keep the value wherever the original is finite and defined.
 */
public final class SimplifyAlgebra implements Pass {
  private static final List<Rule> RULES =
      List.of(
          SimplifyAlgebra::arithmetic,
          SimplifyAlgebra::inverses,
          SimplifyAlgebra::layout,
          SimplifyAlgebra::sumOfBroadcast);

  @Override
  public String name() {
    return "simplify-algebra";
  }

  @Override
  public Graph apply(Graph graph) {
    return Rewriter.rewrite(graph, RULES);
  }

  /** The rules, for passes that want to combine them with others. */
  public static List<Rule> rules() {
    return RULES;
  }

  /** {@code x} broadcast to {@code s}, or null when it does not broadcast. */
  private static Node fit(GraphBuilder b, Node x, Shape s) {
    return x.shape().broadcastsTo(s) ? b.broadcastTo(x, s) : null;
  }

  private static Optional<Node> some(Node n) {
    return Optional.ofNullable(n);
  }

  static Optional<Node> arithmetic(Node n, GraphBuilder b) {
    if (n.kind() == OpKind.WHERE && n.input(1) == n.input(2)) {
      return some(fit(b, n.input(1), n.shape()));
    }
    if (n.kind() != OpKind.BINARY) {
      return Optional.empty();
    }
    Node x = n.input(0);
    Node y = n.input(1);
    Shape s = n.shape();
    switch (n.scalarOp()) {
      case ADD -> {
        if (y.isUniformConstant(0)) {
          return some(fit(b, x, s));
        }
        if (x.isUniformConstant(0)) {
          return some(fit(b, y, s));
        }
      }
      case SUB -> {
        if (y.isUniformConstant(0)) {
          return some(fit(b, x, s));
        }
        if (x.isUniformConstant(0)) {
          return some(fit(b, b.neg(y), s));
        }
      }
      case MUL -> {
        if (x.isUniformConstant(0) || y.isUniformConstant(0)) {
          return Optional.of(b.zeros(s));
        }
        if (y.isUniformConstant(1)) {
          return some(fit(b, x, s));
        }
        if (x.isUniformConstant(1)) {
          return some(fit(b, y, s));
        }
      }
      case DIV -> {
        if (y.isUniformConstant(1)) {
          return some(fit(b, x, s));
        }
        if (x.isUniformConstant(1)) {
          return some(fit(b, b.reciprocal(y), s));
        }
      }
      case POW -> {
        if (y.isUniformConstant(1)) {
          return some(fit(b, x, s));
        }
        if (y.isUniformConstant(2)) {
          return some(fit(b, b.square(x), s));
        }
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  static Optional<Node> inverses(Node n, GraphBuilder b) {
    if (n.kind() != OpKind.UNARY) {
      return Optional.empty();
    }
    Node x = n.input(0);
    if (x.kind() == OpKind.UNARY) {
      ScalarOp outer = n.scalarOp();
      ScalarOp inner = x.scalarOp();
      if ((outer == ScalarOp.NEG && inner == ScalarOp.NEG)
          || (outer == ScalarOp.EXP && inner == ScalarOp.LOG)
          || (outer == ScalarOp.LOG && inner == ScalarOp.EXP)) {
        return Optional.of(x.input(0));
      }
    }
    // f(broadcast(v)) = broadcast(f(v)): the op then runs once per distinct value.
    if (x.kind() == OpKind.BROADCAST) {
      return Optional.of(b.broadcastTo(b.unary(n.scalarOp(), x.input(0)), n.shape()));
    }
    return Optional.empty();
  }

  static Optional<Node> layout(Node n, GraphBuilder b) {
    if (n.inputs().size() != 1) {
      return Optional.empty();
    }
    Node x = n.input(0);
    if (n.kind() == OpKind.RESHAPE && x.kind() == OpKind.RESHAPE) {
      return Optional.of(b.reshape(x.input(0), n.shape()));
    }
    if (n.kind() == OpKind.BROADCAST && x.kind() == OpKind.BROADCAST) {
      return Optional.of(b.broadcastTo(x.input(0), n.shape()));
    }
    if (n.kind() == OpKind.TRANSPOSE && x.kind() == OpKind.TRANSPOSE) {
      List<Integer> outer = ((Attrs.Permute) n.attrs()).perm();
      List<Integer> inner = ((Attrs.Permute) x.attrs()).perm();
      int[] composed = new int[outer.size()];
      for (int i = 0; i < composed.length; i++) {
        composed[i] = inner.get(outer.get(i));
      }
      return Optional.of(b.transpose(x.input(0), composed));
    }
    return Optional.empty();
  }

  /** Σ over axes along which x was only broadcast = x · (product of those axis sizes). */
  static Optional<Node> sumOfBroadcast(Node n, GraphBuilder b) {
    if (n.kind() != OpKind.REDUCE_SUM || n.input(0).kind() != OpKind.BROADCAST) {
      return Optional.empty();
    }
    Attrs.Reduce r = (Attrs.Reduce) n.attrs();
    Node bc = n.input(0);
    Node x = bc.input(0);
    Shape target = bc.shape();
    int off = target.rank() - x.shape().rank();
    long factor = 1;
    List<Integer> kept = new ArrayList<>();
    for (int a = 0; a < target.rank(); a++) {
      int xd = a < off ? 1 : x.shape().dim(a - off);
      if (r.axes().contains(a)) {
        if (xd != 1) {
          return Optional.empty();
        }
        factor *= target.dim(a);
        if (r.keepDims()) {
          kept.add(1);
        }
      } else {
        kept.add(xd);
      }
    }
    Node reduced = b.reshape(x, Shape.of(kept));
    if (factor != 1) {
      reduced = b.mul(reduced, (double) factor);
    }
    return Optional.of(b.broadcastTo(reduced, n.shape()));
  }
}
