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
 * same stable formula the interpreter evaluates. Also rewrites the transpose of a matrix product read by nothing
 * else, (A·B)ᵀ = Bᵀ·Aᵀ, so that the transposes fold into the product's operands instead of costing a copy (the
 * gradient of a dense layer's [out, in] weight has this form).
 */
final class ExpandComposites {
    private ExpandComposites() {
    }

    static Graph apply(Graph graph) {
        Map<Node, Integer> uses = new IdentityHashMap<>();
        for (Node n : graph.nodes()) {
            for (Node in : n.inputs()) {
                uses.merge(in, 1, Integer::sum);
            }
        }
        for (Node out : graph.outputs().values()) {
            uses.merge(out, 1, Integer::sum);
        }
        boolean any = graph.nodes().stream().anyMatch(n -> n.kind() == OpKind.LOG_SOFTMAX || isTransposedProduct(n, uses));
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
            } else if (isTransposedProduct(n, uses)) {
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
        return n.kind() == OpKind.TRANSPOSE && n.shape().rank() == 2 && n.input(0).kind() == OpKind.MATMUL
                && uses.getOrDefault(n.input(0), 0) == 1;
    }

    /** xᵀ, unwrapping a transpose instead of stacking a second one. */
    private static Node transposed(GraphBuilder b, Node x) {
        return x.kind() == OpKind.TRANSPOSE ? x.input(0) : b.transpose(x, 1, 0);
    }
}
