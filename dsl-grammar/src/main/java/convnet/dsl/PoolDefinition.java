package convnet.dsl;

import static convnet.dsl.RandomArchitectures.P;
import static convnet.dsl.RandomArchitectures.arg;
import static convnet.dsl.RandomArchitectures.num;
import static convnet.dsl.RandomArchitectures.size;

import convnet.autodiff.Attrs;
import convnet.autodiff.Node;
import convnet.autodiff.ops.Windows;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Average or max pooling: paper {@code PAhxw[/s][c]} / {@code PMhxw[/s][c]} and {@code
 * avgpool(window, stride, pad, round)} / {@code maxpool(...)}; maps kept, each subsampled.
 */
final class PoolDefinition extends LayerDefinition {
  private final boolean max;

  PoolDefinition(boolean max) {
    super(List.of(max ? "maxpool" : "avgpool"), List.of());
    this.max = max;
  }

  @Override
  public SpatialWindow spatialWindow(Layer layer) {
    LayerArgs.Pool p = (LayerArgs.Pool) layer.args();
    return new SpatialWindow(
        p.windowHeight(),
        p.windowWidth(),
        p.strideHeight(),
        p.strideWidth(),
        p.padHeight(),
        p.padWidth());
  }

  @Override
  boolean keepsShape() {
    return false;
  }

  @Override
  String example() {
    return max ? "maxpool(3x3, stride=2, round=ceil)" : "avgpool(2x2)";
  }

  @Override
  Layer resolvePaperPool(LayerResolver r, LayerNode.PaperPool p) {
    r.nameFor(keywords().get(0));
    int s = p.stride() > 0 ? p.stride() : 0;
    if (p.windowHeight() < 1 || p.windowWidth() < 1) {
      r.error(
          r.pos(),
          "pooling window " + p.windowHeight() + "x" + p.windowWidth() + " has a zero size",
          null);
      return null;
    }
    return pool(
        r,
        new int[] {p.windowHeight(), p.windowWidth()},
        s > 0 ? new int[] {s, s} : new int[] {p.windowHeight(), p.windowWidth()},
        new int[] {0, 0},
        p.ceil());
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    String kw = c.name();
    r.nameFor(kw);
    ArgReader a = r.reader(c, List.of("window", "stride", "pad", "round"));
    if (!a.has("window")) {
      a.missing("window", kw + "(3x3, stride=2)");
    }
    int[] window = a.size("window", new int[] {1, 1}, Checker.MAX_DIM);
    int[] stride = a.size("stride", window, Checker.MAX_DIM);
    int[] pad = a.padding("pad");
    boolean ceil = a.word("round", "floor", Set.of("floor", "ceil")).equals("ceil");
    if (pad[0] > window[0] / 2 || pad[1] > window[1] / 2) {
      r.error(
          a.posOf("pad"),
          "pad "
              + pad[0]
              + "x"
              + pad[1]
              + " of '"
              + kw
              + "' is more than half the window "
              + window[0]
              + "x"
              + window[1],
          "a window must overlap the input; use pad <= window/2");
    }
    return pool(r, window, stride, pad, ceil);
  }

  private Layer pool(LayerResolver r, int[] window, int[] stride, int[] pad, boolean ceil) {
    MapShape in = r.in();
    if (r.failed() || in == null) {
      return null;
    }
    int oh = r.outSize("window", window[0], in.height(), stride[0], pad[0], ceil, "height");
    int ow =
        oh < 1 ? 0 : r.outSize("window", window[1], in.width(), stride[1], pad[1], ceil, "width");
    if (oh < 1 || ow < 1) {
      return null;
    }
    if (!ceil) {
      uncovered(r, window, stride, pad, 0, in.height(), "row");
      uncovered(r, window, stride, pad, 1, in.width(), "column");
    }
    MapShape o = new MapShape(in.channels(), oh, ow);
    long connections = max ? 0 : r.mul(o.size(), (long) window[0] * window[1]);
    return r.layer(
        max ? LayerKind.MAXPOOL : LayerKind.AVGPOOL,
        new LayerArgs.Pool(window[0], window[1], stride[0], stride[1], pad[0], pad[1], ceil),
        o,
        0,
        0,
        connections,
        List.of());
  }

  private void uncovered(
      LayerResolver r, int[] windows, int[] strides, int[] pads, int axis, int n, String what) {
    int window = windows[axis];
    int stride = strides[axis];
    int pad = pads[axis];
    long left = ((long) n + 2L * pad - window) % stride;
    if (left != 0) {
      r.warning(
          r.pos(),
          "pooling window "
              + window
              + " with stride "
              + stride
              + " leaves the last "
              + left
              + " "
              + what
              + (left == 1 ? "" : "s")
              + " of "
              + (n + 2 * pad)
              + " uncovered under floor rounding",
          "round up to cover them: write "
              + ceilForm(r.node(), windows, strides, pads)
              + " if those "
              + what
              + "s matter");
    }
  }

  /**
   * This pooling layer written with ceil rounding, in the form the file used (paper token or
   * keyword).
   */
  private String ceilForm(LayerNode node, int[] window, int[] stride, int[] pad) {
    String size = window[0] + "x" + window[1];
    return node.accept(
        new LayerNode.Visitor<String>() {
          @Override
          public String visitPaperPool(LayerNode.PaperPool p) {
            return (max ? "PM" : "PA") + size + (p.stride() > 0 ? "/" + p.stride() : "") + "c";
          }

          @Override
          public String visitCall(LayerNode.Call call) {
            boolean ownStride = stride[0] != window[0] || stride[1] != window[1];
            String strideText =
                stride[0] == stride[1] ? String.valueOf(stride[0]) : stride[0] + "x" + stride[1];
            String padText = pad[0] == pad[1] ? String.valueOf(pad[0]) : pad[0] + "x" + pad[1];
            return (max ? "maxpool(" : "avgpool(")
                + size
                + (ownStride ? ", stride=" + strideText : "")
                + (pad[0] != 0 || pad[1] != 0 ? ", pad=" + padText : "")
                + ", round=ceil)";
          }

          @Override
          public String visitPaperConv(LayerNode.PaperConv conv) {
            throw new IllegalStateException("a paper filter bank resolved as pooling");
          }

          @Override
          public String visitPaperLcn(LayerNode.PaperLcn lcn) {
            throw new IllegalStateException("a paper normalization resolved as pooling");
          }
        });
  }

  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    LayerArgs.Pool p = (LayerArgs.Pool) layer.args();
    Attrs.Pool attrs =
        new Attrs.Pool(
            p.windowHeight(),
            p.windowWidth(),
            p.strideHeight(),
            p.strideWidth(),
            p.padHeight(),
            p.padWidth(),
            p.ceil());
    return max ? lowerer.graph().maxPool(x, attrs) : lowerer.graph().avgPool(x, attrs);
  }

  /**
   * A 2x2 or 3x3 window that fits the current maps, paper or keyword notation, average or max
   * whichever definition is asked (the draw picks; {@code variant} is not used); null when the maps
   * are too small to pool.
   */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    int window = Math.min(g.height, Math.min(g.width, g.between(2, 3)));
    if (window < 2) {
      return null;
    }
    boolean drawnMax = g.chance(0.5);
    if (g.chance(0.5)) {
      int stride = g.chance(0.5) ? 0 : g.between(1, window);
      g.height = Windows.pooledSize(g.height, window, stride == 0 ? window : stride, 0, false);
      g.width = Windows.pooledSize(g.width, window, stride == 0 ? window : stride, 0, false);
      return g.label(new LayerNode.PaperPool(null, drawnMax, window, window, stride, P));
    }
    int stride = g.between(1, window);
    boolean ceil = g.chance(0.5);
    g.height = pooled(g.height, window, stride, ceil);
    g.width = pooled(g.width, window, stride, ceil);
    List<Arg> args =
        new ArrayList<>(List.of(arg(null, size(window, window)), arg("stride", num(stride))));
    if (ceil) {
      args.add(arg("round", new Value.Ident("ceil", P)));
    }
    return g.label(
        new LayerNode.Call(null, drawnMax ? "maxpool" : "avgpool", args, LayerNode.Form.PARENS, P));
  }

  private static int pooled(int n, int window, int stride, boolean ceil) {
    return Windows.pooledSize(n, window, stride, 0, ceil);
  }
}
