package convnet.dsl;

import convnet.autodiff.ops.Windows;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves one layer of the expanded chain through its kind's {@link LayerDefinition}, and gives
 * the definitions what they share: the input shape, naming, error reporting and output-size
 * arithmetic.
 */
final class LayerResolver {
  private static final Set<String> ACTIVATIONS = Set.of("none", "tanh", "relu", "abs", "sigmoid");

  private final Checker checker;
  private final LayerNode node;
  private final int index;
  private final int stage;
  private final SourcePos pos;
  private final MapShape in;
  private final Map<String, Decl.Fn> fns;
  private final List<Diagnostic> out;
  private final boolean last;
  private final int errorsBefore;
  private String name;

  LayerResolver(
      Checker checker,
      LayerNode node,
      int index,
      int stage,
      SourcePos pos,
      MapShape in,
      Map<String, Decl.Fn> fns,
      List<Diagnostic> out,
      boolean last) {
    this.checker = checker;
    this.node = node;
    this.index = index;
    this.stage = stage;
    this.pos = pos;
    this.in = in;
    this.fns = fns;
    this.out = out;
    this.last = last;
    this.errorsBefore = out.size();
  }

  String name() {
    return name;
  }

  /**
   * Whether the layer, even if it has errors, is known to keep its input's shape, so checking the
   * layers after it can go on with that shape.
   */
  boolean keepsShape() {
    return node.accept(
        new LayerNode.Visitor<Boolean>() {
          @Override
          public Boolean visitPaperConv(LayerNode.PaperConv conv) {
            return LayerKind.CONV.definition().keepsShape();
          }

          @Override
          public Boolean visitPaperPool(LayerNode.PaperPool pool) {
            return (pool.max() ? LayerKind.MAXPOOL : LayerKind.AVGPOOL).definition().keepsShape();
          }

          @Override
          public Boolean visitPaperLcn(LayerNode.PaperLcn lcn) {
            return LayerKind.LCN.definition().keepsShape();
          }

          @Override
          public Boolean visitCall(LayerNode.Call call) {
            if (call.name().equals(LayerNode.INVALID)) {
              return false;
            }
            LayerKind kind = LayerKind.byKeyword(call.name());
            // A user function keeps the shape; so is an unknown name taken, having no better guess.
            return kind == null || kind.definition().keepsShape();
          }
        });
  }

  void error(SourcePos p, String message, String hint) {
    out.add(Diagnostic.error(p, message, hint));
  }

  void warning(SourcePos p, String message, String hint) {
    out.add(Diagnostic.warning(p, message, hint));
  }

  /** Whether this layer has reported an error so far. */
  boolean failed() {
    for (int i = errorsBefore; i < out.size(); i++) {
      if (out.get(i).isError()) {
        return true;
      }
    }
    return false;
  }

  /** Names the layer: its label, else {@code L<index>_<keyword>}. */
  String nameFor(String keyword) {
    name = node.label() != null ? node.label() : "L" + index + "_" + keyword;
    return name;
  }

  /** The input shape, null when an earlier layer's errors left it unknown. */
  MapShape in() {
    return in;
  }

  /**
   * Where to report errors of the layer as a whole (a block invocation's site for the layers it
   * expands to).
   */
  SourcePos pos() {
    return pos;
  }

  /** Whether this is the last layer of the network. */
  boolean last() {
    return last;
  }

  /** The layer as written (paper token or keyword form). */
  LayerNode node() {
    return node;
  }

  /** The diagnostics of the file, for readers of nested arguments. */
  List<Diagnostic> diagnostics() {
    return out;
  }

  /** The user function {@code name}, or null. */
  Decl.Fn fn(String name) {
    return fns.get(name);
  }

  Layer resolve() {
    return node.accept(
        new LayerNode.Visitor<Layer>() {
          @Override
          public Layer visitPaperConv(LayerNode.PaperConv conv) {
            return LayerKind.CONV.definition().resolvePaperConv(LayerResolver.this, conv);
          }

          @Override
          public Layer visitPaperPool(LayerNode.PaperPool pool) {
            return (pool.max() ? LayerKind.MAXPOOL : LayerKind.AVGPOOL)
                .definition()
                .resolvePaperPool(LayerResolver.this, pool);
          }

          @Override
          public Layer visitPaperLcn(LayerNode.PaperLcn lcn) {
            return LayerKind.LCN.definition().resolvePaperLcn(LayerResolver.this, lcn);
          }

          @Override
          public Layer visitCall(LayerNode.Call call) {
            return resolveCall(call);
          }
        });
  }

  private Layer resolveCall(LayerNode.Call c) {
    String kw = c.name();
    if (kw.equals(LayerNode.INVALID)) {
      // A word that did not decode: the parser reported it; its output shape is unknown.
      nameFor("invalid");
      return null;
    }
    LayerKind kind = LayerKind.byKeyword(kw);
    if (kind != null) {
      return kind.definition().resolveCall(this, c);
    }
    if (fns.containsKey(kw)) {
      return LayerKind.FN.definition().resolveCall(this, c);
    }
    nameFor(kw);
    String hint = DidYouMean.hint(kw, checker.knownLayerNames());
    error(
        c.pos(),
        "unknown layer '" + kw + "'",
        hint != null
            ? hint
            : "layers are paper tokens (32F5x5CSG, Rabs, N, PA2x2, PM2x2), keywords (conv, dense, ...), fn or define names");
    return null;
  }

  ArgReader reader(LayerNode.Call c, List<String> names) {
    return new ArgReader("'" + c.name() + "'", c.pos(), c.args(), names, out);
  }

  /** The {@code act} argument of a filter bank: one of the {@link Activation}s by keyword. */
  static Activation activation(ArgReader a, String dflt) {
    return Activation.valueOf(a.word("act", dflt, ACTIVATIONS).toUpperCase(java.util.Locale.ROOT));
  }

  /** A layer that keeps its input's shape. */
  Layer shaped(LayerKind kind, LayerArgs args, long neurons, long connections) {
    if (failed() || in == null) {
      return null;
    }
    return layer(kind, args, in, 0, neurons, connections, List.of());
  }

  /**
   * The resolved layer with output {@code o}, or null (reported) when {@code o} is absurdly large.
   */
  Layer layer(
      LayerKind kind,
      LayerArgs args,
      MapShape o,
      long params,
      long neurons,
      long connections,
      List<ParamSpec> specs) {
    if (o.size() > Integer.MAX_VALUE) {
      error(
          pos,
          "output " + o + " of this layer is absurdly large (2^31 values or more per image)",
          null);
      return null;
    }
    return new Layer(name, kind, args, in, o, params, neurons, connections, specs, stage, pos);
  }

  /**
   * Output size along one axis: valid convolution m = (n + 2p - l)/s + 1; with ceil rounding the
   * last window may hang over the end but must start inside the input (Caffe's rule).
   */
  int outSize(String what, int window, int n, int stride, int pad, boolean ceil, String axis) {
    long span = (long) n + 2L * pad - window;
    if (span < 0) {
      error(
          pos,
          what
              + " "
              + window
              + " is larger than its input "
              + axis
              + " "
              + n
              + (pad > 0 ? " (padded by " + pad + " on each side)" : "")
              + " (input "
              + in
              + ")",
          "output "
              + axis
              + " = ("
              + n
              + " + 2*"
              + pad
              + " - "
              + window
              + ")/"
              + stride
              + " + 1 = "
              + span
              + "/"
              + stride
              + " + 1 < 1; use a smaller "
              + what
              + " or remove a pooling layer before it");
      return 0;
    }
    return Windows.pooledSize(n, window, stride, pad, ceil);
  }

  long mul(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      error(pos, "layer is absurdly large: its counts overflow a 64-bit integer", null);
      return 0;
    }
  }
}
