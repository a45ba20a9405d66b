package convnet.dsl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Shrinks a failing network: removes declarations, stages and layers and makes numbers smaller
 * while the predicate still says "fails", and returns the smallest text found.
 */
public final class Shrink {
  /** An upper bound on predicate calls, so a slow predicate cannot make shrinking run forever. */
  public static final int MAX_STEPS = 5_000;

  private Shrink() {}

  /**
   * Returns a minimal variant of {@code source} for which {@code failing} still holds. If the
   * predicate does not hold for {@code source} itself, {@code source} is returned unchanged.
   */
  public static String shrink(String source, Predicate<String> failing) {
    if (!failing.test(source)) {
      return source;
    }
    String current = source;
    int steps = 0;
    boolean progress = true;
    while (progress && steps < MAX_STEPS) {
      progress = false;
      for (String candidate : candidates(current)) {
        // Accepting only strictly smaller candidates guarantees termination: no cycles.
        if (compare(measure(candidate), measure(current)) >= 0) {
          continue;
        }
        steps++;
        if (failing.test(candidate)) {
          current = candidate;
          progress = true;
          break;
        }
        if (steps >= MAX_STEPS) {
          break;
        }
      }
    }
    return current;
  }

  private static final java.util.regex.Pattern TOKEN =
      java.util.regex.Pattern.compile("#[^\\n]*|[0-9A-Za-z_.]+|\\S");
  private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[0-9]+");

  /**
   * Size of a text: (tokens outside comments, sum of its integers, characters), compared in that
   * order.
   */
  static long[] measure(String text) {
    long tokens = 0;
    java.util.regex.Matcher m = TOKEN.matcher(text);
    StringBuilder code = new StringBuilder();
    while (m.find()) {
      if (!m.group().startsWith("#")) {
        tokens++;
        code.append(m.group()).append(' ');
      }
    }
    long sum = 0;
    java.util.regex.Matcher d = DIGITS.matcher(code);
    while (d.find()) {
      String g = d.group();
      sum += g.length() > 9 ? 1_000_000_000L : Long.parseLong(g);
    }
    return new long[] {tokens, sum, code.length()};
  }

  private static int compare(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      int c = Long.compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** Smaller variants of a source, the most aggressive first. */
  static List<String> candidates(String source) {
    Program program;
    try {
      program = DslParser.parse(source, "<shrink>");
    } catch (DslException e) {
      return dropLines(source);
    }
    Set<String> out = new LinkedHashSet<>();
    List<Decl> decls = program.decls();
    for (int i = 0; i < decls.size(); i++) {
      List<Decl> fewer = new ArrayList<>(decls);
      fewer.remove(i);
      out.add(Printer.print(new Program(program.fileName(), fewer)));
    }
    for (int d = 0; d < decls.size(); d++) {
      if (!(decls.get(d) instanceof Decl.Network n)) {
        continue;
      }
      for (Decl.Network smaller : smallerNetworks(n)) {
        List<Decl> changed = new ArrayList<>(decls);
        changed.set(d, smaller);
        out.add(Printer.print(new Program(program.fileName(), changed)));
      }
    }
    out.addAll(dropLines(source));
    return new ArrayList<>(out);
  }

  private static List<Decl.Network> smallerNetworks(Decl.Network n) {
    List<Decl.Network> result = new ArrayList<>();
    List<Item> items = n.items();
    for (int i = 0; i < items.size(); i++) {
      List<Item> fewer = new ArrayList<>(items);
      fewer.remove(i);
      result.add(new Decl.Network(n.name(), fewer, n.pos()));
    }
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      List<Item> variants = new ArrayList<>();
      if (item instanceof Item.StageItem s) {
        List<LayerNode> layers = s.stage().layers();
        if (layers.size() > 1) {
          for (int j = 0; j < layers.size(); j++) {
            List<LayerNode> fewer = new ArrayList<>(layers);
            fewer.remove(j);
            variants.add(new Item.StageItem(new Stage(fewer, s.stage().pos())));
          }
        }
        for (int j = 0; j < layers.size(); j++) {
          for (LayerNode smaller : smallerLayers(layers.get(j))) {
            List<LayerNode> changed = new ArrayList<>(layers);
            changed.set(j, smaller);
            variants.add(new Item.StageItem(new Stage(changed, s.stage().pos())));
          }
        }
      } else if (item instanceof Item.Input in) {
        for (int[] d :
            List.of(
                new int[] {1, in.height(), in.width()},
                new int[] {in.channels(), half(in.height()), in.width()},
                new int[] {in.channels(), in.height(), half(in.width())})) {
          variants.add(new Item.Input(d[0], d[1], d[2], in.pos()));
        }
      } else if (item instanceof Item.Train t) {
        for (int j = 0; j < t.settings().size(); j++) {
          List<Setting> fewer = new ArrayList<>(t.settings());
          fewer.remove(j);
          variants.add(new Item.Train(fewer, t.pos()));
        }
      }
      for (Item v : variants) {
        List<Item> changed = new ArrayList<>(items);
        changed.set(i, v);
        result.add(new Decl.Network(n.name(), changed, n.pos()));
      }
    }
    return result;
  }

  private static int half(int n) {
    return Math.max(1, n / 2);
  }

  private static List<LayerNode> smallerLayers(LayerNode layer) {
    List<LayerNode> result = new ArrayList<>();
    if (layer.label() != null) {
      result.add(layer.withLabel(null));
    }
    layer.accept(
        new LayerNode.Visitor<Void>() {
          @Override
          public Void visitPaperConv(LayerNode.PaperConv c) {
            for (int m : smaller(c.maps())) {
              result.add(
                  new LayerNode.PaperConv(
                      c.label(),
                      m,
                      c.kernelHeight(),
                      c.kernelWidth(),
                      c.squash(),
                      c.gain(),
                      c.pos()));
            }
            for (int k : smaller(c.kernelHeight())) {
              result.add(
                  new LayerNode.PaperConv(
                      c.label(), c.maps(), k, k, c.squash(), c.gain(), c.pos()));
            }
            if (c.gain()) {
              result.add(
                  new LayerNode.PaperConv(
                      c.label(),
                      c.maps(),
                      c.kernelHeight(),
                      c.kernelWidth(),
                      true,
                      false,
                      c.pos()));
            } else if (c.squash()) {
              result.add(
                  new LayerNode.PaperConv(
                      c.label(),
                      c.maps(),
                      c.kernelHeight(),
                      c.kernelWidth(),
                      false,
                      false,
                      c.pos()));
            }
            return null;
          }

          @Override
          public Void visitPaperPool(LayerNode.PaperPool p) {
            for (int w : smaller(p.windowHeight())) {
              result.add(
                  new LayerNode.PaperPool(
                      p.label(),
                      p.max(),
                      w,
                      w,
                      p.stride() > w ? 0 : p.stride(),
                      p.ceil(),
                      p.pos()));
            }
            if (p.stride() > 0) {
              result.add(
                  new LayerNode.PaperPool(
                      p.label(), p.max(), p.windowHeight(), p.windowWidth(), 0, p.ceil(), p.pos()));
            }
            return null;
          }

          @Override
          public Void visitPaperLcn(LayerNode.PaperLcn n) {
            if (n.windowHeight() > 0) {
              result.add(new LayerNode.PaperLcn(n.label(), 0, 0, n.pos()));
            }
            return null;
          }

          @Override
          public Void visitCall(LayerNode.Call c) {
            for (int i = 0; i < c.args().size(); i++) {
              Arg a = c.args().get(i);
              if (c.form() == LayerNode.Form.PARENS && a.isNamed()) {
                List<Arg> fewer = new ArrayList<>(c.args());
                fewer.remove(i);
                result.add(new LayerNode.Call(c.label(), c.name(), fewer, c.form(), c.pos()));
              }
              for (Value v : smallerValues(a.value())) {
                List<Arg> changed = new ArrayList<>(c.args());
                changed.set(i, new Arg(a.name(), v, a.pos()));
                result.add(new LayerNode.Call(c.label(), c.name(), changed, c.form(), c.pos()));
              }
            }
            return null;
          }
        });
    return result;
  }

  private static List<Value> smallerValues(Value v) {
    List<Value> result = new ArrayList<>();
    if (v instanceof Value.Num n && n.isInteger()) {
      long x = Long.parseLong(n.text());
      for (int s : smaller((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, x)))) {
        result.add(new Value.Num(Integer.toString(s), n.pos()));
      }
    } else if (v instanceof Value.Size s) {
      for (int h : smaller(Math.max(s.height(), s.width()))) {
        result.add(new Value.Size(Math.min(h, s.height()), Math.min(h, s.width()), s.pos()));
      }
    } else if (v instanceof Value.ListOf l) {
      for (int i = 0; i < l.items().size(); i++) {
        if (l.items().size() > 1) {
          List<Value> fewer = new ArrayList<>(l.items());
          fewer.remove(i);
          result.add(new Value.ListOf(fewer, l.pos()));
        }
        for (Value sv : smallerValues(l.items().get(i))) {
          List<Value> changed = new ArrayList<>(l.items());
          changed.set(i, sv);
          result.add(new Value.ListOf(changed, l.pos()));
        }
      }
    }
    return result;
  }

  /** Smaller positive integers worth trying, smallest first: 1, then n/2, then n-1. */
  private static List<Integer> smaller(int n) {
    Set<Integer> s = new LinkedHashSet<>();
    if (n > 1) {
      s.add(1);
      s.add(n / 2);
      s.add(n - 1);
    }
    s.remove(n);
    s.removeIf(x -> x < 1);
    return new ArrayList<>(s);
  }

  private static List<String> dropLines(String source) {
    List<String> lines = source.lines().toList();
    List<String> result = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      List<String> fewer = new ArrayList<>(lines);
      fewer.remove(i);
      result.add(String.join("\n", fewer) + "\n");
    }
    return result;
  }
}
