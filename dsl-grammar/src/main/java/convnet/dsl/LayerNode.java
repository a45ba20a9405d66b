package convnet.dsl;

import java.util.List;

/**
 * One layer as written: paper notation decoded into its parts, or a keyword with arguments. The
 * label is the name the file gives the layer ({@code conv1: 96F11x11C}), or null.
 */
public sealed interface LayerNode {
  /**
   * The name of a placeholder for a layer whose word did not decode; only lenient parsing makes
   * one, so that checking can report the file's other errors ({@link DslParser#parse} never does).
   */
  String INVALID = "?";

  static LayerNode invalid(SourcePos pos) {
    return new Call(null, INVALID, List.of(), Form.BARE, pos);
  }

  String label();

  SourcePos pos();

  /** Calls the method of {@code visitor} for this node's form. */
  <R> R accept(Visitor<R> visitor);

  /** This node with label {@code label} (null: unnamed). */
  LayerNode withLabel(String label);

  /**
   * One method per form of a layer as written, so code that handles every form says so once and a
   * new form fails to compile wherever it is not handled.
   */
  interface Visitor<R> {
    R visitPaperConv(PaperConv conv);

    R visitPaperPool(PaperPool pool);

    R visitPaperLcn(PaperLcn lcn);

    R visitCall(Call call);
  }

  /** {@code nFhxwC}, {@code nFhxwCS} (adds tanh) or {@code nFhxwCSG} (adds a gain per map). */
  record PaperConv(
      String label,
      int maps,
      int kernelHeight,
      int kernelWidth,
      boolean squash,
      boolean gain,
      SourcePos pos)
      implements LayerNode {
    public PaperConv {
      if (gain && !squash) {
        throw new IllegalArgumentException("paper notation has CSG but no CG");
      }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitPaperConv(this);
    }

    @Override
    public PaperConv withLabel(String label) {
      return new PaperConv(label, maps, kernelHeight, kernelWidth, squash, gain, pos);
    }
  }

  /**
   * {@code PAhxw[/s][c]} (average) or {@code PMhxw[/s][c]} (max); stride 0 means "the window"; a
   * trailing {@code c} rounds the output size up (ceil), as {@code round=ceil} does.
   */
  record PaperPool(
      String label,
      boolean max,
      int windowHeight,
      int windowWidth,
      int stride,
      boolean ceil,
      SourcePos pos)
      implements LayerNode {
    /** Floor rounding, the paper's (and the default). */
    public PaperPool(
        String label, boolean max, int windowHeight, int windowWidth, int stride, SourcePos pos) {
      this(label, max, windowHeight, windowWidth, stride, false, pos);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitPaperPool(this);
    }

    @Override
    public PaperPool withLabel(String label) {
      return new PaperPool(label, max, windowHeight, windowWidth, stride, ceil, pos);
    }
  }

  /** {@code N} or {@code Nhxw}; a window of 0x0 means the default. */
  record PaperLcn(String label, int windowHeight, int windowWidth, SourcePos pos)
      implements LayerNode {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitPaperLcn(this);
    }

    @Override
    public PaperLcn withLabel(String label) {
      return new PaperLcn(label, windowHeight, windowWidth, pos);
    }
  }

  /**
   * A keyword, possibly with arguments: {@code Rabs}, {@code relu}, {@code conv(maps=96, ...)},
   * {@code logistic 10}, a user function or a block.
   */
  record Call(String label, String name, List<Arg> args, Form form, SourcePos pos)
      implements LayerNode {
    public Call {
      args = List.copyOf(args);
      if (form == Form.BARE && !args.isEmpty()) {
        throw new IllegalArgumentException("a bare layer has no arguments");
      }
      if (form == Form.COUNT
          && (args.size() != 1
              || args.get(0).isNamed()
              || !(args.get(0).value() instanceof Value.Num))) {
        throw new IllegalArgumentException("a counted layer has exactly one positional number");
      }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitCall(this);
    }

    @Override
    public Call withLabel(String label) {
      return new Call(label, name, args, form, pos);
    }
  }

  /** How a {@link Call} was written. */
  enum Form {
    /** {@code relu}. */
    BARE,
    /** {@code logistic 10}. */
    COUNT,
    /** {@code conv(...)}. */
    PARENS
  }
}
