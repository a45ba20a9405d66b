package convnet.compiler;

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
 * Rewrites LOG_SOFTMAX into the primitives the backend fuses: m = max(x) and s = Σ exp(x − m) along the axis
 * (two reduce kernels), then x − m − log s, which is elementwise and fuses into its consumers. This is the
 * same stable formula the interpreter evaluates.
 */
final class ExpandComposites {
    private ExpandComposites() {
    }

    static Graph apply(Graph graph) {
        boolean any = graph.nodes().stream().anyMatch(n -> n.kind() == OpKind.LOG_SOFTMAX);
        if (!any) {
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
            if (n.kind() == OpKind.LOG_SOFTMAX) {
                int axis = ((convnet.autodiff.Attrs.Axis) n.attrs()).axis();
                Node x = inputs.get(0);
                Node max = b.reduceMax(x, List.of(axis), true);
                Node shifted = b.sub(x, max);
                Node sum = b.sum(b.exp(shifted), List.of(axis), true);
                replaced = b.sub(shifted, b.log(sum));
                if (!replaced.shape().equals(n.shape())) {
                    throw new IllegalStateException("log softmax expansion changed the shape " + n.shape() + " to "
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
