package convnet.compiler.gen;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A fused reduction kernel: elementwise expressions over an iteration space, each summed (or
 * maximised) over the same set of axes, written to buffers of the kept axes.
 *
 * <p>The generated {@code run(buffers, outerFrom, outerTo, outputOffset)} covers indices {@code
 * [outerFrom, outerTo)} of axis 0 and writes element {@code k} of the kept-axes result (axis 0
 * included when kept) to {@code out[outputOffset + k]}; when axis 0 is reduced this is a partial
 * result over the range, so threads can each reduce a chunk into their own partial buffer.
 */
public record ReduceKernel(
    String name, Dims shape, List<Integer> reducedAxes, List<Reduction> reductions) {

  /** How values are combined. */
  public enum Combine {
    SUM(0f),
    MAX(Float.NEGATIVE_INFINITY);

    private final float identity;

    Combine(float identity) {
      this.identity = identity;
    }

    public float identity() {
      return identity;
    }
  }

  /** Buffer {@code slot} receives the combination of {@code value} over the reduced axes. */
  public record Reduction(int slot, Combine combine, Expr value) {
    public Reduction {
      if (slot < 0) {
        throw new IllegalArgumentException("negative output slot " + slot);
      }
      if (combine == null || value == null) {
        throw new IllegalArgumentException(
            "reduction into slot " + slot + " needs a combine and a value");
      }
    }
  }

  public ReduceKernel {
    KernelChecks.checkName(name);
    reducedAxes = List.copyOf(new TreeSet<>(reducedAxes));
    reductions = List.copyOf(reductions);
    if (reducedAxes.isEmpty()) {
      throw new IllegalArgumentException("reduce kernel " + name + " reduces no axis");
    }
    for (int axis : reducedAxes) {
      if (axis < 0 || axis >= shape.rank()) {
        throw new IllegalArgumentException(
            "reduce kernel " + name + ": axis " + axis + " is outside " + shape);
      }
    }
    if (reductions.isEmpty()) {
      throw new IllegalArgumentException("reduce kernel " + name + " has no reductions");
    }
    Set<Integer> written = new HashSet<>();
    for (Reduction reduction : reductions) {
      if (!written.add(reduction.slot())) {
        throw new IllegalArgumentException(
            "reduce kernel " + name + " writes slot " + reduction.slot() + " twice");
      }
    }
    // An output is smaller than the iteration space, so reading it in the same pass is never meant.
    KernelChecks.checkLoads(
        name, shape, reductions.stream().map(Reduction::value).toList(), written);
    for (Expr.Load load : KernelChecks.loads(reductions.stream().map(Reduction::value).toList())) {
      if (written.contains(load.slot())) {
        throw new IllegalArgumentException(
            "reduce kernel " + name + " reads its output slot " + load.slot());
      }
    }
  }

  public boolean isReduced(int axis) {
    return reducedAxes.contains(axis);
  }

  /** Extents of the output: the kept axes in order (a single 1 when every axis is reduced). */
  public Dims keptShape() {
    List<Integer> kept = new ArrayList<>();
    for (int axis = 0; axis < shape.rank(); axis++) {
      if (!isReduced(axis)) {
        kept.add(shape.size(axis));
      }
    }
    return kept.isEmpty()
        ? Dims.of(1)
        : Dims.of(kept.stream().mapToInt(Integer::intValue).toArray());
  }
}
