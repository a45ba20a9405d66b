package convnet.dsl;

import static convnet.dsl.RandomArchitectures.P;
import static convnet.dsl.RandomArchitectures.arg;
import static convnet.dsl.RandomArchitectures.num;

import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A fully connected layer, {@code dense(units, bias)}: y = x·Wᵀ + b on the input flattened in
 * channel, row, column order.
 */
final class DenseDefinition extends LayerDefinition {
  DenseDefinition() {
    super(List.of("dense"), List.of());
  }

  @Override
  boolean keepsShape() {
    return false;
  }

  @Override
  public SpatialWindow spatialWindow(Layer layer) {
    return null;
  }

  @Override
  Units units() {
    return Units.WEIGHTED;
  }

  @Override
  String example() {
    return "dense(6)";
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    r.nameFor("dense");
    ArgReader a = r.reader(c, List.of("units", "bias"));
    if (!a.has("units")) {
      a.missing("units", "dense(256)");
    }
    int units = a.integer("units", 1, 1, Checker.MAX_DIM);
    boolean bias = a.bool("bias", true);
    return dense(r, LayerKind.DENSE, new LayerArgs.Dense(units, bias), units, bias);
  }

  /**
   * The dense layer or the classifier: [units, fan-in] weight, optional [units] bias, output units
   * x 1 x 1.
   */
  static Layer dense(LayerResolver r, LayerKind kind, LayerArgs args, int units, boolean bias) {
    MapShape in = r.in();
    if (r.failed() || in == null) {
      return null;
    }
    long fanIn = in.size();
    List<ParamSpec> specs = new ArrayList<>();
    if (fanIn > Integer.MAX_VALUE) {
      r.error(r.pos(), "input " + in + " is too large to flatten", null);
      return null;
    }
    String name = r.name();
    ParamSpec weight = ParamSpec.weight(name + ".weight", List.of(units, (int) fanIn));
    specs.add(weight);
    if (bias) {
      specs.add(ParamSpec.bias(name + ".bias", weight));
    }
    long params = r.mul(units, fanIn) + (bias ? units : 0);
    MapShape o = new MapShape(units, 1, 1);
    return r.layer(kind, args, o, params, units, r.mul(units, fanIn), specs);
  }

  /** The result is [N, units, 1, 1]. */
  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    Node y = linear(layer, x, ((LayerArgs.Dense) layer.args()).bias(), lowerer);
    return lowerer.graph().reshape(y, Shape.of(lowerer.batch(), y.shape().dim(1), 1, 1));
  }

  /** y = x·Wᵀ + b on x flattened to [N, fan-in]: [N, units]. */
  static Node linear(Layer layer, Node x, boolean bias, Lowerer lowerer) {
    GraphBuilder b = lowerer.graph();
    Shape s = x.shape();
    int fanIn = s.dim(1) * s.dim(2) * s.dim(3);
    int units = layer.output().channels();
    Node flat = b.reshape(x, Shape.of(lowerer.batch(), fanIn));
    Node y =
        b.matmul(flat, b.transpose(lowerer.param(layer.name() + ".weight", units, fanIn), 1, 0));
    if (bias) {
      y = b.add(y, lowerer.param(layer.name() + ".bias", units));
    }
    return y;
  }

  /** {@code dense(n)} or {@code dense n} ({@code variant} is not used), 2 to 12 units. */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    int units = g.between(2, 12);
    LayerNode node =
        g.label(
            g.chance(0.5)
                ? new LayerNode.Call(
                    null, "dense", List.of(arg(null, num(units))), LayerNode.Form.PARENS, P)
                : new LayerNode.Call(
                    null, "dense", List.of(arg(null, num(units))), LayerNode.Form.COUNT, P));
    g.channels = units;
    g.height = 1;
    g.width = 1;
    return node;
  }
}
