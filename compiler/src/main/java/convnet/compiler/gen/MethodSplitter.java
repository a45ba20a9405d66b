package convnet.compiler.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits the outputs of a kernel into groups whose generated method stays small enough for the JIT:
 * C2 compiles well-formed kernels of up to about 2 KB of bytecode reliably and never compiles a
 * method over 8000 bytes.
 */
final class MethodSplitter {
  /** Target size of one generated method. */
  static final int SOFT_LIMIT = 2000;

  /** HotSpot's HugeMethodLimit is 8000 bytes; stay clear of it. */
  static final int HARD_LIMIT = 7900;

  private MethodSplitter() {}

  /**
   * Greedy, in order: an item joins the current group while the group's method stays under the soft
   * limit.
   */
  static <T> List<List<T>> split(List<T> items, ToIntFunction<List<T>> sizeOf, String what) {
    List<List<T>> groups = new ArrayList<>();
    List<T> current = new ArrayList<>();
    for (T item : items) {
      List<T> candidate = new ArrayList<>(current);
      candidate.add(item);
      if (!current.isEmpty() && sizeOf.applyAsInt(candidate) > SOFT_LIMIT) {
        groups.add(List.copyOf(current));
        current = new ArrayList<>(List.of(item));
      } else {
        current = candidate;
      }
    }
    groups.add(List.copyOf(current));
    for (List<T> group : groups) {
      int size = sizeOf.applyAsInt(group);
      if (size > HARD_LIMIT) {
        throw new KernelTooLargeException(
            what
                + ": one output needs about "
                + size
                + " bytes of bytecode, more than the "
                + HARD_LIMIT
                + " a JIT-compiled method may have;"
                + " split its expression into several kernels");
      }
    }
    return groups;
  }
}
