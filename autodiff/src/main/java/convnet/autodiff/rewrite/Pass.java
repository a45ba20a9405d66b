package convnet.autodiff.rewrite;

import convnet.autodiff.Graph;

/**
 * A pure graph-to-graph transformation that keeps interpreter results and returns its argument when
 * nothing changes.
 */
public interface Pass {

  /** A short kebab-case name for dumps and statistics. */
  String name();

  Graph apply(Graph graph);
}
