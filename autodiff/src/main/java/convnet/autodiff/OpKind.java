package convnet.autodiff;

import convnet.autodiff.ops.OpRule;
import convnet.autodiff.ops.Ops;

/**
 * The stable identity of a primitive op; each kind has one {@link OpRule} and one attribute record
 * type.
 */
public enum OpKind {
  /** A named graph input (images, labels, masks); attrs {@link Attrs.Leaf}. */
  INPUT(0, Attrs.Leaf.class),
  /** A named trainable parameter such as {@code L1_conv.weight}; attrs {@link Attrs.Leaf}. */
  PARAM(0, Attrs.Leaf.class),
  /** A constant tensor; attrs {@link Attrs.Constant}. */
  CONSTANT(0, Attrs.Constant.class),
  /** Elementwise unary op; attrs {@link Attrs.Elementwise}. */
  UNARY(1, Attrs.Elementwise.class),
  /** Elementwise binary op with numpy broadcasting; attrs {@link Attrs.Elementwise}. */
  BINARY(2, Attrs.Elementwise.class),
  /** where(cond != 0, a, b) with broadcasting of all three; attrs {@link Attrs.None}. */
  WHERE(3, Attrs.None.class),
  /** Sum over axes; attrs {@link Attrs.Reduce}. */
  REDUCE_SUM(1, Attrs.Reduce.class),
  /** Maximum over axes; attrs {@link Attrs.Reduce}. */
  REDUCE_MAX(1, Attrs.Reduce.class),
  /** numpy broadcast_to; attrs {@link Attrs.Target}. */
  BROADCAST(1, Attrs.Target.class),
  /** Same values (C order), new shape; attrs {@link Attrs.Target}. */
  RESHAPE(1, Attrs.Target.class),
  /** Axis permutation; output axis i is input axis perm[i]; attrs {@link Attrs.Permute}. */
  TRANSPOSE(1, Attrs.Permute.class),
  /** Zero padding before and after each axis; attrs {@link Attrs.Pad}. */
  PAD(1, Attrs.Pad.class),
  /** Contiguous sub-block [start, end) on each axis; attrs {@link Attrs.Slice}. */
  SLICE(1, Attrs.Slice.class),
  /** Concatenation of two or more inputs along an axis; attrs {@link Attrs.Axis}. */
  CONCAT(-1, Attrs.Axis.class),
  /** [m, k] x [k, n] matrix product; attrs {@link Attrs.None}. */
  MATMUL(2, Attrs.None.class),
  /** Cross-correlation of x [N, C, H, W] with w [O, C/groups, kh, kw]; attrs {@link Attrs.Conv}. */
  CONV2D(2, Attrs.Conv.class),
  /**
   * Gradient of CONV2D w.r.t. x: inputs (dy, w); attrs {@link Attrs.ConvGrad} with the shape of x.
   */
  CONV2D_BACKWARD_INPUT(2, Attrs.ConvGrad.class),
  /**
   * Gradient of CONV2D w.r.t. w: inputs (x, dy); attrs {@link Attrs.ConvGrad} with the shape of w.
   */
  CONV2D_BACKWARD_WEIGHT(2, Attrs.ConvGrad.class),
  /**
   * Boxcar average over windows of [N, C, H, W] (divisor: the full window); attrs {@link
   * Attrs.Pool}.
   */
  AVG_POOL(1, Attrs.Pool.class),
  /** Gradient of AVG_POOL: input dy; attrs {@link Attrs.PoolGrad} with the shape of x. */
  AVG_POOL_BACKWARD(1, Attrs.PoolGrad.class),
  /** Maximum over windows (padding is -infinity); attrs {@link Attrs.Pool}. */
  MAX_POOL(1, Attrs.Pool.class),
  /**
   * Gradient of MAX_POOL: inputs (x, dy); dy routed to each window's first argmax of x; attrs
   * {@link Attrs.Pool}.
   */
  MAX_POOL_BACKWARD(2, Attrs.Pool.class),
  /**
   * Inputs (x, v): per window, v at the first argmax of x (pooled shape); attrs {@link Attrs.Pool}.
   */
  MAX_POOL_SELECT(2, Attrs.Pool.class),
  /** log(softmax(x)) along an axis, computed stably; attrs {@link Attrs.Axis}. */
  LOG_SOFTMAX(1, Attrs.Axis.class);

  private final int arity;
  private final Class<? extends Attrs> attrsType;

  OpKind(int arity, Class<? extends Attrs> attrsType) {
    this.arity = arity;
    this.attrsType = attrsType;
  }

  /** Number of inputs, or -1 for variadic kinds (at least one input). */
  public int arity() {
    return arity;
  }

  /** The attribute record type nodes of this kind carry. */
  public Class<? extends Attrs> attrsType() {
    return attrsType;
  }

  public boolean isLeaf() {
    return arity == 0;
  }

  /** The rule defining shape, evaluation and gradient. */
  public OpRule rule() {
    return Ops.rule(this);
  }

  /** The lower-case name used in printed graphs. */
  public String symbol() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
