package convnet.dsl;

import static convnet.dsl.RandomArchitectures.P;
import static convnet.dsl.RandomArchitectures.arg;
import static convnet.dsl.RandomArchitectures.num;

import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import java.util.List;

/**
 * Krizhevsky's local response normalization across neighbouring maps, {@code lrn(size, alpha, beta,
 * k)}; shape kept.
 */
final class LrnDefinition extends LayerDefinition {
  LrnDefinition() {
    super(List.of("lrn"), List.of());
  }

  @Override
  String example() {
    return "lrn(size=3)";
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    r.nameFor("lrn");
    ArgReader a = r.reader(c, List.of("size", "alpha", "beta", "k"));
    int size = a.integer("size", 5, 1, Checker.MAX_DIM);
    double alpha =
        a.realWithReason(
            "alpha",
            1e-4,
            0,
            1e6,
            true,
            "alpha scales the sum of squares: not negative" + " (AlexNet's is 1e-4)");
    double beta =
        a.realWithReason(
            "beta",
            0.75,
            0,
            1e6,
            true,
            "beta is the divisor's exponent: not negative" + " (AlexNet's is 0.75)");
    // k = 0 divides by zero wherever every map is 0 (after a relu, often): (k + α·Σx²)^β = 0.
    double k =
        a.realWithReason(
            "k",
            2.0,
            1e-6,
            1e6,
            true,
            "k keeps the divisor (k + alpha*sum x^2)^beta above 0;" + " AlexNet's is 2");
    MapShape in = r.in();
    if (in != null && !r.failed()) {
      return r.shaped(
          LayerKind.LRN, new LayerArgs.Lrn(size, alpha, beta, k), 0, r.mul(in.size(), size));
    }
    return null;
  }

  /**
   * PyTorch's LocalResponseNorm: y_c = x_c / (k + α/n Σ_{c'} x_{c'}²)^β over the n maps c − n/2 … c
   * + (n−1)/2 (zeros beyond the edges), written as zero padding plus shifted slices.
   */
  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    GraphBuilder b = lowerer.graph();
    LayerArgs.Lrn a = (LayerArgs.Lrn) layer.args();
    Shape s = x.shape();
    int n = a.size();
    int before = n / 2;
    Node sq = b.pad(b.square(x), List.of(0, before, 0, 0), List.of(0, n - 1 - before, 0, 0));
    Node sum = null;
    for (int j = 0; j < n; j++) {
      Node part = b.sliceAxis(sq, 1, j, j + s.dim(1));
      sum = sum == null ? part : b.add(sum, part);
    }
    return b.div(x, b.pow(b.add(b.mul(sum, a.alpha() / n), a.k()), a.beta()));
  }

  /**
   * {@code lrn} or {@code lrn(size=3, alpha=1e-4, beta=0.75, k=2)} ({@code variant} is not used).
   */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    return g.label(
        g.chance(0.5)
            ? RandomArchitectures.bare("lrn")
            : new LayerNode.Call(
                null,
                "lrn",
                List.of(
                    arg("size", num(3)),
                    arg("alpha", new Value.Num("1e-4", P)),
                    arg("beta", new Value.Num("0.75", P)),
                    arg("k", num(2))),
                LayerNode.Form.PARENS,
                P));
  }
}
