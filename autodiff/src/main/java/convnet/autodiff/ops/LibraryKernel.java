package convnet.autodiff.ops;

/**
 * The library kernels ops call by name ({@link Lowering#call}); a code generator binds each to one
 * kernel. The kernel reads the node's inputs (in order) and writes the node; its geometry comes
 * from the node's attributes and shapes.
 */
public enum LibraryKernel {
  /** y = x ⋆ w; inputs (x, w), attributes {@link convnet.autodiff.Attrs.Conv}. */
  CONV2D_FORWARD,
  /** dx from (dy, w); attributes {@link convnet.autodiff.Attrs.ConvGrad}. */
  CONV2D_BACKWARD_INPUT,
  /** dw from (x, dy); attributes {@link convnet.autodiff.Attrs.ConvGrad}. */
  CONV2D_BACKWARD_WEIGHT,
  /** [m, k]·[k, n]; an operand may be a 2-D transpose read in place. */
  MATMUL(true),
  /**
   * Window averages, divided by {@link Windows#averageDivisor}; attributes {@link
   * convnet.autodiff.Attrs.Pool}.
   */
  AVG_POOL_FORWARD,
  /**
   * Adjoint of {@link #AVG_POOL_FORWARD} from dy; attributes {@link
   * convnet.autodiff.Attrs.PoolGrad}.
   */
  AVG_POOL_BACKWARD,
  /** Window maxima by {@link Windows#maxKey}; attributes {@link convnet.autodiff.Attrs.Pool}. */
  MAX_POOL_FORWARD,
  /** dy routed to each window's argmax of x; inputs (x, dy). */
  MAX_POOL_BACKWARD,
  /** Per window, v at the argmax of x; inputs (x, v). */
  MAX_POOL_SELECT;

  private final boolean readsTransposedOperands;

  LibraryKernel() {
    this(false);
  }

  LibraryKernel(boolean readsTransposedOperands) {
    this.readsTransposedOperands = readsTransposedOperands;
  }

  /**
   * Whether the kernel reads an operand that is a 2-D transpose in place, from the transpose's
   * input.
   */
  public boolean readsTransposedOperands() {
    return readsTransposedOperands;
  }
}
