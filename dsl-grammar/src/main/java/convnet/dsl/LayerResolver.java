package convnet.dsl;

import convnet.autodiff.ops.Windows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Resolves one layer of the expanded chain: arguments, output shape, counts and parameter tensors. */
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

  LayerResolver(Checker checker, LayerNode node, int index, int stage, SourcePos pos, MapShape in,
      Map<String, Decl.Fn> fns, List<Diagnostic> out, boolean last) {
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
   * Whether the layer, even if it has errors, is known to keep its input's shape, so checking
   * the layers after it can go on with that shape.
   */
  boolean keepsShape() {
    if (!(node instanceof LayerNode.Call c)) {
      return node instanceof LayerNode.PaperLcn;
    }
    return switch (c.name()) {
      case "conv", "avgpool", "maxpool", "dense", "logistic", "maxout", "mlpconv", LayerNode.INVALID -> false;
      default -> true;
    };
  }

  private void error(SourcePos p, String message, String hint) {
    out.add(Diagnostic.error(p, message, hint));
  }

  private boolean failed() {
    for (int i = errorsBefore; i < out.size(); i++) {
      if (out.get(i).isError()) {
        return true;
      }
    }
    return false;
  }

  private String nameFor(String keyword) {
    name = node.label() != null ? node.label() : "L" + index + "_" + keyword;
    return name;
  }

  Layer resolve() {
    if (node instanceof LayerNode.PaperConv c) {
      nameFor("conv");
      return conv(c.maps(), new int[] {c.kernelHeight(), c.kernelWidth()}, new int[] {1, 1}, new int[] {0, 0}, 1, 0,
          c.squash() ? Activation.TANH : Activation.NONE, c.gain(), true);
    }
    if (node instanceof LayerNode.PaperPool p) {
      nameFor(p.max() ? "maxpool" : "avgpool");
      int s = p.stride() > 0 ? p.stride() : 0;
      if (p.windowHeight() < 1 || p.windowWidth() < 1) {
        error(pos, "pooling window " + p.windowHeight() + "x" + p.windowWidth() + " has a zero size", null);
        return null;
      }
      return pool(p.max(), new int[] {p.windowHeight(), p.windowWidth()},
          s > 0 ? new int[] {s, s} : new int[] {p.windowHeight(), p.windowWidth()}, new int[] {0, 0}, p.ceil());
    }
    if (node instanceof LayerNode.PaperLcn n) {
      nameFor("lcn");
      int h = n.windowHeight() > 0 ? n.windowHeight() : 9;
      int w = n.windowWidth() > 0 ? n.windowWidth() : 9;
      if (n.windowHeight() == 0 && n.windowWidth() != 0 || n.windowWidth() == 0 && n.windowHeight() != 0) {
        error(pos, "normalization window has a zero size", null);
        return null;
      }
      return lcn(h, w, h / 4.0, w / 4.0, pos);
    }
    LayerNode.Call c = (LayerNode.Call) node;
    String kw = c.name();
    if (kw.equals(LayerNode.INVALID)) {
      // A word that did not decode: the parser reported it; its output shape is unknown.
      nameFor("invalid");
      return null;
    }
    String owner = "'" + kw + "'";
    switch (kw) {
      case "conv": {
        nameFor("conv");
        ArgReader a = reader(c, List.of("maps", "kernel", "stride", "pad", "act", "gain", "bias", "groups", "table"));
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
        Activation act = Activation.valueOf(a.word("act", "none", ACTIVATIONS).toUpperCase(java.util.Locale.ROOT));
        boolean gain = a.bool("gain", false);
        boolean bias = a.bool("bias", true);
        int table = 0;
        Value t = a.value("table");
        if (t != null) {
          if (t instanceof Value.Call tc && tc.name().equals("random")) {
            ArgReader ta = new ArgReader("table random(k)", tc.pos(), tc.args(), List.of("k"), out);
            if (!ta.has("k")) {
              ta.missing("k", "table=random(16)");
            }
            table = ta.integer("k", 1, 1, Checker.MAX_DIM);
          } else if (!(t instanceof Value.Ident ti && ti.name().equals("full"))) {
            error(t.pos(), "unknown connection table '" + Printer.value(t) + "'",
                "use table=full (the default) or table=random(k): each output map sees k random input maps");
          }
        }
        return conv(maps, kernel, stride, pad, groups, table, act, gain, bias);
      }
      case "abs":
      case "Rabs":
        return simple(c, "abs", LayerKind.ABS);
      case "relu":
      case "Rpos":
        return simple(c, "relu", LayerKind.RELU);
      case "tanh":
        return simple(c, "tanh", LayerKind.TANH);
      case "sigmoid":
        return simple(c, "sigmoid", LayerKind.SIGMOID);
      case "lcn": {
        nameFor("lcn");
        ArgReader a = reader(c, List.of("window", "sigma"));
        int[] w = a.size("window", new int[] {9, 9}, Checker.MAX_DIM);
        double sigma = a.realWithReason("sigma", Double.NaN, 1e-6, 1e6, true, "the Gaussian's standard deviation, in"
            + " pixels: above 0 (the default is window/4)");
        return lcn(w[0], w[1], Double.isNaN(sigma) ? w[0] / 4.0 : sigma, Double.isNaN(sigma) ? w[1] / 4.0 : sigma,
            a.posOf("window"));
      }
      case "avgpool":
      case "maxpool": {
        nameFor(kw);
        ArgReader a = reader(c, List.of("window", "stride", "pad", "round"));
        if (!a.has("window")) {
          a.missing("window", kw + "(3x3, stride=2)");
        }
        int[] window = a.size("window", new int[] {1, 1}, Checker.MAX_DIM);
        int[] stride = a.size("stride", window, Checker.MAX_DIM);
        int[] pad = a.padding("pad");
        boolean ceil = a.word("round", "floor", Set.of("floor", "ceil")).equals("ceil");
        if (pad[0] > window[0] / 2 || pad[1] > window[1] / 2) {
          error(a.posOf("pad"), "pad " + pad[0] + "x" + pad[1] + " of " + owner + " is more than half the window "
              + window[0] + "x" + window[1], "a window must overlap the input; use pad <= window/2");
        }
        return pool(kw.equals("maxpool"), window, stride, pad, ceil);
      }
      case "dense":
      case "logistic": {
        boolean logistic = kw.equals("logistic");
        nameFor(kw);
        String arg = logistic ? "classes" : "units";
        ArgReader a = reader(c, logistic ? List.of("classes") : List.of("units", "bias"));
        if (!a.has(arg)) {
          a.missing(arg, logistic ? "logistic 10" : "dense(256)");
        }
        int units = a.integer(arg, 1, 1, Checker.MAX_DIM);
        boolean bias = logistic || a.bool("bias", true);
        if (logistic && !last) {
          error(pos, "'logistic' is the classifier and must be the last layer", "move it to the end of the network");
        }
        return dense(logistic, units, bias);
      }
      case "dropout": {
        nameFor("dropout");
        ArgReader a = reader(c, List.of("p"));
        double p = a.realWithReason("p", 0.5, 0.0, 1.0, false, "p is the probability of dropping a unit: at 1 every unit"
            + " is dropped and nothing reaches the next layer");
        return shaped(LayerKind.DROPOUT, new LayerArgs.Dropout(p), 0, 0);
      }
      case "maxout": {
        nameFor("maxout");
        ArgReader a = reader(c, List.of("pieces"));
        int pieces = a.integer("pieces", 2, 1, Checker.MAX_DIM);
        if (failed() || in == null) {
          return null;
        }
        if (in.channels() % pieces != 0) {
          error(pos, "maxout with " + pieces + " pieces needs a number of maps divisible by " + pieces + ", but its input "
              + in + " has " + in.channels(), "make the layer before produce a multiple of " + pieces + " maps");
          return null;
        }
        MapShape o = new MapShape(in.channels() / pieces, in.height(), in.width());
        return layer(LayerKind.MAXOUT, new LayerArgs.Maxout(pieces), o, 0, o.size(), 0, List.of());
      }
      case "lrn": {
        nameFor("lrn");
        ArgReader a = reader(c, List.of("size", "alpha", "beta", "k"));
        int size = a.integer("size", 5, 1, Checker.MAX_DIM);
        double alpha = a.realWithReason("alpha", 1e-4, 0, 1e6, true, "alpha scales the sum of squares: not negative"
            + " (AlexNet's is 1e-4)");
        double beta = a.realWithReason("beta", 0.75, 0, 1e6, true, "beta is the divisor's exponent: not negative"
            + " (AlexNet's is 0.75)");
        // k = 0 divides by zero wherever every map is 0 (after a relu, often): (k + α·Σx²)^β = 0.
        double k = a.realWithReason("k", 2.0, 1e-6, 1e6, true, "k keeps the divisor (k + alpha*sum x^2)^beta above 0;"
            + " AlexNet's is 2");
        if (in != null && !failed()) {
          return shaped(LayerKind.LRN, new LayerArgs.Lrn(size, alpha, beta, k), 0, mul(in.size(), size));
        }
        return null;
      }
      case "mlpconv":
        return mlpconv(c);
      default:
        break;
    }
    Decl.Fn fn = fns.get(kw);
    if (fn != null) {
      nameFor(kw);
      if (!c.args().isEmpty()) {
        error(c.args().get(0).pos(), "function layer '" + kw + "' takes no arguments", null);
        return null;
      }
      String param = fn.params().isEmpty() ? "x" : fn.params().get(0);
      return shaped(LayerKind.FN, new LayerArgs.Function(fn.name(), param, fn.body()), in == null ? 0 : in.size(), 0);
    }
    nameFor(kw);
    String hint = DidYouMean.hint(kw, checker.knownLayerNames());
    error(c.pos(), "unknown layer '" + kw + "'", hint != null ? hint
        : "layers are paper tokens (32F5x5CSG, Rabs, N, PA2x2, PM2x2), keywords (conv, dense, ...), fn or define names");
    return null;
  }

  private ArgReader reader(LayerNode.Call c, List<String> names) {
    return new ArgReader("'" + c.name() + "'", c.pos(), c.args(), names, out);
  }

  private Layer simple(LayerNode.Call c, String keyword, LayerKind kind) {
    nameFor(keyword);
    if (!c.args().isEmpty()) {
      error(c.args().get(0).pos(), "'" + c.name() + "' takes no arguments", null);
      return null;
    }
    return shaped(kind, new LayerArgs.None(), in == null ? 0 : in.size(), 0);
  }

  /** A layer that keeps its input's shape. */
  private Layer shaped(LayerKind kind, LayerArgs args, long neurons, long connections) {
    if (failed() || in == null) {
      return null;
    }
    return layer(kind, args, in, 0, neurons, connections, List.of());
  }

  private Layer layer(LayerKind kind, LayerArgs args, MapShape o, long params, long neurons, long connections,
      List<ParamSpec> specs) {
    if (o.size() > Integer.MAX_VALUE) {
      error(pos, "output " + o + " of this layer is absurdly large (2^31 values or more per image)", null);
      return null;
    }
    return new Layer(name, kind, args, in, o, params, neurons, connections, specs, stage, pos);
  }

  private Layer conv(int maps, int[] kernel, int[] stride, int[] pad, int groups, int tableK, Activation act,
      boolean gain, boolean bias) {
    if (maps < 1 || kernel[0] < 1 || kernel[1] < 1) {
      error(pos, "filter bank " + maps + "F" + kernel[0] + "x" + kernel[1] + " has a zero size",
          "maps and kernel sizes must be at least 1");
      return null;
    }
    if (maps > Checker.MAX_DIM || kernel[0] > Checker.MAX_DIM || kernel[1] > Checker.MAX_DIM) {
      error(pos, "filter bank " + maps + "F" + kernel[0] + "x" + kernel[1] + " is absurdly large",
          "each size must be at most " + Checker.MAX_DIM);
      return null;
    }
    if (failed() || in == null) {
      return null;
    }
    int c = in.channels();
    if (tableK > 0 && groups != 1) {
      error(pos, "a connection table and groups cannot be combined", "use either table=random(k) or groups=g");
      return null;
    }
    if (c % groups != 0 || maps % groups != 0) {
      error(pos, "groups=" + groups + " must divide both the input maps (" + c + ") and the output maps (" + maps + ")",
          null);
      return null;
    }
    if (tableK > c) {
      error(pos, "table=random(" + tableK + ") asks each output map to see " + tableK + " input maps, but the input "
          + in + " has only " + c, "use k <= " + c);
      return null;
    }
    if (pad[0] >= kernel[0] || pad[1] >= kernel[1]) {
      error(pos, "pad " + pad[0] + "x" + pad[1] + " is not smaller than the kernel " + kernel[0] + "x" + kernel[1],
          "a pad of at most (kernel-1)/2 keeps every output touching the input");
      return null;
    }
    int oh = outSize("kernel", kernel[0], in.height(), stride[0], pad[0], false, "height");
    int ow = oh < 1 ? 0 : outSize("kernel", kernel[1], in.width(), stride[1], pad[1], false, "width");
    if (oh < 1 || ow < 1) {
      return null;
    }
    MapShape o = new MapShape(maps, oh, ow);
    int perOut = tableK > 0 ? tableK : c / groups;
    // Drawn for the default seed here; the checker redraws it for the train block's seed.
    ConnectionTable table = tableK > 0 ? ConnectionTable.random(c, maps, tableK, ConnectionTable.seedOf(1, name)) : null;
    List<ParamSpec> specs = new ArrayList<>();
    specs.add(new ParamSpec(name + ".weight", List.of(maps, perOut, kernel[0], kernel[1])));
    if (bias) {
      specs.add(new ParamSpec(name + ".bias", List.of(maps)));
    }
    if (gain) {
      specs.add(new ParamSpec(name + ".gain", List.of(maps)));
    }
    try {
      long params = 0;
      for (ParamSpec s : specs) {
        params = Math.addExact(params, s.size());
      }
      long connections = Math.multiplyExact(o.size(), (long) perOut * kernel[0] * kernel[1]);
      return layer(LayerKind.CONV, new LayerArgs.Conv(maps, kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1],
          groups, table, act, gain, bias), o, params, o.size(), connections, specs);
    } catch (ArithmeticException e) {
      error(pos, "filter bank is absurdly large: its counts overflow a 64-bit integer", null);
      return null;
    }
  }

  /**
   * Output size along one axis: valid convolution m = (n + 2p - l)/s + 1; with ceil rounding the
   * last window may hang over the end but must start inside the input (Caffe's rule).
   */
  private int outSize(String what, int window, int n, int stride, int pad, boolean ceil, String axis) {
    long span = (long) n + 2L * pad - window;
    if (span < 0) {
      error(pos, what + " " + window + " is larger than its input " + axis + " " + n + (pad > 0 ? " (padded by " + pad
          + " on each side)" : "") + " (input " + in + ")",
          "output " + axis + " = (" + n + " + 2*" + pad + " - " + window + ")/" + stride + " + 1 = " + span + "/" + stride
              + " + 1 < 1; use a smaller " + what + " or remove a pooling layer before it");
      return 0;
    }
    return Windows.pooledSize(n, window, stride, pad, ceil);
  }

  private Layer pool(boolean max, int[] window, int[] stride, int[] pad, boolean ceil) {
    if (failed() || in == null) {
      return null;
    }
    int oh = outSize("window", window[0], in.height(), stride[0], pad[0], ceil, "height");
    int ow = oh < 1 ? 0 : outSize("window", window[1], in.width(), stride[1], pad[1], ceil, "width");
    if (oh < 1 || ow < 1) {
      return null;
    }
    if (!ceil) {
      uncovered(max, window, stride, pad, 0, in.height(), "row");
      uncovered(max, window, stride, pad, 1, in.width(), "column");
    }
    MapShape o = new MapShape(in.channels(), oh, ow);
    long connections = max ? 0 : mul(o.size(), (long) window[0] * window[1]);
    return layer(max ? LayerKind.MAXPOOL : LayerKind.AVGPOOL,
        new LayerArgs.Pool(window[0], window[1], stride[0], stride[1], pad[0], pad[1], ceil), o, 0, 0, connections, List.of());
  }

  private void uncovered(boolean max, int[] windows, int[] strides, int[] pads, int axis, int n, String what) {
    int window = windows[axis];
    int stride = strides[axis];
    int pad = pads[axis];
    long left = ((long) n + 2L * pad - window) % stride;
    if (left != 0) {
      out.add(Diagnostic.warning(pos, "pooling window " + window + " with stride " + stride + " leaves the last " + left
          + " " + what + (left == 1 ? "" : "s") + " of " + (n + 2 * pad) + " uncovered under floor rounding",
          "round up to cover them: write " + ceilForm(max, windows, strides, pads) + " if those " + what + "s matter"));
    }
  }

  /** This pooling layer written with ceil rounding, in the form the file used (paper token or keyword). */
  private String ceilForm(boolean max, int[] window, int[] stride, int[] pad) {
    String size = window[0] + "x" + window[1];
    if (node instanceof LayerNode.PaperPool p) {
      return (max ? "PM" : "PA") + size + (p.stride() > 0 ? "/" + p.stride() : "") + "c";
    }
    boolean ownStride = stride[0] != window[0] || stride[1] != window[1];
    String strideText = stride[0] == stride[1] ? String.valueOf(stride[0]) : stride[0] + "x" + stride[1];
    String padText = pad[0] == pad[1] ? String.valueOf(pad[0]) : pad[0] + "x" + pad[1];
    return (max ? "maxpool(" : "avgpool(") + size + (ownStride ? ", stride=" + strideText : "")
        + (pad[0] != 0 || pad[1] != 0 ? ", pad=" + padText : "") + ", round=ceil)";
  }

  private Layer lcn(int h, int w, double sh, double sw, SourcePos windowPos) {
    if (failed() || in == null) {
      return null;
    }
    // Centred on a position, a window reaches at most n-1 places either side; rows beyond 2n-1
    // lie in the zero padding from every position and only dilute the weights (lcn(99999) divides by ~0).
    if (h > 2L * in.height() - 1 || w > 2L * in.width() - 1) {
      error(windowPos, "normalization window " + h + "x" + w + " is larger than its input maps allow: at most "
          + (2 * in.height() - 1) + "x" + (2 * in.width() - 1) + " for maps of " + in.height() + "x" + in.width()
          + " (input " + in + ")", "a centred window wider than 2n-1 reaches only zero padding; the paper's window is"
          + " 9x9 (N or lcn(9x9))");
      return null;
    }
    // Two weighted sums over all maps at every position: the local mean and the local deviation.
    long connections = mul(mul(2L * in.height() * in.width(), in.channels()), (long) h * w);
    return layer(LayerKind.LCN, new LayerArgs.Lcn(h, w, sh, sw), in, 0, 0, connections, List.of());
  }

  private Layer dense(boolean logistic, int units, boolean bias) {
    if (failed() || in == null) {
      return null;
    }
    long fanIn = in.size();
    List<ParamSpec> specs = new ArrayList<>();
    if (fanIn > Integer.MAX_VALUE) {
      error(pos, "input " + in + " is too large to flatten", null);
      return null;
    }
    specs.add(new ParamSpec(name + ".weight", List.of(units, (int) fanIn)));
    if (bias) {
      specs.add(new ParamSpec(name + ".bias", List.of(units)));
    }
    long params = mul(units, fanIn) + (bias ? units : 0);
    MapShape o = new MapShape(units, 1, 1);
    return layer(logistic ? LayerKind.LOGISTIC : LayerKind.DENSE,
        logistic ? new LayerArgs.Logistic(units) : new LayerArgs.Dense(units, bias), o, params, units, mul(units, fanIn), specs);
  }

  private Layer mlpconv(LayerNode.Call c) {
    nameFor("mlpconv");
    ArgReader a = reader(c, List.of("maps", "kernel", "stride", "pad", "act"));
    List<Integer> maps = new ArrayList<>();
    Value m = a.value("maps");
    if (m == null) {
      a.missing("maps", "mlpconv(maps=[192, 160, 96], kernel=5x5, pad=2)");
    } else if (m instanceof Value.ListOf l && !l.items().isEmpty()) {
      for (Value v : l.items()) {
        maps.add(ArgReader.integerOf(v, "maps of 'mlpconv'", 1, Checker.MAX_DIM, out, 1));
      }
    } else {
      error(m.pos(), "maps of 'mlpconv' must be a non-empty list such as [192, 160, 96]", null);
    }
    if (!a.has("kernel")) {
      a.missing("kernel", "mlpconv(maps=[192, 160, 96], kernel=5x5, pad=2)");
    }
    int[] kernel = a.size("kernel", new int[] {1, 1}, Checker.MAX_DIM);
    int stride = a.integer("stride", 1, 1, Checker.MAX_DIM);
    int pad = a.integer("pad", 0, 0, Checker.MAX_DIM);
    Activation act = Activation.valueOf(a.word("act", "relu", ACTIVATIONS).toUpperCase(java.util.Locale.ROOT));
    if (failed() || in == null) {
      return null;
    }
    if (pad >= kernel[0] || pad >= kernel[1]) {
      error(pos, "pad " + pad + " is not smaller than the kernel " + kernel[0] + "x" + kernel[1], null);
      return null;
    }
    int oh = outSize("kernel", kernel[0], in.height(), stride, pad, false, "height");
    int ow = oh < 1 ? 0 : outSize("kernel", kernel[1], in.width(), stride, pad, false, "width");
    if (oh < 1 || ow < 1) {
      return null;
    }
    List<ParamSpec> specs = new ArrayList<>();
    long params = 0;
    long neurons = 0;
    long connections = 0;
    int prev = in.channels();
    try {
      for (int i = 0; i < maps.size(); i++) {
        int kh = i == 0 ? kernel[0] : 1;
        int kw = i == 0 ? kernel[1] : 1;
        ParamSpec w = new ParamSpec(name + "." + i + ".weight", List.of(maps.get(i), prev, kh, kw));
        specs.add(w);
        specs.add(new ParamSpec(name + "." + i + ".bias", List.of(maps.get(i))));
        long units = (long) maps.get(i) * oh * ow;
        params = Math.addExact(params, Math.addExact(w.size(), maps.get(i)));
        neurons = Math.addExact(neurons, units);
        connections = Math.addExact(connections, Math.multiplyExact(units, (long) prev * kh * kw));
        prev = maps.get(i);
      }
    } catch (ArithmeticException e) {
      error(pos, "mlpconv is absurdly large: its counts overflow a 64-bit integer", null);
      return null;
    }
    MapShape o = new MapShape(prev, oh, ow);
    return layer(LayerKind.MLPCONV, new LayerArgs.Mlpconv(maps, kernel[0], kernel[1], stride, pad, act), o, params,
        neurons, connections, specs);
  }

  private long mul(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      error(pos, "layer is absurdly large: its counts overflow a 64-bit integer", null);
      return 0;
    }
  }
}
