package convnet.autodiff.rewrite;

import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites the transpose of a matrix product read by nothing else, (A·B)ᵀ = Bᵀ·Aᵀ, so that the
 * transposes fold into the product's operands (a code generator reads them in place) instead of
 * costing a copy; the gradient of a dense layer's [out, in] weight has this form.
 */
public final class FlipTransposedProducts implements Pass {
  @Override
  public String name() {
    return "flip-transposed-products";
  }

  @Override
  public Graph apply(Graph graph) {
    Map<Node, Integer> uses = new IdentityHashMap<>();
    for (Node n : graph.nodes()) {
      for (Node in : n.inputs()) {
        uses.merge(in, 1, Integer::sum);
      }
    }
    for (Node out : graph.outputs().values()) {
      uses.merge(out, 1, Integer::sum);
    }
    if (graph.nodes().stream().noneMatch(n -> isTransposedProduct(n, uses))) {
      return graph;
    }
    GraphBuilder b = new GraphBuilder();
    Map<Node, Node> copy = new IdentityHashMap<>();
    for (Node n : graph.nodes()) {
      List<Node> inputs = new ArrayList<>(n.inputs().size());
      for (Node in : n.inputs()) {
        inputs.add(copy.get(in));
      }
      b.setProvenance(n.provenance());
      Node replaced;
      if (isTransposedProduct(n, uses)) {
        Node product = inputs.get(0);
        replaced = b.matmul(transposed(b, product.input(1)), transposed(b, product.input(0)));
      } else {
        replaced = b.node(n.kind(), n.attrs(), inputs, n.provenance());
      }
      copy.put(n, replaced);
    }
    Map<String, Node> outputs = new LinkedHashMap<>();
    graph.outputs().forEach((name, node) -> outputs.put(name, copy.get(node)));
    return Graph.of(outputs);
  }

  private static boolean isTransposedProduct(Node n, Map<Node, Integer> uses) {
    return n.kind() == OpKind.TRANSPOSE
        && n.shape().rank() == 2
        && n.input(0).kind() == OpKind.MATMUL
        && uses.getOrDefault(n.input(0), 0) == 1;
  }

  /** xᵀ, unwrapping a transpose instead of stacking a second one. */
  private static Node transposed(GraphBuilder b, Node x) {
    return x.kind() == OpKind.TRANSPOSE ? x.input(0) : b.transpose(x, 1, 0);
  }
}
