package convnet.compiler.gen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The distinct ways a kernel walks its buffers (one per broadcast pattern, pattern 0 being the
 * output's), the float[] local of every slot, and the base offset local of every pattern inside the
 * innermost run.
 */
final class AccessPatterns implements ExprEmitter.Addressing {
  private final List<int[]> strides = new ArrayList<>();
  private final Map<List<Integer>, Integer> ids = new HashMap<>();
  private final Map<Expr.Load, Integer> loadPattern = new HashMap<>();
  private final Map<Integer, Local> arrays = new TreeMap<>();
  private final Local[] bases;
  private LoopPlan plan;

  /**
   * @param shareOutput whether loads walking like the output reuse its base (not when the output
   *     base carries an offset of its own)
   */
  AccessPatterns(Dims space, int[] outputStrides, boolean shareOutput, Iterable<Expr.Load> loads) {
    if (shareOutput) {
      intern(outputStrides);
    } else {
      strides.add(outputStrides);
    }
    for (Expr.Load load : loads) {
      loadPattern.put(load, intern(load.shape().broadcastStrides(space)));
    }
    bases = new Local[strides.size()];
  }

  private int intern(int[] pattern) {
    List<Integer> key = java.util.Arrays.stream(pattern).boxed().toList();
    Integer id = ids.get(key);
    if (id == null) {
      id = strides.size();
      ids.put(key, id);
      strides.add(pattern);
    }
    return id;
  }

  List<int[]> strides() {
    return strides;
  }

  void setPlan(LoopPlan plan) {
    this.plan = plan;
  }

  /** Loads {@code buffers[slot]} into a float[] local for each slot, once at method entry. */
  void loadArrays(Block block, Local buffers, Iterable<Integer> slots) {
    for (int slot : slots) {
      if (arrays.containsKey(slot)) {
        continue;
      }
      Local array = block.method().newLocal("slot" + slot, ExprEmitter.FLOAT_ARRAY);
      block.load(buffers).pushInt(slot).arrayLoad(ExprEmitter.FLOAT_ARRAY).store(array);
      arrays.put(slot, array);
    }
  }

  /** Base offsets of the patterns {@code from..count-1} at the current loop indices. */
  void emitBases(Block block, int from, Map<LoopPlan.Axis, Local> indices) {
    for (int p = from; p < strides.size(); p++) {
      bases[p] = LoopPlan.emitBase(block, "base" + p, p, indices, null);
    }
  }

  void setBase(int pattern, Local base) {
    bases[pattern] = base;
  }

  Local base(int pattern) {
    return bases[pattern];
  }

  @Override
  public Local array(int slot) {
    return arrays.get(slot);
  }

  @Override
  public Local base(Expr.Load load) {
    return bases[loadPattern.get(load)];
  }

  @Override
  public boolean contiguous(Expr.Load load) {
    return plan.isContiguousInner(loadPattern.get(load));
  }
}
