package convnet.dsl;

import static convnet.dsl.RandomArchitectures.P;
import static convnet.dsl.RandomArchitectures.arg;
import static convnet.dsl.RandomArchitectures.size;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import java.util.List;

/**
 * Local contrast normalization: paper {@code N} / {@code Nhxw} and {@code lcn(window, sigma)}, a
 * subtractive then divisive normalization over a Gaussian window across all maps; shape kept.
 */
final class LcnDefinition extends LayerDefinition {
  LcnDefinition() {
    super(List.of("lcn"), List.of("N"));
  }

  @Override
  public SpatialWindow spatialWindow(Layer layer) {
    LayerArgs.Lcn n = (LayerArgs.Lcn) layer.args();
    return SpatialWindow.centred(n.windowHeight(), n.windowWidth());
  }

  @Override
  String example() {
    return "lcn(5x5)";
  }

  @Override
  Layer resolvePaperLcn(LayerResolver r, LayerNode.PaperLcn n) {
    r.nameFor("lcn");
    int h = n.windowHeight() > 0 ? n.windowHeight() : 9;
    int w = n.windowWidth() > 0 ? n.windowWidth() : 9;
    if (n.windowHeight() == 0 && n.windowWidth() != 0
        || n.windowWidth() == 0 && n.windowHeight() != 0) {
      r.error(r.pos(), "normalization window has a zero size", null);
      return null;
    }
    return lcn(r, h, w, h / 4.0, w / 4.0, r.pos());
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    r.nameFor("lcn");
    ArgReader a = r.reader(c, List.of("window", "sigma"));
    int[] w = a.size("window", new int[] {9, 9}, Checker.MAX_DIM);
    double sigma =
        a.realWithReason(
            "sigma",
            Double.NaN,
            1e-6,
            1e6,
            true,
            "the Gaussian's standard deviation, in" + " pixels: above 0 (the default is window/4)");
    return lcn(
        r,
        w[0],
        w[1],
        Double.isNaN(sigma) ? w[0] / 4.0 : sigma,
        Double.isNaN(sigma) ? w[1] / 4.0 : sigma,
        a.posOf("window"));
  }

  private static Layer lcn(
      LayerResolver r, int h, int w, double sh, double sw, SourcePos windowPos) {
    MapShape in = r.in();
    if (r.failed() || in == null) {
      return null;
    }
    // Centred on a position, a window reaches at most n-1 places either side; rows beyond 2n-1
    // lie in the zero padding from every position and only dilute the weights (lcn(99999) divides
    // by ~0).
    if (h > 2L * in.height() - 1 || w > 2L * in.width() - 1) {
      r.error(
          windowPos,
          "normalization window "
              + h
              + "x"
              + w
              + " is larger than its input maps allow: at most "
              + (2 * in.height() - 1)
              + "x"
              + (2 * in.width() - 1)
              + " for maps of "
              + in.height()
              + "x"
              + in.width()
              + " (input "
              + in
              + ")",
          "a centred window wider than 2n-1 reaches only zero padding; the paper's window is"
              + " 9x9 (N or lcn(9x9))");
      return null;
    }
    // Two weighted sums over all maps at every position: the local mean and the local deviation.
    long connections = r.mul(r.mul(2L * in.height() * in.width(), in.channels()), (long) h * w);
    return r.layer(
        LayerKind.LCN, new LayerArgs.Lcn(h, w, sh, sw), in, 0, 0, connections, List.of());
  }

  /**
   * v = x − w ⋆ x, σ = (w ⋆ v² + ε)^½, c = mean of σ over one sample's positions, y = v / max(c,
   * σ); w sums over all maps, zero padding centred ((h−1)/2 before, h/2 after, so even windows work
   * too). The gradient flows through c as through σ. ε ({@link LayerArgs.Lcn#EPSILON}) keeps σ's
   * derivative finite where a window is all zeros (d√s/ds is infinite at 0, which would make every
   * gradient NaN).
   */
  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    GraphBuilder b = lowerer.graph();
    LayerArgs.Lcn a = (LayerArgs.Lcn) layer.args();
    int maps = x.shape().dim(1);
    int h = a.windowHeight();
    int w = a.windowWidth();
    Node window = b.constant(LayerArgs.Lcn.window(maps, h, w, a.sigmaHeight(), a.sigmaWidth()));
    Node mean = localSum(b, x, window, h, w);
    Node v = b.sub(x, mean);
    Node sigma = b.sqrt(b.add(localSum(b, b.square(v), window, h, w), LayerArgs.Lcn.EPSILON));
    Node c = b.mean(sigma, List.of(1, 2, 3), true);
    return b.div(v, b.max(c, sigma));
  }

  /** Σ_ipq w_pq t_{i, j+p, k+q} with the window centred and zero padding: [N, 1, H, W]. */
  private static Node localSum(GraphBuilder b, Node t, Node window, int h, int w) {
    int top = (h - 1) / 2;
    int left = (w - 1) / 2;
    if (h % 2 == 1 && w % 2 == 1) {
      return b.conv2d(t, window, new Attrs.Conv(1, 1, top, left, 1));
    }
    Node padded = b.pad(t, List.of(0, 0, top, left), List.of(0, 0, h - 1 - top, w - 1 - left));
    return b.conv2d(padded, window, Attrs.Conv.simple());
  }

  /**
   * Paper {@code N}, {@code Nkxk} or {@code lcn(kxk, sigma=1.5)}, the window fitting the current
   * maps ({@code variant} is not used).
   */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    // A window may reach at most n-1 places either side of a position: 2n-1 in all.
    int widest = 2 * Math.min(g.height, g.width) - 1;
    if (g.chance(0.5)) {
      return g.label(
          widest >= 9
              ? new LayerNode.PaperLcn(null, 0, 0, P)
              : new LayerNode.PaperLcn(null, widest, widest, P));
    }
    int w = Math.min(widest, 2 * g.between(0, 2) + 1);
    return g.chance(0.5)
        ? g.label(new LayerNode.PaperLcn(null, w, w, P))
        : g.label(
            new LayerNode.Call(
                null,
                "lcn",
                List.of(arg("window", size(w, w)), arg("sigma", new Value.Num("1.5", P))),
                LayerNode.Form.PARENS,
                P));
  }
}
