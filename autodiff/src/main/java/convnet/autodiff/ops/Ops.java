package convnet.autodiff.ops;

import convnet.autodiff.OpKind;
import java.util.EnumMap;
import java.util.Map;

/** The registry: one rule per {@link OpKind}. */
public final class Ops {
  private static final Map<OpKind, OpRule> RULES = new EnumMap<>(OpKind.class);

  static {
    Leaf leaf = new Leaf();
    RULES.put(OpKind.INPUT, leaf);
    RULES.put(OpKind.PARAM, leaf);
    RULES.put(OpKind.CONSTANT, leaf);
    RULES.put(OpKind.UNARY, new Unary());
    RULES.put(OpKind.BINARY, new Binary());
    RULES.put(OpKind.WHERE, new Where());
    RULES.put(OpKind.REDUCE_SUM, new ReduceSum());
    RULES.put(OpKind.REDUCE_MAX, new ReduceMax());
    RULES.put(OpKind.BROADCAST, new BroadcastTo());
    RULES.put(OpKind.RESHAPE, new Reshape());
    RULES.put(OpKind.TRANSPOSE, new Transpose());
    RULES.put(OpKind.PAD, new Pad());
    RULES.put(OpKind.SLICE, new Slice());
    RULES.put(OpKind.CONCAT, new Concat());
    RULES.put(OpKind.MATMUL, new MatMul());
    RULES.put(OpKind.CONV2D, new Conv2d());
    RULES.put(OpKind.CONV2D_BACKWARD_INPUT, new Conv2dBackwardInput());
    RULES.put(OpKind.CONV2D_BACKWARD_WEIGHT, new Conv2dBackwardWeight());
    RULES.put(OpKind.AVG_POOL, new AvgPool());
    RULES.put(OpKind.AVG_POOL_BACKWARD, new AvgPoolBackward());
    RULES.put(OpKind.MAX_POOL, new MaxPool());
    RULES.put(OpKind.MAX_POOL_BACKWARD, new MaxPoolBackward());
    RULES.put(OpKind.MAX_POOL_SELECT, new MaxPoolSelect());
    RULES.put(OpKind.LOG_SOFTMAX, new LogSoftmax());
  }

  private Ops() {}

  /** The rule of {@code kind}; every kind has one (checked by a test). */
  public static OpRule rule(OpKind kind) {
    OpRule r = RULES.get(kind);
    if (r == null) {
      throw new IllegalStateException("no rule registered for op " + kind);
    }
    return r;
  }

  /** Whether {@code kind} has a rule. */
  public static boolean hasRule(OpKind kind) {
    return RULES.containsKey(kind);
  }
}
