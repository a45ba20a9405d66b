package convnet.compiler.gen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.objectweb.asm.Type;

/**
 * The loop nest of a kernel: the iteration space with size-1 axes dropped and adjacent axes merged
 * where every access pattern walks them as one run, axis 0 always kept apart because callers split
 * it into ranges.
 */
final class LoopPlan {
  /** One loop: its extent, the stride of every access pattern along it, whether it is reduced. */
  record Axis(int id, int size, int[] strides, boolean reduced, boolean ranged) {}

  private final List<Axis> axes;

  private LoopPlan(List<Axis> axes) {
    this.axes = List.copyOf(axes);
  }

  /**
   * @param patterns per access pattern, its stride along every axis of the space (0 when broadcast)
   * @param reduced per axis of the space, whether it is reduced (all false for elementwise kernels)
   */
  static LoopPlan of(Dims space, List<int[]> patterns, boolean[] reduced) {
    List<Axis> axes = new ArrayList<>();
    axes.add(new Axis(0, space.size(0), column(patterns, 0), reduced[0], true));
    for (int axis = 1; axis < space.rank(); axis++) {
      int size = space.size(axis);
      if (size == 1) {
        continue;
      }
      int[] strides = column(patterns, axis);
      Axis last = axes.get(axes.size() - 1);
      if (!last.ranged() && last.reduced() == reduced[axis] && walksAsOne(last, strides, size)) {
        axes.set(
            axes.size() - 1,
            new Axis(last.id(), last.size() * size, strides, reduced[axis], false));
      } else {
        axes.add(new Axis(axes.size(), size, strides, reduced[axis], false));
      }
    }
    return new LoopPlan(axes);
  }

  private static boolean walksAsOne(Axis outer, int[] innerStrides, int innerSize) {
    for (int p = 0; p < innerStrides.length; p++) {
      if ((long) outer.strides()[p] != (long) innerStrides[p] * innerSize) {
        return false;
      }
    }
    return true;
  }

  private static int[] column(List<int[]> patterns, int axis) {
    int[] column = new int[patterns.size()];
    for (int p = 0; p < patterns.size(); p++) {
      column[p] = patterns.get(p)[axis];
    }
    return column;
  }

  List<Axis> axes() {
    return axes;
  }

  Axis inner() {
    return axes.get(axes.size() - 1);
  }

  /**
   * Whether pattern p reads along the innermost run (stride 1) rather than a broadcast value
   * (stride 0).
   */
  boolean isContiguousInner(int pattern) {
    int stride = inner().strides()[pattern];
    if (stride != 0 && stride != 1) {
      throw new IllegalStateException(
          "inner stride " + stride + " of pattern " + pattern + " in " + this);
    }
    return stride == 1;
  }

  /** Nested loops over the given axes in order, calling {@code innermost} inside them. */
  static void emitLoops(
      Block block,
      List<Axis> order,
      Map<Axis, Local> indices,
      Local from,
      Local to,
      Consumer<Block> innermost) {
    emitLoops(block, order, 0, indices, from, to, innermost);
  }

  private static void emitLoops(
      Block block,
      List<Axis> order,
      int level,
      Map<Axis, Local> indices,
      Local from,
      Local to,
      Consumer<Block> innermost) {
    if (level == order.size()) {
      innermost.accept(block);
      return;
    }
    Axis axis = order.get(level);
    Local index = block.method().newLocal("i" + axis.id(), Type.INT_TYPE);
    indices.put(axis, index);
    Consumer<Block> body = b -> emitLoops(b, order, level + 1, indices, from, to, innermost);
    if (axis.ranged()) {
      block.forRange(index, from, to, 1, body);
    } else {
      block.forRange(index, 0, axis.size(), 1, body);
    }
  }

  /** {@code base = offset + Σ index·stride} of one pattern over the current loop indices. */
  static Local emitBase(
      Block block, String name, int pattern, Map<Axis, Local> indices, Local offset) {
    Local base = block.method().newLocal(name, Type.INT_TYPE);
    if (offset == null) {
      block.pushInt(0);
    } else {
      block.load(offset);
    }
    for (Map.Entry<Axis, Local> entry : indices.entrySet()) {
      int stride = entry.getKey().strides()[pattern];
      if (stride != 0) {
        block.loadScaled(entry.getValue(), stride).intAdd();
      }
    }
    block.store(base);
    return base;
  }

  static Map<Axis, Local> newIndexMap() {
    return new LinkedHashMap<>();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (Axis axis : axes) {
      text.append(axis.ranged() ? "range " : "")
          .append(axis.reduced() ? "reduce " : "")
          .append(axis.size())
          .append(Arrays.toString(axis.strides()))
          .append("; ");
    }
    return text.toString();
  }
}
