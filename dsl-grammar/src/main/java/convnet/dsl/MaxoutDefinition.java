package convnet.dsl;

import static convnet.dsl.RandomArchitectures.P;
import static convnet.dsl.RandomArchitectures.arg;
import static convnet.dsl.RandomArchitectures.num;

import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import java.util.List;

/** Maxout, {@code maxout(pieces)}: the maximum over groups of {@code pieces} consecutive maps. */
final class MaxoutDefinition extends LayerDefinition {
  MaxoutDefinition() {
    super(List.of("maxout"), List.of());
  }

  @Override
  boolean keepsShape() {
    return false;
  }

  @Override
  Units units() {
    return Units.NONLINEARITY;
  }

  @Override
  String example() {
    return "maxout(pieces=2)";
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    r.nameFor("maxout");
    ArgReader a = r.reader(c, List.of("pieces"));
    int pieces = a.integer("pieces", 2, 1, Checker.MAX_DIM);
    MapShape in = r.in();
    if (r.failed() || in == null) {
      return null;
    }
    if (in.channels() % pieces != 0) {
      r.error(
          r.pos(),
          "maxout with "
              + pieces
              + " pieces needs a number of maps divisible by "
              + pieces
              + ", but its"
              + " input "
              + in
              + " has "
              + in.channels(),
          "make the layer before produce a multiple of " + pieces + " maps");
      return null;
    }
    MapShape o = new MapShape(in.channels() / pieces, in.height(), in.width());
    return r.layer(LayerKind.MAXOUT, new LayerArgs.Maxout(pieces), o, 0, o.size(), 0, List.of());
  }

  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    int pieces = ((LayerArgs.Maxout) layer.args()).pieces();
    Shape s = x.shape();
    Node grouped =
        lowerer
            .graph()
            .reshape(x, Shape.of(s.dim(0), s.dim(1) / pieces, pieces, s.dim(2), s.dim(3)));
    return lowerer.graph().reduceMax(grouped, List.of(2), false);
  }

  /** {@code maxout(pieces=2)} when the maps are even, else null ({@code variant} is not used). */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    if (g.channels % 2 != 0) {
      return null;
    }
    g.channels /= 2;
    return g.label(
        new LayerNode.Call(
            null, "maxout", List.of(arg("pieces", num(2))), LayerNode.Form.PARENS, P));
  }
}
