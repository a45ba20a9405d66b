package convnet.dsl;

import static convnet.dsl.RandomArchitectures.P;
import static convnet.dsl.RandomArchitectures.arg;
import static convnet.dsl.RandomArchitectures.num;
import static convnet.dsl.RandomArchitectures.size;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.ops.Windows;
import java.util.ArrayList;
import java.util.List;

/**
 * The filter bank: paper {@code nFhxwC[S[G]]} and {@code conv(maps, kernel, stride, pad, act, gain,
 * bias, groups, table)}; y = g · act(b + W ⋆ x).
 */
final class ConvDefinition extends LayerDefinition {
  private static final List<String> ARGS =
      List.of("maps", "kernel", "stride", "pad", "act", "gain", "bias", "groups", "table");

  ConvDefinition() {
    super(List.of("conv"), List.of());
  }

  @Override
  public SpatialWindow spatialWindow(Layer layer) {
    LayerArgs.Conv c = (LayerArgs.Conv) layer.args();
    return new SpatialWindow(
        c.kernelHeight(),
        c.kernelWidth(),
        c.strideHeight(),
        c.strideWidth(),
        c.padHeight(),
        c.padWidth());
  }

  @Override
  public boolean opensFilterStage() {
    return true;
  }

  @Override
  boolean keepsShape() {
    return false;
  }

  @Override
  Units units() {
    return Units.WEIGHTED;
  }

  @Override
  String example() {
    return "conv(maps=4, kernel=3x3, pad=1, act=relu, gain=true)";
  }

  @Override
  Layer resolvePaperConv(LayerResolver r, LayerNode.PaperConv c) {
    r.nameFor("conv");
    return conv(
        r,
        c.maps(),
        new int[] {c.kernelHeight(), c.kernelWidth()},
        new int[] {1, 1},
        new int[] {0, 0},
        1,
        0,
        c.squash() ? Activation.TANH : Activation.NONE,
        c.gain(),
        true);
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    r.nameFor("conv");
    ArgReader a = r.reader(c, ARGS);
    if (!a.has("maps")) {
      a.missing("maps", "conv(maps=32, kernel=5x5)");
    }
    if (!a.has("kernel")) {
      a.missing("kernel", "conv(maps=32, kernel=5x5)");
    }
    int maps = a.integer("maps", 1, 1, Checker.MAX_DIM);
    int[] kernel = a.size("kernel", new int[] {1, 1}, Checker.MAX_DIM);
    int[] stride = a.size("stride", new int[] {1, 1}, Checker.MAX_DIM);
    int[] pad = a.padding("pad");
    int groups = a.integer("groups", 1, 1, Checker.MAX_DIM);
    Activation act = LayerResolver.activation(a, "none");
    boolean gain = a.bool("gain", false);
    boolean bias = a.bool("bias", true);
    int table = 0;
    Value t = a.value("table");
    if (t != null) {
      if (t instanceof Value.Call tc && tc.name().equals("random")) {
        ArgReader ta =
            new ArgReader("table random(k)", tc.pos(), tc.args(), List.of("k"), r.diagnostics());
        if (!ta.has("k")) {
          ta.missing("k", "table=random(16)");
        }
        table = ta.integer("k", 1, 1, Checker.MAX_DIM);
      } else if (!(t instanceof Value.Ident ti && ti.name().equals("full"))) {
        r.error(
            t.pos(),
            "unknown connection table '" + Printer.value(t) + "'",
            "use table=full (the default) or table=random(k): each output map sees k random input maps");
      }
    }
    return conv(r, maps, kernel, stride, pad, groups, table, act, gain, bias);
  }

  private static Layer conv(
      LayerResolver r,
      int maps,
      int[] kernel,
      int[] stride,
      int[] pad,
      int groups,
      int tableK,
      Activation act,
      boolean gain,
      boolean bias) {
    SourcePos pos = r.pos();
    if (maps < 1 || kernel[0] < 1 || kernel[1] < 1) {
      r.error(
          pos,
          "filter bank " + maps + "F" + kernel[0] + "x" + kernel[1] + " has a zero size",
          "maps and kernel sizes must be at least 1");
      return null;
    }
    if (maps > Checker.MAX_DIM || kernel[0] > Checker.MAX_DIM || kernel[1] > Checker.MAX_DIM) {
      r.error(
          pos,
          "filter bank " + maps + "F" + kernel[0] + "x" + kernel[1] + " is absurdly large",
          "each size must be at most " + Checker.MAX_DIM);
      return null;
    }
    MapShape in = r.in();
    if (r.failed() || in == null) {
      return null;
    }
    int c = in.channels();
    if (tableK > 0 && groups != 1) {
      r.error(
          pos,
          "a connection table and groups cannot be combined",
          "use either table=random(k) or groups=g");
      return null;
    }
    if (c % groups != 0 || maps % groups != 0) {
      r.error(
          pos,
          "groups="
              + groups
              + " must divide both the input maps ("
              + c
              + ") and the output maps ("
              + maps
              + ")",
          null);
      return null;
    }
    if (tableK > c) {
      r.error(
          pos,
          "table=random("
              + tableK
              + ") asks each output map to see "
              + tableK
              + " input maps, but the input "
              + in
              + " has only "
              + c,
          "use k <= " + c);
      return null;
    }
    if (pad[0] >= kernel[0] || pad[1] >= kernel[1]) {
      r.error(
          pos,
          "pad "
              + pad[0]
              + "x"
              + pad[1]
              + " is not smaller than the kernel "
              + kernel[0]
              + "x"
              + kernel[1],
          "a pad of at most (kernel-1)/2 keeps every output touching the input");
      return null;
    }
    int oh = r.outSize("kernel", kernel[0], in.height(), stride[0], pad[0], false, "height");
    int ow =
        oh < 1 ? 0 : r.outSize("kernel", kernel[1], in.width(), stride[1], pad[1], false, "width");
    if (oh < 1 || ow < 1) {
      return null;
    }
    MapShape o = new MapShape(maps, oh, ow);
    int perOut = tableK > 0 ? tableK : c / groups;
    String name = r.name();
    // Drawn for the default seed here; the checker redraws it for the train block's seed.
    ConnectionTable table =
        tableK > 0
            ? ConnectionTable.random(c, maps, tableK, ConnectionTable.seedOf(1, name))
            : null;
    List<ParamSpec> specs = new ArrayList<>();
    ParamSpec weight =
        ParamSpec.weight(name + ".weight", List.of(maps, perOut, kernel[0], kernel[1]));
    specs.add(weight);
    if (bias) {
      specs.add(ParamSpec.bias(name + ".bias", weight));
    }
    if (gain) {
      specs.add(ParamSpec.gain(name + ".gain", maps));
    }
    try {
      long params = 0;
      for (ParamSpec s : specs) {
        params = Math.addExact(params, s.size());
      }
      long connections = Math.multiplyExact(o.size(), (long) perOut * kernel[0] * kernel[1]);
      return r.layer(
          LayerKind.CONV,
          new LayerArgs.Conv(
              maps, kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], groups, table, act,
              gain, bias),
          o,
          params,
          o.size(),
          connections,
          specs);
    } catch (ArithmeticException e) {
      r.error(pos, "filter bank is absurdly large: its counts overflow a 64-bit integer", null);
      return null;
    }
  }

  /**
   * y = g · act(b + W ⋆ x): PyTorch's cross-correlation with the stored weight W, which is the
   * seed's true convolution with k = flip(W); gain and bias per output map. A connection table
   * scatters the stored [out, k, kh, kw] weight into the full [out, in, kh, kw] one through a
   * constant 0/1 mask, so the maps an output does not see get weight 0 and no gradient.
   */
  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    GraphBuilder b = lowerer.graph();
    LayerArgs.Conv a = (LayerArgs.Conv) layer.args();
    int inMaps = x.shape().dim(1);
    int perOutput = a.table() != null ? a.table().perOutput() : inMaps / a.groups();
    Node w =
        lowerer.param(
            layer.name() + ".weight", a.maps(), perOutput, a.kernelHeight(), a.kernelWidth());
    if (a.table() != null) {
      w = scatter(b, w, a.table());
    }
    Node y =
        b.conv2d(
            x,
            w,
            new Attrs.Conv(
                a.strideHeight(), a.strideWidth(), a.padHeight(), a.padWidth(), a.groups()));
    if (a.bias()) {
      y = b.add(y, perMap(b, lowerer.param(layer.name() + ".bias", a.maps())));
    }
    y = a.activation().apply(b, y);
    if (a.gain()) {
      y = b.mul(perMap(b, lowerer.param(layer.name() + ".gain", a.maps())), y);
    }
    return y;
  }

  /**
   * full[o, i] = Σ_j w[o, j] · E[o, j, i] with E[o, j, i] = 1 when the table's j-th input of output
   * o is map i: kept rank 4 by flattening the kernel, ([O, k, 1, kh·kw] · [O, k, in, 1]) summed
   * over k.
   */
  private static Node scatter(GraphBuilder b, Node w, ConnectionTable table) {
    Shape s = w.shape();
    int out = s.dim(0);
    int k = s.dim(1);
    int kernel = s.dim(2) * s.dim(3);
    int in = table.inputs();
    double[] e = new double[out * k * in];
    for (int o = 0; o < out; o++) {
      int[] row = table.inputsOf(o);
      for (int j = 0; j < k; j++) {
        e[(o * k + j) * in + row[j]] = 1;
      }
    }
    Node mask = b.constant(Tensor.wrap(Shape.of(out, k, in, 1), e));
    Node spread = b.mul(b.reshape(w, Shape.of(out, k, 1, kernel)), mask);
    return b.reshape(b.sum(spread, List.of(1), false), Shape.of(out, in, s.dim(2), s.dim(3)));
  }

  /**
   * {@code variant} 0: paper notation; 1: {@code conv(n, ...)}; 2: {@code conv(maps=n, ...)}; with
   * {@link RandomArchitectures#filterMaps} maps, drawn before the generator chose the kind.
   */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    int maps = g.filterMaps;
    int kh = g.between(1, Math.min(5, g.height));
    int kw = g.between(1, Math.min(5, g.width));
    if (variant == 0) {
      boolean squash = g.chance(0.6);
      boolean gain = squash && g.chance(0.5);
      g.height = Windows.convolvedSize(g.height, kh, 1, 0);
      g.width = Windows.convolvedSize(g.width, kw, 1, 0);
      g.channels = maps;
      return g.label(new LayerNode.PaperConv(null, maps, kh, kw, squash, gain, P));
    }
    List<Arg> args = new ArrayList<>();
    args.add(variant == 1 ? arg(null, num(maps)) : arg("maps", num(maps)));
    args.add(arg("kernel", kh == kw && g.chance(0.3) ? num(kh) : size(kh, kw)));
    int stride = g.chance(0.3) ? 2 : 1;
    int pad = Math.min((kh - 1) / 2, (kw - 1) / 2) > 0 && g.chance(0.5) ? 1 : 0;
    if (stride > 1) {
      args.add(arg("stride", num(stride)));
    }
    if (pad > 0) {
      args.add(arg("pad", num(pad)));
    }
    if (g.chance(0.5)) {
      args.add(arg("act", new Value.Ident(g.pick("relu", "tanh", "abs", "sigmoid", "none"), P)));
    }
    if (g.chance(0.3)) {
      args.add(arg("gain", new Value.Ident(g.chance(0.5) ? "true" : "false", P)));
    }
    if (g.chance(0.2)) {
      args.add(arg("bias", new Value.Ident("false", P)));
    }
    int groups = 1;
    if (g.channels % 2 == 0 && g.chance(0.3)) {
      groups = 2;
      if (maps % 2 != 0) {
        maps++;
        args.set(0, variant == 1 ? arg(null, num(maps)) : arg("maps", num(maps)));
      }
      args.add(arg("groups", num(groups)));
    } else if (g.channels > 1 && g.chance(0.3)) {
      args.add(
          arg(
              "table",
              new Value.Call("random", List.of(arg(null, num(g.between(1, g.channels)))), P)));
    }
    g.height = Windows.convolvedSize(g.height, kh, stride, pad);
    g.width = Windows.convolvedSize(g.width, kw, stride, pad);
    g.channels = maps;
    return g.label(new LayerNode.Call(null, "conv", args, LayerNode.Form.PARENS, P));
  }
}
