package convnet.autodiff.ops;

/**
 * The vocabulary of elementwise code: the scalar operations a code generator implements once, and
 * in which every {@link convnet.autodiff.ScalarOp} writes its code-generation rule. A value of type
 * {@code V} is whatever the generator uses for a scalar expression (a node of an expression graph,
 * code that pushes a value). Comparisons give 1 for true and 0 for false; {@link #select} picks
 * {@code a} where {@code c} is non-zero (or NaN).
 */
public interface ElementwiseCode<V> {
  V constant(double value);

  V neg(V x);

  V abs(V x);

  V exp(V x);

  V log(V x);

  V tanh(V x);

  V sigmoid(V x);

  V sqrt(V x);

  V square(V x);

  V reciprocal(V x);

  V relu(V x);

  V add(V a, V b);

  V sub(V a, V b);

  V mul(V a, V b);

  V div(V a, V b);

  V pow(V a, V b);

  V max(V a, V b);

  V min(V a, V b);

  V gt(V a, V b);

  V ge(V a, V b);

  V lt(V a, V b);

  V le(V a, V b);

  V eq(V a, V b);

  V select(V c, V a, V b);
}
