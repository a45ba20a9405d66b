package convnet.dsl;

import convnet.autodiff.ScalarOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Semantic checks and shape inference: expands blocks, binds functions, resolves every layer's
 * arguments, infers shapes with the seed's arithmetic, counts parameters, neurons and connections,
 * and reports every error of a file (not just the first).
 */
public final class Checker {
  /** The largest size of any one dimension (maps, height, width, units); larger is absurd. */
  public static final int MAX_DIM = 1 << 20;

  /** The most layers a network may expand to; nested blocks could otherwise grow exponentially. */
  public static final int MAX_LAYERS = 100_000;

  /**
   * The deepest network accepted, in layers with each operator of a user function counted as one:
   * deeper graphs take minutes to differentiate and compile and hold hundreds of thousands of
   * nodes, for no network anyone trains (the deepest networks in the literature have about a
   * thousand layers).
   */
  public static final int MAX_DEPTH = 10_000;

  /**
   * The built-in layer names (keywords, aliases, paper names such as {@code N}), from the layer
   * kinds' definitions.
   */
  static final List<String> LAYER_KEYWORDS = LayerKind.reservedNames();

  /**
   * The functions a fn body calls: the scalar ops that name themselves so, with their parameter
   * names.
   */
  static final Map<String, List<String>> FUNCTIONS = functions();

  static final List<String> TRAIN_KEYS =
      List.of(
          "data",
          "protocol",
          "epochs",
          "batch",
          "optimizer",
          "schedule",
          "augment",
          "seed",
          "preprocess",
          "pretrain");
  static final Set<String> DATA_SETS = DataNames.names();

  /**
   * How a file is checked. {@code checkData}: whether the {@code train} block's data must be
   * available here (named data sets installed, data folders present), as {@code convnet check} and
   * {@code convnet train} without {@code --data} need; commands that read no data leave it off.
   */
  public record Options(boolean checkData) {
    /** Syntax, names, shapes and settings; the data is not looked for. */
    public static final Options DEFAULT = new Options(false);

    /** As {@link #DEFAULT}, and the data must be available. */
    public static final Options WITH_DATA = new Options(true);
  }

  private final List<Diagnostic> out = new ArrayList<>();
  private final Map<String, Decl.Fn> fns = new LinkedHashMap<>();
  private final Map<String, Decl.Define> defines = new LinkedHashMap<>();
  private final Options options;
  private final String fileName;

  private Checker(Options options, String fileName) {
    this.options = options;
    this.fileName = fileName;
  }

  /** Checks a parsed program. */
  public static CheckResult check(Program program) {
    return check(program, List.of(), Options.DEFAULT);
  }

  /** Parses and checks source text; syntax errors come back as diagnostics, never as exceptions. */
  public static CheckResult checkSource(String source, String fileName) {
    return checkSource(source, fileName, Options.DEFAULT);
  }

  /** As {@link #checkSource(String, String)}, with {@code options}. */
  public static CheckResult checkSource(String source, String fileName, Options options) {
    Program p;
    List<Diagnostic> decoding = new ArrayList<>();
    try {
      p = convnet.dsl.parser.Parsing.parseLenient(source, fileName, decoding);
    } catch (DslException e) {
      return new CheckResult(null, e.diagnostics());
    }
    CheckResult checked = check(p, decoding, options);
    return checked;
  }

  private static CheckResult check(Program program, List<Diagnostic> earlier, Options options) {
    Checker c = new Checker(options, program.fileName());
    c.out.addAll(earlier);
    Network n = c.run(program);
    Diagnostics d = new Diagnostics(c.out).sorted();
    if (n == null && !d.hasErrors()) {
      throw new IllegalStateException(
          "no network and no error for " + program.fileName() + ":\n" + AstDump.dump(program));
    }
    return new CheckResult(d.hasErrors() ? null : n, d);
  }

  /** Decodes, parses and checks the bytes of a file; binary content is a diagnostic. */
  public static CheckResult checkBytes(byte[] bytes, String fileName) {
    return checkBytes(bytes, fileName, Options.DEFAULT);
  }

  /** As {@link #checkBytes(byte[], String)}, with {@code options}. */
  public static CheckResult checkBytes(byte[] bytes, String fileName, Options options) {
    String text;
    try {
      text = SourceText.decode(bytes, fileName);
    } catch (DslException e) {
      return new CheckResult(null, e.diagnostics());
    }
    return checkSource(text, fileName, options);
  }

  private void error(SourcePos pos, String message, String hint) {
    out.add(Diagnostic.error(pos, message, hint));
  }

  private Network run(Program program) {
    Map<String, SourcePos> seen = new HashMap<>();
    List<Decl.Network> networks = new ArrayList<>();
    Decl.Sweep sweep = null;
    for (Decl d : program.decls()) {
      if (d instanceof Decl.Sweep s) {
        // A sweep is checked variant by variant (convnet.dsl.sweep.Sweeps), not as a network.
        sweep = sweep == null ? s : sweep;
        continue;
      }
      SourcePos first = seen.putIfAbsent(d.name(), d.pos());
      if (first != null) {
        error(
            d.pos(),
            "'" + d.name() + "' is defined twice",
            "first defined at " + first.line() + ":" + first.col());
        continue;
      }
      if (d instanceof Decl.Network n) {
        networks.add(n);
        continue;
      }
      if (LAYER_KEYWORDS.contains(d.name()) || FUNCTIONS.containsKey(d.name())) {
        error(
            d.pos(),
            "'" + d.name() + "' is a built-in name and cannot be redefined",
            "choose another name");
        continue;
      }
      if (d instanceof Decl.Fn f) {
        checkFn(f);
        fns.put(f.name(), f);
      } else {
        Decl.Define b = (Decl.Define) d;
        distinct(b.params(), b.pos(), "block '" + b.name() + "'");
        defines.put(b.name(), b);
      }
    }
    if (networks.isEmpty() && sweep != null) {
      error(
          sweep.pos(),
          "'" + sweep.name() + "' is a sweep, not a network",
          "check and list its variants with 'convnet sweep FILE --list'");
      return null;
    }
    if (networks.isEmpty()) {
      error(
          new SourcePos(program.fileName(), 1, 1, 1),
          "no network in this file",
          "add 'network NAME { input CxHxW ... }'");
      return null;
    }
    for (int i = 1; i < networks.size(); i++) {
      error(
          networks.get(i).pos(),
          "a file holds one network; '" + networks.get(i).name() + "' is a second one",
          "put each network in its own file");
    }
    return network(networks.get(0));
  }

  private void distinct(List<String> params, SourcePos pos, String owner) {
    Set<String> s = new HashSet<>();
    for (String p : params) {
      if (!s.add(p)) {
        error(pos, "parameter '" + p + "' of " + owner + " is defined twice", null);
      }
    }
  }

  private void checkFn(Decl.Fn f) {
    distinct(f.params(), f.pos(), "fn '" + f.name() + "'");
    if (f.params().size() != 1) {
      error(
          f.pos(),
          "fn '"
              + f.name()
              + "' has "
              + f.params().size()
              + " parameters; a layer function takes exactly one",
          "write it as fn " + f.name() + "(x) = ...");
    }
    checkExpr(f.body(), f);
  }

  private void checkExpr(Expr e, Decl.Fn f) {
    if (e instanceof Expr.Var v) {
      if (!f.params().contains(v.name())) {
        error(
            v.pos(),
            "unknown name '" + v.name() + "' in fn '" + f.name() + "'",
            hint(
                v.name(),
                f.params(),
                "the only names are the parameters: " + String.join(", ", f.params())));
      }
    } else if (e instanceof Expr.Negate n) {
      checkExpr(n.operand(), f);
    } else if (e instanceof Expr.Binary b) {
      checkExpr(b.left(), f);
      checkExpr(b.right(), f);
    } else if (e instanceof Expr.Call c) {
      List<String> sig = FUNCTIONS.get(c.function());
      if (sig == null) {
        error(
            c.pos(),
            "unknown function '" + c.function() + "'",
            hint(
                c.function(),
                FUNCTIONS.keySet(),
                "known functions: "
                    + String.join(", ", FUNCTIONS.keySet().stream().sorted().toList())));
      } else if (sig.size() != c.args().size()) {
        error(
            c.pos(),
            c.function()
                + " takes "
                + sig.size()
                + " argument"
                + (sig.size() == 1 ? "" : "s")
                + ", found "
                + c.args().size(),
            null);
      }
      for (Expr a : c.args()) {
        checkExpr(a, f);
      }
    }
  }

  private static String hint(
      String word, java.util.Collection<String> candidates, String otherwise) {
    String h = DidYouMean.hint(word, candidates);
    return h != null ? h : otherwise;
  }

  /** A layer of the expanded chain before resolution: the node, its stage, and where to report. */
  private record Pending(LayerNode node, int stage, SourcePos pos) {}

  private Network network(Decl.Network n) {
    Item.Input input = null;
    Item.Train train = null;
    int stageCount = 0;
    List<Pending> chain = new ArrayList<>();
    for (Item item : n.items()) {
      if (item instanceof Item.Input in) {
        if (input != null) {
          error(
              in.pos(),
              "the input shape is given twice",
              "first given at " + input.pos().line() + ":" + input.pos().col());
        } else if (stageCount > 0) {
          error(
              in.pos(),
              "the input shape must come before the first layer",
              "move 'input' to the top of the network");
          input = in;
        } else {
          input = in;
        }
      } else if (item instanceof Item.Train t) {
        if (train != null) {
          error(t.pos(), "a network has one train block; this is a second one", null);
        } else {
          train = t;
        }
      } else {
        stageCount++;
        for (LayerNode l : ((Item.StageItem) item).stage().layers()) {
          expand(l, stageCount, null, new ArrayList<>(), chain);
        }
      }
    }
    MapShape shape = null;
    if (input == null) {
      error(
          n.pos(),
          "missing input shape in network '" + n.name() + "'",
          "add 'input CxHxW' (e.g. input 1x28x28) before the first layer");
    } else if (input.channels() == -1) {
      // The shape did not decode; the parser has reported why.
    } else if (input.channels() < 1 || input.height() < 1 || input.width() < 1) {
      error(
          input.pos(),
          "input shape "
              + input.channels()
              + "x"
              + input.height()
              + "x"
              + input.width()
              + " has a zero size",
          "every dimension must be at least 1");
    } else if (input.channels() > MAX_DIM
        || input.height() > MAX_DIM
        || input.width() > MAX_DIM
        || (long) input.channels() * input.height() * input.width() > Integer.MAX_VALUE) {
      error(
          input.pos(),
          "input shape "
              + input.channels()
              + "x"
              + input.height()
              + "x"
              + input.width()
              + " is absurdly large",
          "one image must have fewer than 2^31 values and each dimension at most " + MAX_DIM);
    } else {
      shape = new MapShape(input.channels(), input.height(), input.width());
    }
    if (chain.isEmpty()) {
      error(
          n.pos(),
          "network '" + n.name() + "' has no layers",
          "add a stage such as 32F5x5CSG - Rabs - PA2x2 and 'logistic 10'");
    }
    if (!tooManyLayers) {
      checkDepth(chain);
    }
    MapShape inputShape = shape;
    List<Layer> layers = new ArrayList<>();
    Map<String, SourcePos> names = new HashMap<>();
    Set<Integer> convStages = new LinkedHashSet<>();
    for (int k = 1; k <= chain.size(); k++) {
      Pending p = chain.get(k - 1);
      LayerResolver r =
          new LayerResolver(
              this, p.node(), k, p.stage(), p.pos(), shape, fns, out, k == chain.size());
      Layer layer = r.resolve();
      String name = r.name();
      SourcePos firstUse = names.putIfAbsent(name, p.pos());
      if (firstUse != null) {
        error(
            p.pos(),
            "layer name '" + name + "' is used twice",
            "first used at " + firstUse.line() + ":" + firstUse.col());
      }
      if (layer != null) {
        layer = countedOnce(layer, layers);
        layers.add(layer);
        shape = layer.output();
        if (layer.kind().opensFilterStage()) {
          convStages.add(p.stage());
        }
      } else if (!r.keepsShape()) {
        shape = null;
      }
    }
    if (!chain.isEmpty()) {
      boolean anyLogistic =
          chain.stream()
              .anyMatch(p -> p.node() instanceof LayerNode.Call c && c.name().equals("logistic"));
      if (!anyLogistic) {
        out.add(
            Diagnostic.warning(
                n.pos(),
                "network '" + n.name() + "' has no classifier at the end",
                "end with 'logistic N' to train it on N classes"));
      }
    }
    TrainSpec spec =
        new TrainReader(out, convStages.size(), options.checkData() ? networkFolder() : null)
            .read(train);
    if (inputShape == null) {
      return null;
    }
    // Random connection tables belong to a run: drawn from its seed (the train block's by default).
    return new Network(n.name(), inputShape, layers, spec, stageCount).withTableSeed(spec.seed());
  }

  /** The folder of the network file, against which a relative data path is resolved. */
  private java.nio.file.Path networkFolder() {
    try {
      java.nio.file.Path p =
          java.nio.file.Path.of(fileName == null ? "." : fileName).toAbsolutePath().getParent();
      return p != null ? p : java.nio.file.Path.of(".").toAbsolutePath();
    } catch (java.nio.file.InvalidPathException e) {
      return java.nio.file.Path.of(".").toAbsolutePath();
    }
  }

  /**
   * {@code layer} with no neurons of its own when it is a nonlinearity (maxout included) applied to
   * units already counted: those of a layer with weights or of another nonlinearity, possibly
   * through dropout. A unit is one neuron however many functions it applies (conv then relu is one
   * layer of neurons, as in Krizhevsky et al.'s 650,000); a nonlinearity after pooling or
   * normalization makes new units and counts them.
   */
  private static Layer countedOnce(Layer layer, List<Layer> before) {
    if (units(layer) != LayerDefinition.Units.NONLINEARITY) {
      return layer;
    }
    for (int i = before.size() - 1; i >= 0; i--) {
      LayerDefinition.Units k = units(before.get(i));
      if (k == LayerDefinition.Units.TRANSPARENT) {
        continue;
      }
      if (k == LayerDefinition.Units.WEIGHTED || k == LayerDefinition.Units.NONLINEARITY) {
        return new Layer(
            layer.name(),
            layer.kind(),
            layer.args(),
            layer.input(),
            layer.output(),
            layer.parameters(),
            0,
            layer.connections(),
            layer.params(),
            layer.stage(),
            layer.pos());
      }
      break;
    }
    return layer;
  }

  private static LayerDefinition.Units units(Layer layer) {
    return layer.kind().definition().units();
  }

  private boolean tooManyLayers;

  /** Reports the layer at which the expanded chain gets deeper than {@link #MAX_DEPTH}. */
  private void checkDepth(List<Pending> chain) {
    Map<String, Integer> fnOperators = new HashMap<>();
    long[] depthAfter = new long[chain.size()];
    long depth = 0;
    for (int i = 0; i < chain.size(); i++) {
      int cost = 1;
      if (chain.get(i).node() instanceof LayerNode.Call c && fns.containsKey(c.name())) {
        cost =
            Math.max(
                1, fnOperators.computeIfAbsent(c.name(), name -> operators(fns.get(name).body())));
      }
      depth += cost;
      depthAfter[i] = depth;
    }
    if (depth <= MAX_DEPTH) {
      return;
    }
    int first = 0;
    while (depthAfter[first] <= MAX_DEPTH) {
      first++;
    }
    error(
        chain.get(first).pos(),
        "the network is "
            + depth
            + " layers deep (each operator of a user function counts"
            + " as a layer), more than the "
            + MAX_DEPTH
            + " supported",
        "the limit is passed at this layer, the "
            + (first + 1)
            + ordinalSuffix(first + 1)
            + " of the expanded chain; graphs that deep take minutes to compile");
  }

  private static String ordinalSuffix(int n) {
    if (n % 100 >= 11 && n % 100 <= 13) {
      return "th";
    }
    return switch (n % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
  }

  /**
   * The operators (arithmetic, negation, function calls) of a function body; iterative, as bodies
   * can be long.
   */
  static int operators(Expr body) {
    int count = 0;
    java.util.ArrayDeque<Expr> work = new java.util.ArrayDeque<>();
    work.push(body);
    while (!work.isEmpty()) {
      Expr e = work.pop();
      if (e instanceof Expr.Negate n) {
        count++;
        work.push(n.operand());
      } else if (e instanceof Expr.Binary b) {
        count++;
        work.push(b.left());
        work.push(b.right());
      } else if (e instanceof Expr.Call c) {
        count++;
        c.args().forEach(work::push);
      }
    }
    return count;
  }

  private void expand(
      LayerNode node, int stage, SourcePos site, List<String> active, List<Pending> chain) {
    SourcePos pos = site != null ? site : node.pos();
    if (chain.size() >= MAX_LAYERS) {
      if (!tooManyLayers) {
        tooManyLayers = true;
        error(
            pos,
            "the network expands to more than " + MAX_LAYERS + " layers",
            "blocks used inside blocks multiply");
      }
      return;
    }
    if (node instanceof LayerNode.Call c && defines.containsKey(c.name())) {
      Decl.Define b = defines.get(c.name());
      if (active.contains(b.name())) {
        error(c.pos(), "block '" + b.name() + "' uses itself", "blocks cannot be recursive");
        return;
      }
      if (c.label() != null) {
        error(
            c.pos(), "a block invocation cannot be named; name the layers inside the block", null);
      }
      ArgReader reader =
          new ArgReader("block '" + b.name() + "'", c.pos(), c.args(), b.params(), out);
      Map<String, Value> bound = new HashMap<>();
      boolean complete = true;
      for (String param : b.params()) {
        if (!reader.has(param)) {
          error(
              c.pos(),
              "block '" + b.name() + "' needs argument '" + param + "'",
              "it is declared as " + b.name() + "(" + String.join(", ", b.params()) + ")");
          complete = false;
        } else {
          bound.put(param, reader.value(param));
        }
      }
      if (!complete) {
        return;
      }
      active.add(b.name());
      for (LayerNode inner : b.chain().layers()) {
        LayerNode substituted = substitute(inner, bound);
        if (substituted != null) {
          expand(substituted, stage, pos, active, chain);
        }
      }
      active.remove(active.size() - 1);
      return;
    }
    chain.add(new Pending(node, stage, pos));
  }

  /** Replaces block parameters in a layer of the block's body by the invocation's values. */
  private LayerNode substitute(LayerNode node, Map<String, Value> bound) {
    if (!(node instanceof LayerNode.Call c)) {
      return node;
    }
    if (c.form() == LayerNode.Form.BARE && bound.containsKey(c.name())) {
      Value v = bound.get(c.name());
      if (v instanceof Value.Ident i) {
        return new LayerNode.Call(c.label(), i.name(), List.of(), LayerNode.Form.BARE, c.pos());
      }
      if (v instanceof Value.Call vc) {
        return new LayerNode.Call(c.label(), vc.name(), vc.args(), LayerNode.Form.PARENS, c.pos());
      }
      error(
          v.pos(),
          "'"
              + Printer.value(v)
              + "' is not a layer, but block parameter '"
              + c.name()
              + "' is used as one",
          null);
      return null;
    }
    List<Arg> args = new ArrayList<>();
    for (Arg a : c.args()) {
      args.add(new Arg(a.name(), substituteValue(a.value(), bound), a.pos()));
    }
    return new LayerNode.Call(c.label(), c.name(), args, c.form(), c.pos());
  }

  private Value substituteValue(Value v, Map<String, Value> bound) {
    if (v instanceof Value.Ident i && bound.containsKey(i.name())) {
      return bound.get(i.name());
    }
    if (v instanceof Value.ListOf l) {
      return new Value.ListOf(
          l.items().stream().map(x -> substituteValue(x, bound)).toList(), l.pos());
    }
    if (v instanceof Value.Call c) {
      List<Arg> args = new ArrayList<>();
      for (Arg a : c.args()) {
        args.add(new Arg(a.name(), substituteValue(a.value(), bound), a.pos()));
      }
      return new Value.Call(c.name(), args, c.pos());
    }
    return v;
  }

  /**
   * Whether {@code name} is a built-in layer keyword or function (a name nothing else may take).
   */
  public static boolean isBuiltinLayerName(String name) {
    return LAYER_KEYWORDS.contains(name) || FUNCTIONS.containsKey(name);
  }

  /**
   * Every name a layer could be: built-in keywords, functions, blocks, and the network keywords.
   */
  List<String> knownLayerNames() {
    List<String> all = new ArrayList<>(LAYER_KEYWORDS);
    all.addAll(fns.keySet());
    all.addAll(defines.keySet());
    all.add("input");
    all.add("train");
    return all;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static Map<String, List<String>> functions() {
    Map<String, List<String>> byName = new LinkedHashMap<>();
    ScalarOp.functions()
        .forEach(
            (name, op) -> byName.put(name, op.arity() == 1 ? List.of("x") : List.of("a", "b")));
    return Map.copyOf(byName);
  }
}
