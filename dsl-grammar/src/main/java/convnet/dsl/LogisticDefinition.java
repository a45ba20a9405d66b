package convnet.dsl;

import static convnet.dsl.RandomArchitectures.P;
import static convnet.dsl.RandomArchitectures.arg;
import static convnet.dsl.RandomArchitectures.num;

import convnet.autodiff.Node;
import java.util.List;

/**
 * The classifier, {@code logistic n}: flatten, dense to n classes; the lowering adds softmax
 * cross-entropy against the labels when a loss is asked for. It must be the last layer.
 */
final class LogisticDefinition extends LayerDefinition {
  LogisticDefinition() {
    super(List.of("logistic"), List.of());
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
  String example() {
    return "logistic 3";
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    r.nameFor("logistic");
    ArgReader a = r.reader(c, List.of("classes"));
    if (!a.has("classes")) {
      a.missing("classes", "logistic 10");
    }
    int classes = a.integer("classes", 1, 1, Checker.MAX_DIM);
    if (!r.last()) {
      r.error(
          r.pos(),
          "'logistic' is the classifier and must be the last layer",
          "move it to the end of the network");
    }
    return DenseDefinition.dense(
        r, LayerKind.LOGISTIC, new LayerArgs.Logistic(classes), classes, true);
  }

  /** The logits [N, K]. */
  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    return DenseDefinition.linear(layer, x, true, lowerer);
  }

  /** {@code logistic n} with 2 to 10 classes ({@code variant} is not used). */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    int classes = g.between(2, 10);
    return g.label(
        new LayerNode.Call(
            null, "logistic", List.of(arg(null, num(classes))), LayerNode.Form.COUNT, P));
  }
}
