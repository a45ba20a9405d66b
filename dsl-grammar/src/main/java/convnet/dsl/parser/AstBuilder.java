package convnet.dsl.parser;

import convnet.dsl.Arg;
import convnet.dsl.Decl;
import convnet.dsl.Diagnostic;
import convnet.dsl.Diagnostics;
import convnet.dsl.DslException;
import convnet.dsl.Expr;
import convnet.dsl.Item;
import convnet.dsl.LayerNode;
import convnet.dsl.Program;
import convnet.dsl.Setting;
import convnet.dsl.SourcePos;
import convnet.dsl.Stage;
import convnet.dsl.SweepItem;
import convnet.dsl.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Builds the immutable AST from ANTLR's parse tree, decoding paper tokens inside words. */
final class AstBuilder {
  private static final Pattern SIZE = Pattern.compile("([0-9]+)x([0-9]+)");
  private static final Pattern SIZE3 = Pattern.compile("([0-9]+)x([0-9]+)x([0-9]+)");
  private static final Pattern LEADING_INT = Pattern.compile("[0-9]+");

  private final String file;
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  AstBuilder(String file) {
    this.file = file;
  }

  List<Diagnostic> diagnostics() {
    return List.copyOf(diagnostics);
  }

  void throwIfAny() {
    if (!diagnostics.isEmpty()) {
      throw new DslException(new Diagnostics(diagnostics).sorted());
    }
  }

  Program program(ConvNetParser.ProgramContext ctx) {
    List<Decl> decls = new ArrayList<>();
    for (ConvNetParser.DeclContext d : ctx.decl()) {
      decls.add(decl(d));
    }
    return new Program(file, decls);
  }

  private Decl decl(ConvNetParser.DeclContext ctx) {
    if (ctx instanceof ConvNetParser.NetworkDeclContext n) {
      List<Item> items = new ArrayList<>();
      for (ConvNetParser.ItemContext i : n.item()) {
        items.add(item(i));
      }
      return new Decl.Network(n.name.getText(), items, pos(n.name));
    }
    if (ctx instanceof ConvNetParser.FnDeclContext f) {
      return new Decl.Fn(f.name.getText(), params(f.params), expr(f.body), pos(f.name));
    }
    if (ctx instanceof ConvNetParser.SweepDeclContext s) {
      List<SweepItem> items = new ArrayList<>();
      for (ConvNetParser.SweepItemContext i : s.sweepItem()) {
        SweepItem built = sweepItem(i);
        if (built != null) {
          items.add(built);
        }
      }
      return new Decl.Sweep(s.name.getText(), items, pos(s.name));
    }
    ConvNetParser.DefineDeclContext d = (ConvNetParser.DefineDeclContext) ctx;
    return new Decl.Define(d.name.getText(), params(d.params), stage(d.chain), pos(d.name));
  }

  /** One item of a sweep body; null for a setting whose value did not decode (already reported). */
  private SweepItem sweepItem(ConvNetParser.SweepItemContext ctx) {
    if (ctx instanceof ConvNetParser.SweepNetworkItemContext n) {
      return new SweepItem.NetworkItem(item(n.item()));
    }
    if (ctx instanceof ConvNetParser.SweepSettingContext s) {
      int before = diagnostics.size();
      Value v = value(s.value());
      return diagnostics.size() == before
          ? new SweepItem.Setting(new Setting(s.key.getText(), v, pos(s.key)))
          : null;
    }
    ConvNetParser.VaryItemContext v = (ConvNetParser.VaryItemContext) ctx;
    List<String> names = new ArrayList<>();
    List<SourcePos> namePositions = new ArrayList<>();
    for (TerminalNode w : v.names.WORD()) {
      names.add(w.getText());
      namePositions.add(pos(w.getSymbol()));
    }
    List<SweepItem.Alternative> alternatives = new ArrayList<>();
    for (ConvNetParser.AlternativeContext a : v.alternative()) {
      List<List<Stage>> values = new ArrayList<>();
      for (ConvNetParser.ChoiceContext c : a.choice()) {
        List<Stage> stages = new ArrayList<>();
        for (ConvNetParser.StageContext st : c.stage()) {
          stages.add(stage(st));
        }
        values.add(stages);
      }
      String label = null;
      if (a.label != null) {
        String raw = a.label.getText();
        label = unescape(raw.substring(1, raw.length() - 1));
      }
      alternatives.add(new SweepItem.Alternative(label, values, span(a)));
    }
    return new SweepItem.Vary(names, namePositions, alternatives, pos(v.VARY().getSymbol()));
  }

  private static List<String> params(ConvNetParser.ParamListContext ctx) {
    List<String> names = new ArrayList<>();
    if (ctx != null) {
      for (TerminalNode w : ctx.WORD()) {
        names.add(w.getText());
      }
    }
    return names;
  }

  private Item item(ConvNetParser.ItemContext ctx) {
    if (ctx instanceof ConvNetParser.InputItemContext in) {
      String text = in.shape.getText();
      SourcePos p = pos(in.shape);
      Matcher m = SIZE3.matcher(text);
      if (!m.matches()) {
        error(
            p,
            "bad input shape '" + text + "': expected CxHxW",
            "for example 'input 1x28x28' (channels x height x width)");
        return new Item.Input(-1, -1, -1, p);
      }
      int before = diagnostics.size();
      Item.Input input =
          new Item.Input(
              integer(m.group(1), p.shifted(m.start(1), m.group(1).length())),
              integer(m.group(2), p.shifted(m.start(2), m.group(2).length())),
              integer(m.group(3), p.shifted(m.start(3), m.group(3).length())),
              p);
      return diagnostics.size() == before ? input : new Item.Input(-1, -1, -1, p);
    }
    if (ctx instanceof ConvNetParser.TrainItemContext t) {
      List<Setting> settings = new ArrayList<>();
      for (ConvNetParser.SettingContext s : t.setting()) {
        int before = diagnostics.size();
        Value v = value(s.value());
        // A value that did not decode is left out, so the checker does not report it a second time.
        if (diagnostics.size() == before) {
          settings.add(new Setting(s.key.getText(), v, pos(s.key)));
        }
      }
      return new Item.Train(settings, pos(t.TRAIN().getSymbol()));
    }
    return new Item.StageItem(stage(((ConvNetParser.StageItemContext) ctx).stage()));
  }

  Stage stage(ConvNetParser.StageContext ctx) {
    List<LayerNode> layers = new ArrayList<>();
    for (ConvNetParser.LayerContext l : ctx.layer()) {
      int before = diagnostics.size();
      LayerNode layer = layer(l);
      layers.add(diagnostics.size() == before ? layer : LayerNode.invalid(layer.pos()));
    }
    return new Stage(layers, span(ctx));
  }

  LayerNode layer(ConvNetParser.LayerContext ctx) {
    if (ctx instanceof ConvNetParser.CallLayerContext c) {
      String label = label(c.label);
      notPaper(c.head, "arguments in parentheses");
      List<Arg> args = c.args == null ? List.of() : args(c.args);
      return new LayerNode.Call(label, c.head.getText(), args, LayerNode.Form.PARENS, pos(c.head));
    }
    if (ctx instanceof ConvNetParser.CountLayerContext c) {
      notPaper(c.head, "a count");
      Value.Num n = number(c.count);
      return new LayerNode.Call(
          label(c.label),
          c.head.getText(),
          List.of(new Arg(null, n, n.pos())),
          LayerNode.Form.COUNT,
          pos(c.head));
    }
    if (ctx instanceof ConvNetParser.StrideLayerContext s) {
      SourcePos p = pos(s.head);
      String head = s.head.getText();
      String strideText = s.stride.getText();
      // PM3x3/2c: the c asks for ceil rounding; the stride and suffix lex as one word.
      boolean ceil = strideText.length() > 1 && strideText.endsWith("c");
      String digits = ceil ? strideText.substring(0, strideText.length() - 1) : strideText;
      boolean whole = digits.matches("[0-9]+");
      int stride = whole ? integer(digits, pos(s.stride).shifted(0, digits.length())) : 0;
      if (stride < 1) {
        error(
            pos(s.stride),
            "pooling stride '"
                + strideText
                + "' must be a whole number of at least 1, optionally"
                + " followed by c (ceil rounding)",
            "for example PA10x10/5 or PM3x3/2c");
        stride = 1;
      }
      if (!head.startsWith("PA") && !head.startsWith("PM")) {
        error(
            p,
            "'/"
                + s.stride.getText()
                + "' after '"
                + head
                + "': a stride only follows a pooling window",
            "write the stride after a pooling token, as in PA10x10/5 or PM3x3/2");
        return new LayerNode.Call(label(s.label), head, List.of(), LayerNode.Form.BARE, p);
      }
      LayerNode.PaperPool pool = pool(label(s.label), head, p);
      if (pool.ceil()) {
        error(
            p,
            "'" + head + "/" + strideText + "': the rounding suffix c goes after the stride",
            "write " + head.substring(0, head.length() - 1) + "/" + digits + "c");
      }
      return new LayerNode.PaperPool(
          pool.label(),
          pool.max(),
          pool.windowHeight(),
          pool.windowWidth(),
          stride,
          ceil || pool.ceil(),
          p);
    }
    ConvNetParser.WordLayerContext w = (ConvNetParser.WordLayerContext) ctx;
    return word(label(w.label), w.head.getText(), pos(w.head));
  }

  private String label(Token t) {
    return t == null ? null : t.getText();
  }

  private void notPaper(Token head, String what) {
    String text = head.getText();
    if (!text.isEmpty() && Character.isDigit(text.charAt(0))) {
      error(
          pos(head),
          "paper token '" + text + "' takes no " + what,
          "use conv(maps=..., kernel=...) for named arguments");
    }
  }

  /** Decodes one word of paper notation (or returns a bare keyword call). */
  private LayerNode word(String label, String text, SourcePos p) {
    if (Character.isDigit(text.charAt(0))) {
      return conv(label, text, p);
    }
    if (text.startsWith("PA") || text.startsWith("PM")) {
      String rest = text.substring(2);
      if (rest.isEmpty() || Character.isDigit(rest.charAt(0))) {
        return pool(label, text, p);
      }
    }
    if (text.startsWith("N") && text.length() > 1 && Character.isDigit(text.charAt(1))) {
      String rest = text.substring(1);
      Matcher m = SIZE.matcher(rest);
      if (!m.matches()) {
        error(
            p.shifted(1, rest.length()),
            "bad normalization window '" + rest + "' in '" + text + "': expected hxw",
            "for example N9x9");
        return new LayerNode.PaperLcn(label, 0, 0, p);
      }
      return new LayerNode.PaperLcn(
          label,
          integer(m.group(1), p.shifted(1 + m.start(1), m.group(1).length())),
          integer(m.group(2), p.shifted(1 + m.start(2), m.group(2).length())),
          p);
    }
    if (text.equals("N")) {
      return new LayerNode.PaperLcn(label, 0, 0, p);
    }
    return new LayerNode.Call(label, text, List.of(), LayerNode.Form.BARE, p);
  }

  private LayerNode conv(String label, String text, SourcePos p) {
    Matcher lead = LEADING_INT.matcher(text);
    lead.lookingAt();
    int at = lead.end();
    int maps = integer(lead.group(), p.shifted(0, at));
    if (at == text.length()) {
      error(
          p,
          "'" + text + "' is a number where a layer was expected",
          "a filter bank is written nFhxwC, e.g. 32F5x5C");
      return dummyConv(label, p);
    }
    if (text.charAt(at) != 'F') {
      if (SIZE.matcher(text).matches() || SIZE3.matcher(text).matches()) {
        error(
            p,
            "size '" + text + "' where a layer was expected",
            "'input CxHxW' declares the input shape; layers look like 32F5x5CSG");
      } else {
        error(
            p.shifted(at, 1),
            "expected 'F' after the number of maps in '"
                + text
                + "', found '"
                + text.charAt(at)
                + "'",
            "a filter bank is written nFhxwC, e.g. 32F5x5C");
      }
      return dummyConv(label, p);
    }
    int sizeStart = at + 1;
    Matcher size =
        Pattern.compile("([0-9]+)x([0-9]+)").matcher(text).region(sizeStart, text.length());
    if (!size.lookingAt()) {
      error(
          p.shifted(sizeStart, Math.max(1, text.length() - sizeStart)),
          "expected the filter size hxw after 'F' in '" + text + "'",
          "for example 32F5x5C");
      return dummyConv(label, p);
    }
    int kh = integer(size.group(1), p.shifted(size.start(1), size.group(1).length()));
    int kw = integer(size.group(2), p.shifted(size.start(2), size.group(2).length()));
    String suffix = text.substring(size.end());
    SourcePos suffixPos = p.shifted(size.end(), Math.max(1, suffix.length()));
    switch (suffix) {
      case "C":
        return new LayerNode.PaperConv(label, maps, kh, kw, false, false, p);
      case "CS":
        return new LayerNode.PaperConv(label, maps, kh, kw, true, false, p);
      case "CSG":
        return new LayerNode.PaperConv(label, maps, kh, kw, true, true, p);
      default:
        error(
            suffixPos,
            suffix.isEmpty()
                ? "missing filter-bank suffix in '" + text + "'"
                : "unknown filter-bank suffix '" + suffix + "' in '" + text + "'",
            "expected C (convolution and bias), CS (then tanh) or CSG (then a gain per map)");
        return dummyConv(label, p);
    }
  }

  private static LayerNode dummyConv(String label, SourcePos p) {
    return new LayerNode.PaperConv(label, 1, 1, 1, false, false, p);
  }

  private LayerNode.PaperPool pool(String label, String text, SourcePos p) {
    boolean max = text.startsWith("PM");
    String rest = text.substring(2);
    // PM2x2c: ceil rounding without a stride (the stride is the window).
    boolean ceil =
        rest.length() > 1
            && rest.endsWith("c")
            && Character.isDigit(rest.charAt(rest.length() - 2));
    if (ceil) {
      rest = rest.substring(0, rest.length() - 1);
    }
    Matcher m = SIZE.matcher(rest);
    if (!m.matches()) {
      String hint =
          LEADING_INT.matcher(rest).matches()
              ? "write the window as hxw, e.g. " + text.substring(0, 2) + rest + "x" + rest
              : "for example "
                  + text.substring(0, 2)
                  + "2x2 or "
                  + text.substring(0, 2)
                  + "10x10/5";
      error(
          p.shifted(2, Math.max(1, rest.length())),
          "expected the pooling window hxw after '" + text.substring(0, 2) + "' in '" + text + "'",
          hint);
      return new LayerNode.PaperPool(label, max, 1, 1, 0, p);
    }
    return new LayerNode.PaperPool(
        label,
        max,
        integer(m.group(1), p.shifted(2 + m.start(1), m.group(1).length())),
        integer(m.group(2), p.shifted(2 + m.start(2), m.group(2).length())),
        0,
        ceil,
        p);
  }

  private List<Arg> args(ConvNetParser.ArgListContext ctx) {
    List<Arg> args = new ArrayList<>();
    for (ConvNetParser.ArgContext a : ctx.arg()) {
      Value v = value(a.value());
      args.add(
          new Arg(
              a.name == null ? null : a.name.getText(), v, a.name == null ? v.pos() : pos(a.name)));
    }
    return args;
  }

  Value value(ConvNetParser.ValueContext ctx) {
    if (ctx instanceof ConvNetParser.NumberValueContext n) {
      return number(n.signedNumber());
    }
    if (ctx instanceof ConvNetParser.StringValueContext s) {
      String raw = s.STRING().getText();
      return new Value.Str(
          unescape(raw.substring(1, raw.length() - 1)), pos(s.STRING().getSymbol()));
    }
    if (ctx instanceof ConvNetParser.CallValueContext c) {
      return new Value.Call(
          c.name.getText(), c.args == null ? List.of() : args(c.args), pos(c.name));
    }
    if (ctx instanceof ConvNetParser.ProtocolValueContext p) {
      return new Value.Protocol(p.getText(), span(p));
    }
    if (ctx instanceof ConvNetParser.DashedValueContext d) {
      return new Value.Dashed(d.getText(), span(d));
    }
    if (ctx instanceof ConvNetParser.ListValueContext l) {
      List<Value> items = new ArrayList<>();
      for (ConvNetParser.ValueContext v : l.value()) {
        items.add(value(v));
      }
      return new Value.ListOf(items, pos(l.start));
    }
    ConvNetParser.WordValueContext w = (ConvNetParser.WordValueContext) ctx;
    String text = w.WORD().getText();
    SourcePos p = pos(w.WORD().getSymbol());
    if (Character.isDigit(text.charAt(0))) {
      Matcher m = SIZE.matcher(text);
      if (!m.matches()) {
        error(p, "bad size '" + text + "': expected hxw", "for example 5x5");
        return new Value.Size(1, 1, p);
      }
      return new Value.Size(
          integer(m.group(1), p.shifted(m.start(1), m.group(1).length())),
          integer(m.group(2), p.shifted(m.start(2), m.group(2).length())),
          p);
    }
    return new Value.Ident(text, p);
  }

  private Value.Num number(ConvNetParser.SignedNumberContext ctx) {
    String text = (ctx.minus != null ? "-" : "") + ctx.NUMBER().getText();
    SourcePos p = ctx.minus != null ? span(ctx) : pos(ctx.NUMBER().getSymbol());
    double v = Double.parseDouble(text);
    if (Double.isInfinite(v)) {
      error(p, "number '" + text + "' is too large", null);
      return new Value.Num("0", p);
    }
    return new Value.Num(text, p);
  }

  Expr expr(ConvNetParser.ExprContext ctx) {
    if (ctx instanceof ConvNetParser.ParenExprContext p) {
      return expr(p.inner);
    }
    if (ctx instanceof ConvNetParser.CallExprContext c) {
      List<Expr> args = new ArrayList<>();
      for (ConvNetParser.ExprContext e : c.expr()) {
        args.add(expr(e));
      }
      return new Expr.Call(c.fn.getText(), args, pos(c.fn));
    }
    if (ctx instanceof ConvNetParser.NumberExprContext n) {
      String text = n.NUMBER().getText();
      if (Double.isInfinite(Double.parseDouble(text))) {
        error(pos(n.NUMBER().getSymbol()), "number '" + text + "' is too large", null);
        return new Expr.Num("0", pos(n.NUMBER().getSymbol()));
      }
      return new Expr.Num(text, pos(n.NUMBER().getSymbol()));
    }
    if (ctx instanceof ConvNetParser.VariableExprContext v) {
      return new Expr.Var(v.WORD().getText(), pos(v.WORD().getSymbol()));
    }
    if (ctx instanceof ConvNetParser.PowerExprContext p) {
      return new Expr.Binary('^', expr(p.left), expr(p.right), pos(p.getChild(1)));
    }
    if (ctx instanceof ConvNetParser.NegateExprContext n) {
      return new Expr.Negate(expr(n.operand), pos(n.start));
    }
    if (ctx instanceof ConvNetParser.ProductExprContext p) {
      return new Expr.Binary(p.op.getText().charAt(0), expr(p.left), expr(p.right), pos(p.op));
    }
    ConvNetParser.SumExprContext s = (ConvNetParser.SumExprContext) ctx;
    return new Expr.Binary(s.op.getText().charAt(0), expr(s.left), expr(s.right), pos(s.op));
  }

  private int integer(String digits, SourcePos p) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      error(
          p, "number " + digits + " is too large (the largest is " + Integer.MAX_VALUE + ")", null);
      return 1;
    }
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(
            switch (n) {
              case 'n' -> '\n';
              case 't' -> '\t';
              default -> n;
            });
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private void error(SourcePos p, String message, String hint) {
    diagnostics.add(Diagnostic.error(p, message, hint));
  }

  private SourcePos pos(Token t) {
    return Parsing.pos(file, t);
  }

  private SourcePos pos(org.antlr.v4.runtime.tree.ParseTree node) {
    if (node instanceof TerminalNode t) {
      return pos(t.getSymbol());
    }
    return span((ParserRuleContext) node);
  }

  private SourcePos span(ParserRuleContext ctx) {
    Token start = ctx.getStart();
    Token stop = ctx.getStop();
    SourcePos p = pos(start);
    if (stop != null
        && stop.getLine() == start.getLine()
        && stop.getStopIndex() >= start.getStartIndex()) {
      return new SourcePos(
          file, p.line(), p.col(), stop.getStopIndex() - start.getStartIndex() + 1);
    }
    return p;
  }
}
