package convnet.autodiff.ops;

import convnet.autodiff.ScalarOp;
import java.util.List;

/**
 * The {@link ElementwiseCode} words as expressions of primitive {@link ScalarOp}s: each word is the
 * scalar op of the same name applied to its arguments. Lowering a composite scalar op (sign,
 * softplus) through it rewrites the op into primitive ones, so a code generator that builds
 * expression graphs sees only operations it emits directly.
 */
public abstract class PrimitiveExpressions<V> implements ElementwiseCode<V> {
  /** The primitive {@code op} applied to {@code args}. */
  protected abstract V apply(ScalarOp op, List<V> args);

  /**
   * {@code op} applied to {@code args}, primitive ops as they are and composite ones rewritten into
   * primitives.
   */
  public final V expand(ScalarOp op, List<V> args) {
    return op.lower(this, args);
  }

  @Override
  public V neg(V x) {
    return apply(ScalarOp.NEG, List.of(x));
  }

  @Override
  public V abs(V x) {
    return apply(ScalarOp.ABS, List.of(x));
  }

  @Override
  public V exp(V x) {
    return apply(ScalarOp.EXP, List.of(x));
  }

  @Override
  public V log(V x) {
    return apply(ScalarOp.LOG, List.of(x));
  }

  @Override
  public V tanh(V x) {
    return apply(ScalarOp.TANH, List.of(x));
  }

  @Override
  public V sigmoid(V x) {
    return apply(ScalarOp.SIGMOID, List.of(x));
  }

  @Override
  public V sqrt(V x) {
    return apply(ScalarOp.SQRT, List.of(x));
  }

  @Override
  public V square(V x) {
    return apply(ScalarOp.SQUARE, List.of(x));
  }

  @Override
  public V reciprocal(V x) {
    return apply(ScalarOp.RECIPROCAL, List.of(x));
  }

  @Override
  public V relu(V x) {
    return apply(ScalarOp.RELU, List.of(x));
  }

  @Override
  public V add(V a, V b) {
    return apply(ScalarOp.ADD, List.of(a, b));
  }

  @Override
  public V sub(V a, V b) {
    return apply(ScalarOp.SUB, List.of(a, b));
  }

  @Override
  public V mul(V a, V b) {
    return apply(ScalarOp.MUL, List.of(a, b));
  }

  @Override
  public V div(V a, V b) {
    return apply(ScalarOp.DIV, List.of(a, b));
  }

  @Override
  public V pow(V a, V b) {
    return apply(ScalarOp.POW, List.of(a, b));
  }

  @Override
  public V max(V a, V b) {
    return apply(ScalarOp.MAX, List.of(a, b));
  }

  @Override
  public V min(V a, V b) {
    return apply(ScalarOp.MIN, List.of(a, b));
  }

  @Override
  public V gt(V a, V b) {
    return apply(ScalarOp.GT, List.of(a, b));
  }

  @Override
  public V ge(V a, V b) {
    return apply(ScalarOp.GE, List.of(a, b));
  }

  @Override
  public V lt(V a, V b) {
    return apply(ScalarOp.LT, List.of(a, b));
  }

  @Override
  public V le(V a, V b) {
    return apply(ScalarOp.LE, List.of(a, b));
  }

  @Override
  public V eq(V a, V b) {
    return apply(ScalarOp.EQ, List.of(a, b));
  }

  @Override
  public V select(V c, V a, V b) {
    return apply(ScalarOp.SELECT, List.of(c, a, b));
  }
}
