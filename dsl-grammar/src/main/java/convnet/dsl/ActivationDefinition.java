package convnet.dsl;

import convnet.autodiff.Node;
import java.util.List;

/**
 * A built-in elementwise nonlinearity without arguments: {@code abs}/{@code Rabs}, {@code
 * relu}/{@code Rpos}, {@code tanh}, {@code sigmoid}.
 */
final class ActivationDefinition extends LayerDefinition {
  private final Activation activation;

  ActivationDefinition(Activation activation, String... keywords) {
    super(List.of(keywords), List.of());
    this.activation = activation;
  }

  @Override
  Units units() {
    return Units.NONLINEARITY;
  }

  @Override
  String example() {
    return keywords().get(keywords().size() - 1);
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    r.nameFor(keywords().get(0));
    if (!c.args().isEmpty()) {
      r.error(c.args().get(0).pos(), "'" + c.name() + "' takes no arguments", null);
      return null;
    }
    MapShape in = r.in();
    return r.shaped(
        LayerKind.valueOf(activation.name()), new LayerArgs.None(), in == null ? 0 : in.size(), 0);
  }

  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    return activation.apply(lowerer.graph(), x);
  }

  /** Written with its verbose keyword ({@code variant} is not used). */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    return RandomArchitectures.bare(keywords().get(0));
  }
}
