package convnet.dsl;

import java.util.List;
import java.util.stream.Collectors;

/** Writes an AST back as source text in paper notation, such that parsing it gives the same AST. */
public final class Printer {
  private Printer() {}

  public static String print(Program program) {
    StringBuilder out = new StringBuilder();
    for (Decl d : program.decls()) {
      if (d instanceof Decl.Fn f) {
        out.append("fn ")
            .append(f.name())
            .append('(')
            .append(String.join(", ", f.params()))
            .append(") = ")
            .append(expr(f.body()))
            .append('\n');
      } else if (d instanceof Decl.Define b) {
        out.append("define ")
            .append(b.name())
            .append('(')
            .append(String.join(", ", b.params()))
            .append(") = ")
            .append(stage(b.chain()))
            .append('\n');
      } else if (d instanceof Decl.Sweep w) {
        out.append("sweep ").append(w.name()).append(" {\n");
        for (SweepItem item : w.items()) {
          if (item instanceof SweepItem.NetworkItem n) {
            item(out, n.item());
          } else if (item instanceof SweepItem.Setting s) {
            out.append("    ")
                .append(s.setting().key())
                .append(" = ")
                .append(value(s.setting().value()))
                .append('\n');
          } else {
            out.append("    ").append(vary((SweepItem.Vary) item)).append('\n');
          }
        }
        out.append("}\n");
      } else {
        Decl.Network n = (Decl.Network) d;
        out.append("network ").append(n.name()).append(" {\n");
        for (Item item : n.items()) {
          item(out, item);
        }
        out.append("}\n");
      }
    }
    return out.toString();
  }

  private static void item(StringBuilder out, Item item) {
    if (item instanceof Item.Input in) {
      out.append("    input ")
          .append(in.channels())
          .append('x')
          .append(in.height())
          .append('x')
          .append(in.width())
          .append('\n');
    } else if (item instanceof Item.StageItem s) {
      out.append("    ").append(stage(s.stage())).append('\n');
    } else {
      out.append("    train {\n");
      for (Setting s : ((Item.Train) item).settings()) {
        out.append("        ").append(s.key()).append(" = ").append(value(s.value())).append('\n');
      }
      out.append("    }\n");
    }
  }

  /** A {@code vary} line, each alternative labelled as written. */
  public static String vary(SweepItem.Vary v) {
    String names =
        v.names().size() == 1 ? v.names().get(0) : "(" + String.join(", ", v.names()) + ")";
    return "vary "
        + names
        + " = "
        + v.alternatives().stream()
            .map(
                a -> {
                  String label =
                      a.label() == null ? "" : value(new Value.Str(a.label(), a.pos())) + ": ";
                  List<String> values = a.values().stream().map(Printer::stages).toList();
                  return label
                      + (values.size() == 1
                          ? values.get(0)
                          : "(" + String.join(", ", values) + ")");
                })
            .collect(Collectors.joining(" | "));
  }

  /** The value of a variable: one stage as is, several (or none) in braces. */
  public static String stages(List<Stage> stages) {
    if (stages.size() == 1) {
      return stage(stages.get(0));
    }
    return stages.stream()
        .map(Printer::stage)
        .collect(Collectors.joining("  ", "{ ", stages.isEmpty() ? "}" : " }"));
  }

  public static String stage(Stage stage) {
    return stage.layers().stream().map(Printer::layer).collect(Collectors.joining(" - "));
  }

  public static String layer(LayerNode layer) {
    String prefix = layer.label() == null ? "" : layer.label() + ": ";
    return prefix
        + layer.accept(
            new LayerNode.Visitor<String>() {
              @Override
              public String visitPaperConv(LayerNode.PaperConv c) {
                return c.maps()
                    + "F"
                    + c.kernelHeight()
                    + "x"
                    + c.kernelWidth()
                    + "C"
                    + (c.squash() ? "S" : "")
                    + (c.gain() ? "G" : "");
              }

              @Override
              public String visitPaperPool(LayerNode.PaperPool p) {
                return (p.max() ? "PM" : "PA")
                    + p.windowHeight()
                    + "x"
                    + p.windowWidth()
                    + (p.stride() > 0 ? "/" + p.stride() : "")
                    + (p.ceil() ? "c" : "");
              }

              @Override
              public String visitPaperLcn(LayerNode.PaperLcn n) {
                return n.windowHeight() > 0 ? "N" + n.windowHeight() + "x" + n.windowWidth() : "N";
              }

              @Override
              public String visitCall(LayerNode.Call c) {
                switch (c.form()) {
                  case BARE:
                    return c.name();
                  case COUNT:
                    return c.name() + " " + value(c.args().get(0).value());
                  default:
                    return c.name() + "(" + args(c.args()) + ")";
                }
              }
            });
  }

  static String args(List<Arg> args) {
    return args.stream()
        .map(a -> (a.isNamed() ? a.name() + "=" : "") + value(a.value()))
        .collect(Collectors.joining(", "));
  }

  public static String value(Value v) {
    if (v instanceof Value.Num n) {
      return n.text();
    }
    if (v instanceof Value.Size s) {
      return s.height() + "x" + s.width();
    }
    if (v instanceof Value.Ident i) {
      return i.name();
    }
    if (v instanceof Value.Dashed d) {
      return d.text();
    }
    if (v instanceof Value.Protocol p) {
      return p.text();
    }
    if (v instanceof Value.Str s) {
      return '"'
          + s.text()
              .replace("\\", "\\\\")
              .replace("\"", "\\\"")
              .replace("\n", "\\n")
              .replace("\t", "\\t")
          + '"';
    }
    if (v instanceof Value.Call c) {
      return c.name() + "(" + args(c.args()) + ")";
    }
    return ((Value.ListOf) v)
        .items().stream().map(Printer::value).collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * Prints an expression, putting every compound operand in parentheses so precedence never
   * matters.
   */
  public static String expr(Expr e) {
    if (e instanceof Expr.Num n) {
      return n.text();
    }
    if (e instanceof Expr.Var v) {
      return v.name();
    }
    if (e instanceof Expr.Negate n) {
      return "-" + operand(n.operand());
    }
    if (e instanceof Expr.Binary b) {
      return operand(b.left()) + " " + b.op() + " " + operand(b.right());
    }
    Expr.Call c = (Expr.Call) e;
    return c.function()
        + c.args().stream().map(Printer::expr).collect(Collectors.joining(", ", "(", ")"));
  }

  private static String operand(Expr e) {
    return e instanceof Expr.Binary || e instanceof Expr.Negate ? "(" + expr(e) + ")" : expr(e);
  }
}
