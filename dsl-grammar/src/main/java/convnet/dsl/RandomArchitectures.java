package convnet.dsl;

import convnet.autodiff.ops.Windows;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates random, valid networks over small inputs, covering every layer kind, paper and
 * verbose notation, functions, blocks and training blocks. Property tests (round trips here,
 * gradient checks elsewhere) draw architectures from it; the same seed gives the same network.
 */
public final class RandomArchitectures {
  private static final SourcePos P = SourcePos.NONE;

  /** Bounds of the generated networks. */
  public record Options(int minChannels, int maxChannels, int minSize, int maxSize, int maxStages, int maxMaps,
      boolean functions, boolean blocks, boolean train) {
    /** 1..3 x 8..16 x 8..16 inputs, up to 3 stages of up to 6 maps, with fn, define and train. */
    public static Options small() {
      return new Options(1, 3, 8, 16, 3, 6, true, true, true);
    }
  }

  private final Random random;
  private final Options options;
  private int channels;
  private int height;
  private int width;
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

  private int between(int lo, int hi) {
    return lo + random.nextInt(hi - lo + 1);
  }

  private boolean chance(double p) {
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
      decls.add(new Decl.Define(block, List.of("m"), new Stage(List.of(
          new LayerNode.Call(null, "conv", List.of(arg("maps", new Value.Ident("m", P)), arg("kernel", size(3, 3)),
              arg("pad", num(1))), LayerNode.Form.PARENS, P),
          bare(chance(0.5) ? "relu" : "Rabs")), P), P));
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
      int units = between(2, 12);
      List<LayerNode> head = new ArrayList<>();
      head.add(label(chance(0.5) ? new LayerNode.Call(null, "dense", List.of(arg(null, num(units))), LayerNode.Form.PARENS, P)
          : new LayerNode.Call(null, "dense", List.of(arg(null, num(units))), LayerNode.Form.COUNT, P)));
      channels = units;
      height = 1;
      width = 1;
      if (chance(0.5)) {
        head.add(bare(pick("relu", "tanh", "sigmoid")));
      }
      if (chance(0.3)) {
        head.add(new LayerNode.Call(null, "dropout", List.of(arg(null, new Value.Num("0.25", P))), LayerNode.Form.PARENS, P));
      }
      items.add(new Item.StageItem(new Stage(head, P)));
    }
    int classes = between(2, 10);
    items.add(new Item.StageItem(new Stage(List.of(label(new LayerNode.Call(null, "logistic",
        List.of(arg(null, num(classes))), LayerNode.Form.COUNT, P))), P)));
    if (options.train() && chance(0.5)) {
      items.add(1 + random.nextInt(items.size()), train(stages));
    }
    decls.add(new Decl.Network("random" + between(1, 999), items, P));
    return new Program("<generated>", decls);
  }

  private Item.Train train(int convStages) {
    List<Setting> settings = new ArrayList<>();
    if (chance(0.5)) {
      settings.add(new Setting("data", chance(0.5) ? new Value.Dashed("fashion-mnist", P) : new Value.Str("data/my set", P), P));
    }
    if (chance(0.5)) {
      StringBuilder b = new StringBuilder();
      boolean plus = false;
      for (int i = 0; i < convStages; i++) {
        char letter = chance(0.5) ? 'R' : 'U';
        // Only letters training implements make a valid network; the draw is kept so seeds give the same networks.
        b.append(ProtocolSyntax.TRAINED.indexOf(letter) >= 0 ? letter : ProtocolSyntax.TRAINED.charAt(0));
        if (chance(0.5)) {
          b.append('+');
          plus = true;
        }
      }
      settings.add(new Setting("protocol", plus ? new Value.Protocol(b.toString(), P) : new Value.Ident(b.toString(), P), P));
    }
    if (chance(0.5)) {
      settings.add(new Setting("epochs", num(between(1, 20)), P));
    }
    if (chance(0.5)) {
      settings.add(new Setting("batch", num(between(1, 128)), P));
    }
    if (chance(0.5)) {
      settings.add(new Setting("optimizer", chance(0.7)
          ? new Value.Call("sgd", List.of(arg("lr", new Value.Num("0.05", P)), arg("momentum", new Value.Num("0.9", P)),
              arg("weight_decay", new Value.Num("5e-4", P))), P)
          : new Value.Call("adam", List.of(arg("lr", new Value.Num("1e-3", P))), P), P));
    }
    if (chance(0.5)) {
      settings.add(new Setting("schedule", chance(0.5) ? new Value.Ident("cosine", P)
          : new Value.Call("step", List.of(arg("every", num(between(1, 10))), arg("gamma", new Value.Num("0.1", P))), P), P));
    }
    if (chance(0.5)) {
      settings.add(new Setting("augment", new Value.ListOf(chance(0.5) ? List.of(new Value.Ident("flip", P))
          : List.of(new Value.Ident("flip", P), new Value.Call("crop", List.of(arg("pad", num(between(1, 4)))), P)), P), P));
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

  private LayerNode filterBank() {
    int maps = between(1, options.maxMaps());
    int choice = random.nextInt(block != null ? 5 : 4);
    if (choice == 4) {
      channels = maps;
      return new LayerNode.Call(null, block, List.of(arg(null, num(maps))), LayerNode.Form.PARENS, P);
    }
    if (choice == 3) {
      List<Value> inner = new ArrayList<>();
      int n = between(1, 3);
      for (int i = 0; i < n; i++) {
        inner.add(num(between(1, options.maxMaps())));
      }
      int k = between(1, Math.min(3, Math.min(height, width)));
      int pad = k == 3 && chance(0.5) ? 1 : 0;
      List<Arg> args = new ArrayList<>(List.of(arg("maps", new Value.ListOf(inner, P)), arg("kernel", size(k, k))));
      if (pad > 0) {
        args.add(arg("pad", num(pad)));
      }
      height = Windows.convolvedSize(height, k, 1, pad);
      width = Windows.convolvedSize(width, k, 1, pad);
      channels = Integer.parseInt(((Value.Num) inner.get(n - 1)).text());
      return label(new LayerNode.Call(null, "mlpconv", args, LayerNode.Form.PARENS, P));
    }
    int kh = between(1, Math.min(5, height));
    int kw = between(1, Math.min(5, width));
    if (choice == 0) {
      boolean squash = chance(0.6);
      boolean gain = squash && chance(0.5);
      height = height - kh + 1;
      width = width - kw + 1;
      channels = maps;
      return label(new LayerNode.PaperConv(null, maps, kh, kw, squash, gain, P));
    }
    List<Arg> args = new ArrayList<>();
    args.add(choice == 1 ? arg(null, num(maps)) : arg("maps", num(maps)));
    args.add(arg("kernel", kh == kw && chance(0.3) ? num(kh) : size(kh, kw)));
    int stride = chance(0.3) ? 2 : 1;
    int pad = Math.min((kh - 1) / 2, (kw - 1) / 2) > 0 && chance(0.5) ? 1 : 0;
    if (stride > 1) {
      args.add(arg("stride", num(stride)));
    }
    if (pad > 0) {
      args.add(arg("pad", num(pad)));
    }
    if (chance(0.5)) {
      args.add(arg("act", new Value.Ident(pick("relu", "tanh", "abs", "sigmoid", "none"), P)));
    }
    if (chance(0.3)) {
      args.add(arg("gain", new Value.Ident(chance(0.5) ? "true" : "false", P)));
    }
    if (chance(0.2)) {
      args.add(arg("bias", new Value.Ident("false", P)));
    }
    int groups = 1;
    if (channels % 2 == 0 && chance(0.3)) {
      groups = 2;
      if (maps % 2 != 0) {
        maps++;
        args.set(0, choice == 1 ? arg(null, num(maps)) : arg("maps", num(maps)));
      }
      args.add(arg("groups", num(groups)));
    } else if (channels > 1 && chance(0.3)) {
      args.add(arg("table", new Value.Call("random", List.of(arg(null, num(between(1, channels)))), P)));
    }
    height = Windows.convolvedSize(height, kh, stride, pad);
    width = Windows.convolvedSize(width, kw, stride, pad);
    channels = maps;
    return label(new LayerNode.Call(null, "conv", args, LayerNode.Form.PARENS, P));
  }

  private LayerNode follower() {
    switch (random.nextInt(10)) {
      case 0:
        return bare(pick("Rabs", "abs", "Rpos", "relu", "tanh", "sigmoid"));
      case 1:
        return fnNames.isEmpty() ? bare("relu") : bare(fnNames.get(random.nextInt(fnNames.size())));
      case 2:
        // A window may reach at most n-1 places either side of a position: 2n-1 in all.
        int widest = 2 * Math.min(height, width) - 1;
        if (chance(0.5)) {
          return label(widest >= 9 ? new LayerNode.PaperLcn(null, 0, 0, P) : new LayerNode.PaperLcn(null, widest, widest, P));
        }
        int w = Math.min(widest, 2 * between(0, 2) + 1);
        return chance(0.5) ? label(new LayerNode.PaperLcn(null, w, w, P))
            : label(new LayerNode.Call(null, "lcn", List.of(arg("window", size(w, w)), arg("sigma", new Value.Num("1.5", P))),
                LayerNode.Form.PARENS, P));
      case 3:
      case 4: {
        int window = Math.min(height, Math.min(width, between(2, 3)));
        if (window < 2) {
          return bare("relu");
        }
        boolean max = chance(0.5);
        if (chance(0.5)) {
          int stride = chance(0.5) ? 0 : between(1, window);
          height = Windows.pooledSize(height, window, stride == 0 ? window : stride, 0, false);
          width = Windows.pooledSize(width, window, stride == 0 ? window : stride, 0, false);
          return label(new LayerNode.PaperPool(null, max, window, window, stride, P));
        }
        int stride = between(1, window);
        boolean ceil = chance(0.5);
        height = pooled(height, window, stride, ceil);
        width = pooled(width, window, stride, ceil);
        List<Arg> args = new ArrayList<>(List.of(arg(null, size(window, window)), arg("stride", num(stride))));
        if (ceil) {
          args.add(arg("round", new Value.Ident("ceil", P)));
        }
        return label(new LayerNode.Call(null, max ? "maxpool" : "avgpool", args, LayerNode.Form.PARENS, P));
      }
      case 5:
        return label(new LayerNode.Call(null, "dropout", List.of(arg("p", new Value.Num("0.5", P))), LayerNode.Form.PARENS, P));
      case 6:
        if (channels % 2 == 0) {
          channels /= 2;
          return label(new LayerNode.Call(null, "maxout", List.of(arg("pieces", num(2))), LayerNode.Form.PARENS, P));
        }
        return bare("tanh");
      case 7:
        return label(chance(0.5) ? bare("lrn") : new LayerNode.Call(null, "lrn", List.of(arg("size", num(3)),
            arg("alpha", new Value.Num("1e-4", P)), arg("beta", new Value.Num("0.75", P)), arg("k", num(2))), LayerNode.Form.PARENS, P));
      case 8:
        return bare("sigmoid");
      default:
        return bare(pick("relu", "tanh"));
    }
  }

  private static int pooled(int n, int window, int stride, boolean ceil) {
    return Windows.pooledSize(n, window, stride, 0, ceil);
  }

  private Expr expr(String param, int depth) {
    if (depth == 0 || chance(0.25)) {
      return chance(0.7) ? new Expr.Var(param, P) : new Expr.Num(pick("1", "2", "0.5", "3.25", "1e-2"), P);
    }
    switch (random.nextInt(7)) {
      case 0:
        return new Expr.Binary(pick("+", "-", "*").charAt(0), expr(param, depth - 1), expr(param, depth - 1), P);
      case 1:
        // Division by 1 + |e| stays finite everywhere.
        return new Expr.Binary('/', expr(param, depth - 1), new Expr.Binary('+', new Expr.Num("1", P),
            new Expr.Call("abs", List.of(expr(param, depth - 1)), P), P), P);
      case 2:
        return new Expr.Call(pick("tanh", "sigmoid", "abs"), List.of(expr(param, depth - 1)), P);
      case 3:
        return new Expr.Negate(expr(param, depth - 1), P);
      case 4:
        return new Expr.Binary('^', new Expr.Call("tanh", List.of(expr(param, depth - 1)), P), new Expr.Num("2", P), P);
      case 5:
        return new Expr.Call(pick("max", "min"), List.of(expr(param, depth - 1), new Expr.Num("0", P)), P);
      default:
        return new Expr.Call("exp", List.of(new Expr.Call("tanh", List.of(expr(param, depth - 1)), P)), P);
    }
  }

  private LayerNode label(LayerNode l) {
    if (!chance(0.2)) {
      return l;
    }
    String name = "n" + (++labels);
    if (l instanceof LayerNode.PaperConv c) {
      return new LayerNode.PaperConv(name, c.maps(), c.kernelHeight(), c.kernelWidth(), c.squash(), c.gain(), P);
    }
    if (l instanceof LayerNode.PaperPool p) {
      return new LayerNode.PaperPool(name, p.max(), p.windowHeight(), p.windowWidth(), p.stride(), p.ceil(), P);
    }
    if (l instanceof LayerNode.PaperLcn n) {
      return new LayerNode.PaperLcn(name, n.windowHeight(), n.windowWidth(), P);
    }
    LayerNode.Call c = (LayerNode.Call) l;
    return new LayerNode.Call(name, c.name(), c.args(), c.form(), P);
  }

  private String pick(String... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static LayerNode bare(String name) {
    return new LayerNode.Call(null, name, List.of(), LayerNode.Form.BARE, P);
  }

  private static Arg arg(String name, Value v) {
    return new Arg(name, v, P);
  }

  private static Value.Num num(int n) {
    return new Value.Num(Integer.toString(n), P);
  }

  private static Value.Size size(int h, int w) {
    return new Value.Size(h, w, P);
  }
}
