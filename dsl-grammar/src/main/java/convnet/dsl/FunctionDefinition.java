package convnet.dsl;

import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.ScalarOp;
import java.util.List;

/**
 * A user function used as a layer ({@code fn softsign(x) = x / (1 + abs(x))}, then {@code
 * softsign}): its body applied elementwise, the gradient derived symbolically. It has no keyword of
 * its own; the resolver comes here for a name that is a declared {@code fn}.
 */
final class FunctionDefinition extends LayerDefinition {
  FunctionDefinition() {
    super(List.of(), List.of());
  }

  @Override
  Units units() {
    return Units.NONLINEARITY;
  }

  /** Given {@code fn softsign(x) = x / (1 + abs(x))} in the file. */
  @Override
  String example() {
    return "softsign";
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    String kw = c.name();
    Decl.Fn fn = r.fn(kw);
    r.nameFor(kw);
    if (!c.args().isEmpty()) {
      r.error(c.args().get(0).pos(), "function layer '" + kw + "' takes no arguments", null);
      return null;
    }
    String param = fn.params().isEmpty() ? "x" : fn.params().get(0);
    MapShape in = r.in();
    return r.shaped(
        LayerKind.FN,
        new LayerArgs.Function(fn.name(), param, fn.body()),
        in == null ? 0 : in.size(),
        0);
  }

  /**
   * The expression's tree mapped onto elementwise ops, broadcast to the input's shape (a constant
   * body too).
   */
  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    LayerArgs.Function f = (LayerArgs.Function) layer.args();
    GraphBuilder b = lowerer.graph();
    return b.broadcastTo(expr(b, f.body(), f.param(), x), x.shape());
  }

  private static Node expr(GraphBuilder b, Expr e, String param, Node x) {
    if (e instanceof Expr.Num n) {
      return b.scalar(n.value());
    }
    if (e instanceof Expr.Var v) {
      if (!v.name().equals(param)) {
        throw new IllegalStateException(
            "unbound name '" + v.name() + "' in a checked function at " + v.pos());
      }
      return x;
    }
    if (e instanceof Expr.Negate n) {
      return b.neg(expr(b, n.operand(), param, x));
    }
    if (e instanceof Expr.Binary bin) {
      Node l = expr(b, bin.left(), param, x);
      Node r = expr(b, bin.right(), param, x);
      return switch (bin.op()) {
        case '+' -> b.add(l, r);
        case '-' -> b.sub(l, r);
        case '*' -> b.mul(l, r);
        case '/' -> b.div(l, r);
        case '^' -> b.pow(l, r);
        default ->
            throw new IllegalStateException("unknown operator '" + bin.op() + "' at " + bin.pos());
      };
    }
    Expr.Call c = (Expr.Call) e;
    List<Node> args = c.args().stream().map(a -> expr(b, a, param, x)).toList();
    ScalarOp op = ScalarOp.functions().get(c.function());
    if (op == null) {
      throw new IllegalStateException("unknown function '" + c.function() + "' at " + c.pos());
    }
    return op.arity() == 1 ? b.unary(op, args.get(0)) : b.binary(op, args.get(0), args.get(1));
  }

  /** One of the program's functions, chosen by the generator ({@code variant}: its index). */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    return RandomArchitectures.bare(g.functionName(variant));
  }
}
