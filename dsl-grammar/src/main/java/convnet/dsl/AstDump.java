package convnet.dsl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A deterministic, position-free text dump of an AST, one node per line: two ASTs are equal
 * ignoring positions exactly when their dumps are equal (used by golden files and round trips).
 */
public final class AstDump {
  private AstDump() {}

  public static String dump(Program program) {
    StringBuilder out = new StringBuilder("program\n");
    for (Decl d : program.decls()) {
      if (d instanceof Decl.Fn f) {
        out.append("  fn ")
            .append(f.name())
            .append(" params=")
            .append(f.params())
            .append(" body=")
            .append(expr(f.body()))
            .append('\n');
      } else if (d instanceof Decl.Define b) {
        out.append("  define ").append(b.name()).append(" params=").append(b.params()).append('\n');
        stage(out, b.chain(), "    ");
      } else if (d instanceof Decl.Sweep w) {
        out.append("  sweep ").append(w.name()).append('\n');
        for (SweepItem item : w.items()) {
          if (item instanceof SweepItem.NetworkItem n) {
            item(out, n.item());
          } else if (item instanceof SweepItem.Setting s) {
            out.append("    setting ")
                .append(s.setting().key())
                .append(" = ")
                .append(value(s.setting().value()))
                .append('\n');
          } else {
            SweepItem.Vary v = (SweepItem.Vary) item;
            out.append("    vary ").append(v.names()).append('\n');
            for (SweepItem.Alternative a : v.alternatives()) {
              out.append("      alternative")
                  .append(a.label() == null ? "" : " label=" + a.label())
                  .append('\n');
              for (List<Stage> value : a.values()) {
                out.append("        value\n");
                for (Stage st : value) {
                  stage(out, st, "          ");
                }
              }
            }
          }
        }
      } else {
        Decl.Network n = (Decl.Network) d;
        out.append("  network ").append(n.name()).append('\n');
        for (Item item : n.items()) {
          item(out, item);
        }
      }
    }
    return out.toString();
  }

  private static void item(StringBuilder out, Item item) {
    if (item instanceof Item.Input in) {
      out.append("    input c=")
          .append(in.channels())
          .append(" h=")
          .append(in.height())
          .append(" w=")
          .append(in.width())
          .append('\n');
    } else if (item instanceof Item.StageItem s) {
      stage(out, s.stage(), "    ");
    } else {
      out.append("    train\n");
      for (Setting s : ((Item.Train) item).settings()) {
        out.append("      ").append(s.key()).append(" = ").append(value(s.value())).append('\n');
      }
    }
  }

  private static void stage(StringBuilder out, Stage stage, String indent) {
    out.append(indent).append("stage\n");
    for (LayerNode l : stage.layers()) {
      out.append(indent).append("  ").append(layer(l)).append('\n');
    }
  }

  static String layer(LayerNode layer) {
    String label = layer.label() == null ? "" : " label=" + layer.label();
    return layer.accept(
        new LayerNode.Visitor<String>() {
          @Override
          public String visitPaperConv(LayerNode.PaperConv c) {
            return "paper-conv"
                + label
                + " maps="
                + c.maps()
                + " kernel="
                + c.kernelHeight()
                + "x"
                + c.kernelWidth()
                + " squash="
                + c.squash()
                + " gain="
                + c.gain();
          }

          @Override
          public String visitPaperPool(LayerNode.PaperPool p) {
            return "paper-pool"
                + label
                + " kind="
                + (p.max() ? "max" : "average")
                + " window="
                + p.windowHeight()
                + "x"
                + p.windowWidth()
                + " stride="
                + (p.stride() > 0 ? String.valueOf(p.stride()) : "window")
                + (p.ceil() ? " round=ceil" : "");
          }

          @Override
          public String visitPaperLcn(LayerNode.PaperLcn n) {
            return "paper-lcn"
                + label
                + " window="
                + (n.windowHeight() > 0 ? n.windowHeight() + "x" + n.windowWidth() : "default");
          }

          @Override
          public String visitCall(LayerNode.Call c) {
            return "call"
                + label
                + " "
                + c.name()
                + " form="
                + c.form().name().toLowerCase(java.util.Locale.ROOT)
                + (c.args().isEmpty() ? "" : " args=" + args(c.args()));
          }
        });
  }

  private static String args(List<Arg> args) {
    return args.stream()
        .map(a -> (a.isNamed() ? a.name() + "=" : "") + value(a.value()))
        .collect(Collectors.joining(", ", "(", ")"));
  }

  static String value(Value v) {
    if (v instanceof Value.Num n) {
      return "num:" + n.text();
    }
    if (v instanceof Value.Size s) {
      return "size:" + s.height() + "x" + s.width();
    }
    if (v instanceof Value.Ident i) {
      return "ident:" + i.name();
    }
    if (v instanceof Value.Dashed d) {
      return "name:" + d.text();
    }
    if (v instanceof Value.Protocol p) {
      return "protocol:" + p.text();
    }
    if (v instanceof Value.Str s) {
      return "string:" + Printer.value(s);
    }
    if (v instanceof Value.Call c) {
      return "call:" + c.name() + args(c.args());
    }
    return ((Value.ListOf) v)
        .items().stream().map(AstDump::value).collect(Collectors.joining(", ", "list[", "]"));
  }

  static String expr(Expr e) {
    if (e instanceof Expr.Num n) {
      return n.text();
    }
    if (e instanceof Expr.Var v) {
      return v.name();
    }
    if (e instanceof Expr.Negate n) {
      return "(neg " + expr(n.operand()) + ")";
    }
    if (e instanceof Expr.Binary b) {
      return "(" + b.op() + " " + expr(b.left()) + " " + expr(b.right()) + ")";
    }
    Expr.Call c = (Expr.Call) e;
    return "("
        + c.function()
        + c.args().stream().map(a -> " " + expr(a)).collect(Collectors.joining())
        + ")";
  }
}
