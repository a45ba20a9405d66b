package convnet.autodiff.rewrite;

import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.ops.Fusion;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces every node of a {@link Fusion#COMPOSITE} op by the op's own decomposition into other ops
 * (log softmax into two reductions and elementwise math), so that code generators see only ops they
 * fuse or call.
 */
public final class DecomposeComposites implements Pass {
  @Override
  public String name() {
    return "decompose-composites";
  }

  @Override
  public Graph apply(Graph graph) {
    if (graph.nodes().stream().noneMatch(n -> n.kind().rule().fusion() == Fusion.COMPOSITE)) {
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
      if (n.kind().rule().fusion() == Fusion.COMPOSITE) {
        replaced = n.kind().rule().decompose(n, inputs, b);
        if (!replaced.shape().equals(n.shape())) {
          throw new IllegalStateException(
              "the decomposition of "
                  + n
                  + " changed its shape "
                  + n.shape()
                  + " to "
                  + replaced.shape());
        }
      } else {
        replaced = b.node(n.kind(), n.attrs(), inputs, n.provenance());
      }
      copy.put(n, replaced);
    }
    Map<String, Node> outputs = new LinkedHashMap<>();
    graph.outputs().forEach((name, node) -> outputs.put(name, copy.get(node)));
    return Graph.of(outputs);
  }
}
