package convnet.autodiff;

/**
 * Checks a graph's invariants (every node's shape re-infers from its inputs, leaf names are
 * unique); for tests and passes.
 */
public final class IrVerifier {
  private IrVerifier() {}

  /**
   * Throws {@link IllegalStateException} with a dump of the graph when an invariant does not hold.
   */
  public static Graph verify(Graph g) {
    for (Node n : g.nodes()) {
      Node again;
      try {
        again = Node.of(n.kind(), n.attrs(), n.inputs(), n.provenance());
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "node " + n + " no longer type-checks: " + e.getMessage() + "\n" + GraphPrinter.text(g),
            e);
      }
      if (!again.shape().equals(n.shape())) {
        throw new IllegalStateException(
            "node " + n + " re-infers shape " + again.shape() + "\n" + GraphPrinter.text(g));
      }
    }
    Graph.of(g.outputs()); // re-checks leaf-name uniqueness
    return g;
  }
}
