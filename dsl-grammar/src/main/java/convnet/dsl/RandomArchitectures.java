package convnet.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates random, valid networks over small inputs, covering every layer kind, paper and verbose
 * notation, functions, blocks and training blocks. Property tests (round trips here, gradient
 * checks elsewhere) draw architectures from it; the same seed gives the same network.
 *
 * <p>This class holds the distribution (which kind comes where, and how often); each kind's {@link
 * LayerDefinition} draws its own layer for the current shape and updates that shape. The order of
 * the draws is part of the contract: pinned regression seeds name networks by it.
 */
public final class RandomArchitectures {
  static final SourcePos P = SourcePos.NONE;

  /** Bounds of the generated networks. */
  public record Options(
      int minChannels,
      int maxChannels,
      int minSize,
      int maxSize,
      int maxStages,
      int maxMaps,
      boolean functions,
      boolean blocks,
      boolean train) {
    /** 1..3 x 8..16 x 8..16 inputs, up to 3 stages of up to 6 maps, with fn, define and train. */
    public static Options small() {
      return new Options(1, 3, 8, 16, 3, 6, true, true, true);
    }
  }

  private final Random random;
  private final Options options;

  /** The shape the next layer receives; a definition's draw sets it to its layer's output. */
  int channels;

  int height;
  int width;

  /** The maps of the filter bank being drawn, drawn before its kind was chosen. */
  int filterMaps;

  private int labels;
  private final List<String> fnNames = new ArrayList<>();
  private String block;

  private RandomArchitectures(Random random, Options options) {
    this.random = random;
    this.options = options;
  }

  /** A random valid network as source text. */
  public static String generate(Random random, Options options) {
    return Printer.print(generateProgram(random, options));
  }

  /** A random valid network as an AST (every position is {@link SourcePos#NONE}). */
  public static Program generateProgram(Random random, Options options) {
    return new RandomArchitectures(random, options).program();
  }

  int between(int lo, int hi) {
    return lo + random.nextInt(hi - lo + 1);
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private Program program() {
    List<Decl> decls = new ArrayList<>();
    if (options.functions()) {
      int n = between(0, 2);
      for (int i = 0; i < n; i++) {
        String name = "f" + (i + 1);
        String param = chance(0.5) ? "x" : "v";
        decls.add(new Decl.Fn(name, List.of(param), expr(param, 3), P));
        fnNames.add(name);
      }
    }
    if (options.blocks() && chance(0.5)) {
      block = "blk";
      decls.add(
          new Decl.Define(
              block,
              List.of("m"),
              new Stage(
                  List.of(
                      new LayerNode.Call(
                          null,
                          "conv",
                          List.of(
                              arg("maps", new Value.Ident("m", P)),
                              arg("kernel", size(3, 3)),
                              arg("pad", num(1))),
                          LayerNode.Form.PARENS,
                          P),
                      bare(chance(0.5) ? "relu" : "Rabs")),
                  P),
              P));
    }
    channels = between(options.minChannels(), options.maxChannels());
    height = between(options.minSize(), options.maxSize());
    width = between(options.minSize(), options.maxSize());
    List<Item> items = new ArrayList<>();
    items.add(new Item.Input(channels, height, width, P));
    int stages = between(1, options.maxStages());
    for (int s = 0; s < stages; s++) {
      items.add(new Item.StageItem(stage()));
    }
    if (chance(0.4)) {
      List<LayerNode> head = new ArrayList<>();
      head.add(draw(LayerKind.DENSE, 0));
      if (chance(0.5)) {
        head.add(draw(pick(LayerKind.RELU, LayerKind.TANH, LayerKind.SIGMOID), 0));
      }
      if (chance(0.3)) {
        head.add(draw(LayerKind.DROPOUT, 1));
      }
      items.add(new Item.StageItem(new Stage(head, P)));
    }
    items.add(new Item.StageItem(new Stage(List.of(draw(LayerKind.LOGISTIC, 0)), P)));
    if (options.train() && chance(0.5)) {
      items.add(1 + random.nextInt(items.size()), train(stages));
    }
    decls.add(new Decl.Network("random" + between(1, 999), items, P));
    return new Program("<generated>", decls);
  }

  private Item.Train train(int convStages) {
    List<Setting> settings = new ArrayList<>();
    if (chance(0.5)) {
      settings.add(
          new Setting(
              "data",
              chance(0.5) ? new Value.Dashed("fashion-mnist", P) : new Value.Str("data/my set", P),
              P));
    }
    if (chance(0.5)) {
      StringBuilder b = new StringBuilder();
      boolean plus = false;
      for (int i = 0; i < convStages; i++) {
        char letter = chance(0.5) ? 'R' : 'U';
        // Only letters training implements make a valid network; the draw is kept so seeds give the
        // same networks.
        b.append(
            ProtocolSyntax.TRAINED.indexOf(letter) >= 0
                ? letter
                : ProtocolSyntax.TRAINED.charAt(0));
        if (chance(0.5)) {
          b.append('+');
          plus = true;
        }
      }
      settings.add(
          new Setting(
              "protocol",
              plus ? new Value.Protocol(b.toString(), P) : new Value.Ident(b.toString(), P),
              P));
    }
    if (chance(0.5)) {
      settings.add(new Setting("epochs", num(between(1, 20)), P));
    }
    if (chance(0.5)) {
      settings.add(new Setting("batch", num(between(1, 128)), P));
    }
    if (chance(0.5)) {
      settings.add(
          new Setting(
              "optimizer",
              chance(0.7)
                  ? new Value.Call(
                      "sgd",
                      List.of(
                          arg("lr", new Value.Num("0.05", P)),
                          arg("momentum", new Value.Num("0.9", P)),
                          arg("weight_decay", new Value.Num("5e-4", P))),
                      P)
                  : new Value.Call("adam", List.of(arg("lr", new Value.Num("1e-3", P))), P),
              P));
    }
    if (chance(0.5)) {
      settings.add(
          new Setting(
              "schedule",
              chance(0.5)
                  ? new Value.Ident("cosine", P)
                  : new Value.Call(
                      "step",
                      List.of(
                          arg("every", num(between(1, 10))), arg("gamma", new Value.Num("0.1", P))),
                      P),
              P));
    }
    if (chance(0.5)) {
      settings.add(
          new Setting(
              "augment",
              new Value.ListOf(
                  chance(0.5)
                      ? List.of(new Value.Ident("flip", P))
                      : List.of(
                          new Value.Ident("flip", P),
                          new Value.Call("crop", List.of(arg("pad", num(between(1, 4)))), P)),
                  P),
              P));
    }
    if (chance(0.5)) {
      settings.add(new Setting("seed", num(between(0, 1000)), P));
    }
    return new Item.Train(settings, P);
  }

  private Stage stage() {
    List<LayerNode> layers = new ArrayList<>();
    layers.add(filterBank());
    int extra = between(0, 3);
    for (int i = 0; i < extra; i++) {
      LayerNode l = follower();
      if (l != null) {
        layers.add(l);
      }
    }
    return new Stage(layers, P);
  }

  /**
   * A layer of kind {@code kind} drawn by its definition; see each definition for {@code variant}.
   */
  private LayerNode draw(LayerKind kind, int variant) {
    return kind.definition().draw(this, variant);
  }

  private LayerNode filterBank() {
    filterMaps = between(1, options.maxMaps());
    int choice = random.nextInt(block != null ? 5 : 4);
    if (choice == 4) {
      channels = filterMaps;
      return new LayerNode.Call(
          null, block, List.of(arg(null, num(filterMaps))), LayerNode.Form.PARENS, P);
    }
    if (choice == 3) {
      return draw(LayerKind.MLPCONV, 0);
    }
    // 0: paper notation, 1: conv(n, ...), 2: conv(maps=n, ...).
    return draw(LayerKind.CONV, choice);
  }

  /** A layer after a stage's filter bank; each of the ten slots is equally likely. */
  private LayerNode follower() {
    switch (random.nextInt(10)) {
      case 0:
        // Every spelling of the built-in activations, aliases included, in the order the seeds were
        // pinned with.
        return bare(pick("Rabs", "abs", "Rpos", "relu", "tanh", "sigmoid"));
      case 1:
        return fnNames.isEmpty()
            ? draw(LayerKind.RELU, 0)
            : draw(LayerKind.FN, random.nextInt(fnNames.size()));
      case 2:
        return draw(LayerKind.LCN, 0);
      case 3:
      case 4:
        {
          // One slot pair for both poolings: the pooling definition's draw picks average or max.
          LayerNode pool = draw(LayerKind.AVGPOOL, 0);
          return pool != null ? pool : draw(LayerKind.RELU, 0);
        }
      case 5:
        return draw(LayerKind.DROPOUT, 0);
      case 6:
        {
          LayerNode maxout = draw(LayerKind.MAXOUT, 0);
          return maxout != null ? maxout : draw(LayerKind.TANH, 0);
        }
      case 7:
        return draw(LayerKind.LRN, 0);
      case 8:
        return draw(LayerKind.SIGMOID, 0);
      default:
        return draw(pick(LayerKind.RELU, LayerKind.TANH), 0);
    }
  }

  private Expr expr(String param, int depth) {
    if (depth == 0 || chance(0.25)) {
      return chance(0.7)
          ? new Expr.Var(param, P)
          : new Expr.Num(pick("1", "2", "0.5", "3.25", "1e-2"), P);
    }
    switch (random.nextInt(7)) {
      case 0:
        return new Expr.Binary(
            pick("+", "-", "*").charAt(0), expr(param, depth - 1), expr(param, depth - 1), P);
      case 1:
        // Division by 1 + |e| stays finite everywhere.
        return new Expr.Binary(
            '/',
            expr(param, depth - 1),
            new Expr.Binary(
                '+',
                new Expr.Num("1", P),
                new Expr.Call("abs", List.of(expr(param, depth - 1)), P),
                P),
            P);
      case 2:
        return new Expr.Call(pick("tanh", "sigmoid", "abs"), List.of(expr(param, depth - 1)), P);
      case 3:
        return new Expr.Negate(expr(param, depth - 1), P);
      case 4:
        return new Expr.Binary(
            '^',
            new Expr.Call("tanh", List.of(expr(param, depth - 1)), P),
            new Expr.Num("2", P),
            P);
      case 5:
        return new Expr.Call(
            pick("max", "min"), List.of(expr(param, depth - 1), new Expr.Num("0", P)), P);
      default:
        return new Expr.Call(
            "exp", List.of(new Expr.Call("tanh", List.of(expr(param, depth - 1)), P)), P);
    }
  }

  /** {@code l}, named {@code n<k>} one time in five. */
  LayerNode label(LayerNode l) {
    if (!chance(0.2)) {
      return l;
    }
    return l.withLabel("n" + (++labels));
  }

  /** The most maps a generated layer has. */
  int maxMaps() {
    return options.maxMaps();
  }

  /** The name of the {@code index}-th user function of the program. */
  String functionName(int index) {
    return fnNames.get(index);
  }

  String pick(String... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private LayerKind pick(LayerKind... choices) {
    return choices[random.nextInt(choices.length)];
  }

  static LayerNode bare(String name) {
    return new LayerNode.Call(null, name, List.of(), LayerNode.Form.BARE, P);
  }

  static Arg arg(String name, Value v) {
    return new Arg(name, v, P);
  }

  static Value.Num num(int n) {
    return new Value.Num(Integer.toString(n), P);
  }

  static Value.Size size(int h, int w) {
    return new Value.Size(h, w, P);
  }
}
