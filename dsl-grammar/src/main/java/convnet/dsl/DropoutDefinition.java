package convnet.dsl;

import static convnet.dsl.RandomArchitectures.P;
import static convnet.dsl.RandomArchitectures.arg;

import convnet.autodiff.Node;
import java.util.List;

/**
 * Dropout, {@code dropout(p)}: x times a mask drawn by the trainer (0 or 1/(1−p)) in training, the
 * identity at inference.
 */
final class DropoutDefinition extends LayerDefinition {
  DropoutDefinition() {
    super(List.of("dropout"), List.of());
  }

  @Override
  Units units() {
    return Units.TRANSPARENT;
  }

  @Override
  String example() {
    return "dropout(0.5)";
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    r.nameFor("dropout");
    ArgReader a = r.reader(c, List.of("p"));
    double p =
        a.realWithReason(
            "p",
            0.5,
            0.0,
            1.0,
            false,
            "p is the probability of dropping a unit: at 1 every unit"
                + " is dropped and nothing reaches the next layer");
    return r.shaped(LayerKind.DROPOUT, new LayerArgs.Dropout(p), 0, 0);
  }

  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    if (!lowerer.training()) {
      return x;
    }
    return lowerer
        .graph()
        .mul(x, lowerer.graph().input(LayerArgs.Dropout.maskName(layer.name()), x.shape()));
  }

  /** {@code variant} 0: {@code dropout(p=0.5)}, perhaps named; 1: {@code dropout(0.25)}. */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    if (variant == 1) {
      return new LayerNode.Call(
          null, "dropout", List.of(arg(null, new Value.Num("0.25", P))), LayerNode.Form.PARENS, P);
    }
    return g.label(
        new LayerNode.Call(
            null, "dropout", List.of(arg("p", new Value.Num("0.5", P))), LayerNode.Form.PARENS, P));
  }
}
