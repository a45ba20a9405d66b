package convnet.autodiff.rewrite;

import convnet.autodiff.Graph;
import java.util.List;

/**
 * Merges structurally equal nodes (for graphs whose nodes were not all built by one hash-consing
 * builder).
 */
public final class EliminateCommonSubexpressions implements Pass {
  @Override
  public String name() {
    return "eliminate-common-subexpressions";
  }

  @Override
  public Graph apply(Graph graph) {
    return Rewriter.rewrite(graph, List.of());
  }
}
