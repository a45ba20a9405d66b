package convnet.compiler.gen;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Validation shared by the kernel descriptions. */
final class KernelChecks {
  private KernelChecks() {}

  static void checkName(String name) {
    if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]{0,80}")) {
      throw new IllegalArgumentException(
          "kernel name must be a Java identifier of at most 81 characters, got '" + name + "'");
    }
  }

  /**
   * Every load broadcasts to the space; written slots are only read with the full shape (same
   * element).
   */
  static void checkLoads(String name, Dims shape, List<Expr> roots, Set<Integer> written) {
    for (Expr.Load load : loads(roots)) {
      try {
        load.shape().broadcastStrides(shape);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "kernel " + name + ", load of slot " + load.slot() + ": " + e.getMessage(), e);
      }
      if (written.contains(load.slot())
          && !java.util.Arrays.equals(
              load.shape().broadcastStrides(shape), shape.broadcastStrides(shape))) {
        throw new IllegalArgumentException(
            "kernel "
                + name
                + " writes slot "
                + load.slot()
                + " and reads it broadcast as "
                + load.shape()
                + "; in-place reads must have the full shape "
                + shape);
      }
    }
  }

  /** The distinct loads of the DAG, in first-visit order. */
  static Set<Expr.Load> loads(List<Expr> roots) {
    Set<Expr.Load> loads = new LinkedHashSet<>();
    Set<Expr> seen = new java.util.HashSet<>();
    Deque<Expr> work = new ArrayDeque<>(roots);
    while (!work.isEmpty()) {
      Expr expr = work.pop();
      if (!seen.add(expr)) {
        continue;
      }
      if (expr instanceof Expr.Load load) {
        loads.add(load);
      } else if (expr instanceof Expr.Apply apply) {
        apply.args().forEach(work::push);
      }
    }
    return loads;
  }
}
