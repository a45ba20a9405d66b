package convnet.autodiff.ops;

import convnet.autodiff.ScalarOp;
import java.util.List;

/**
 * The code-generation vocabulary an op's {@link OpRule#lower} rule is written in: elementwise
 * expressions (of {@link ScalarOp}s, each of which says how it is computed in the {@link
 * ElementwiseCode} words), reductions, library kernel calls by {@link LibraryKernel} id and strided
 * copies. A code generator implements it once; {@code V} is its value of a node (an expression for
 * elementwise code, the written buffer for the rest).
 */
public interface Lowering<V> {
  /** {@code op} applied elementwise to {@code args} (numpy broadcasting). */
  V apply(ScalarOp op, List<V> args);

  /** The sum of {@code x} over {@code axes}. */
  V reduceSum(V x, List<Integer> axes);

  /** The maximum of {@code x} over {@code axes}. */
  V reduceMax(V x, List<Integer> axes);

  /** The node being lowered, written by one call of {@code kernel} on its inputs. */
  V call(LibraryKernel kernel);

  /**
   * Copies the elements of input {@code input} of the node being lowered into it: element i (a
   * multi-index over {@code dims}) is read at {@code srcOffset + Σ i·srcStrides} and written at
   * {@code dstOffset + Σ i·dstStrides}; with {@code zeroFirst} the whole output is zeroed first. A
   * node may be written by several copies.
   */
  V copy(
      int input,
      int[] dims,
      int[] srcStrides,
      int srcOffset,
      int[] dstStrides,
      int dstOffset,
      boolean zeroFirst);
}
