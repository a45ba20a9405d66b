package convnet.autodiff.ops;

/** How a code generator partitions the nodes of an op into kernels: the op's fusion class. */
public enum Fusion {
  /** No code: graph inputs, parameters and constants are buffers filled before a run. */
  SOURCE,
  /** No code: the node is a view of its input's buffer (same values, another shape). */
  VIEW,
  /**
   * Computed per element from its inputs; fuses with same-shaped elementwise neighbours into one
   * loop.
   */
  ELEMENTWISE,
  /** A reduction over axes; it absorbs the elementwise nodes that feed only it. */
  REDUCTION,
  /** One call of a library kernel or one strided copy per node. */
  LIBRARY,
  /**
   * Replaced by its {@link OpRule#decompose decomposition} into other ops before code generation.
   */
  COMPOSITE
}
