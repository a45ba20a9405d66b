package convnet.autodiff.rewrite;

import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates (in double precision) every op whose inputs are all constants. Broadcasts are never
 * folded, and no result larger than both {@value #SMALL} elements and its inputs together: a
 * broadcast scalar stays one value (a register for compiled code) rather than becoming a constant
 * array in memory.
 */
public final class FoldConstants implements Pass {
  static final int SMALL = 4096;

  @Override
  public String name() {
    return "fold-constants";
  }

  @Override
  public Graph apply(Graph graph) {
    return Rewriter.rewrite(graph, List.of(FoldConstants::fold));
  }

  static Optional<Node> fold(Node n, GraphBuilder b) {
    if (n.kind().isLeaf() || n.kind() == OpKind.BROADCAST) {
      return Optional.empty();
    }
    long inputSize = 0;
    List<Tensor> values = new ArrayList<>();
    for (Node in : n.inputs()) {
      if (in.kind() != OpKind.CONSTANT) {
        return Optional.empty();
      }
      values.add(in.constantValue());
      inputSize += in.shape().size();
    }
    if (n.shape().size() > Math.max(SMALL, inputSize)) {
      return Optional.empty();
    }
    return Optional.of(b.constant(n.kind().rule().eval(values, n.attrs(), n.shape())));
  }
}
