package convnet.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds graph nodes and hash-conses them: building a node equal to one built before returns the
 * earlier instance, which makes common-subexpression elimination free.
 *
 * <p>The builder holds a current provenance string (for example a layer name) stamped onto every
 * node it creates; set it with {@link #setProvenance}. Shape errors are {@link ShapeException}s
 * carrying it. Not thread-safe.
 */
public final class GraphBuilder {
  private final Map<Node, Node> table = new HashMap<>();
  private String provenance = "";

  /** Sets the provenance stamped on nodes built from now on (null or empty for none). */
  public GraphBuilder setProvenance(String provenance) {
    this.provenance = provenance == null ? "" : provenance;
    return this;
  }

  public String provenance() {
    return provenance;
  }

  /** The canonical instance equal to {@code n} (n itself if none was seen before). */
  public Node intern(Node n) {
    Node prev = table.putIfAbsent(n, n);
    return prev == null ? n : prev;
  }

  /** Number of distinct nodes built so far. */
  public int size() {
    return table.size();
  }

  /** Builds (or finds) a node of any kind with the current provenance. */
  public Node node(OpKind kind, Attrs attrs, List<Node> inputs) {
    return node(kind, attrs, inputs, provenance);
  }

  /** Builds (or finds) a node of any kind with the given provenance. */
  public Node node(OpKind kind, Attrs attrs, List<Node> inputs, String provenance) {
    return intern(Node.of(kind, attrs, inputs, provenance));
  }

  private Node node(OpKind kind, Attrs attrs, Node... inputs) {
    return node(kind, attrs, Arrays.asList(inputs));
  }

  // ---- leaves

  /** A named input such as {@code input} or {@code labels}. */
  public Node input(String name, Shape shape) {
    return node(OpKind.INPUT, new Attrs.Leaf(name, shape));
  }

  /** A named trainable parameter such as {@code L1_conv.weight}. */
  public Node param(String name, Shape shape) {
    return node(OpKind.PARAM, new Attrs.Leaf(name, shape));
  }

  public Node constant(Tensor value) {
    return node(OpKind.CONSTANT, new Attrs.Constant(value));
  }

  /** A rank-0 constant. */
  public Node scalar(double v) {
    return constant(Tensor.scalar(v));
  }

  /** A constant scalar broadcast to {@code shape} (stays small in the graph). */
  public Node full(Shape shape, double v) {
    return broadcastTo(scalar(v), shape);
  }

  public Node zeros(Shape shape) {
    return full(shape, 0);
  }

  public Node zerosLike(Node x) {
    return zeros(x.shape());
  }

  // ---- elementwise

  public Node unary(ScalarOp op, Node x) {
    if (op.arity() != 1) {
      throw new IllegalArgumentException(op + " is not unary");
    }
    return node(OpKind.UNARY, new Attrs.Elementwise(op), x);
  }

  public Node binary(ScalarOp op, Node a, Node b) {
    if (op.arity() != 2) {
      throw new IllegalArgumentException(op + " is not binary");
    }
    return node(OpKind.BINARY, new Attrs.Elementwise(op), a, b);
  }

  public Node neg(Node x) {
    return unary(ScalarOp.NEG, x);
  }

  public Node abs(Node x) {
    return unary(ScalarOp.ABS, x);
  }

  public Node sign(Node x) {
    return unary(ScalarOp.SIGN, x);
  }

  public Node exp(Node x) {
    return unary(ScalarOp.EXP, x);
  }

  public Node log(Node x) {
    return unary(ScalarOp.LOG, x);
  }

  public Node tanh(Node x) {
    return unary(ScalarOp.TANH, x);
  }

  public Node sigmoid(Node x) {
    return unary(ScalarOp.SIGMOID, x);
  }

  public Node sqrt(Node x) {
    return unary(ScalarOp.SQRT, x);
  }

  public Node square(Node x) {
    return unary(ScalarOp.SQUARE, x);
  }

  public Node reciprocal(Node x) {
    return unary(ScalarOp.RECIPROCAL, x);
  }

  public Node relu(Node x) {
    return unary(ScalarOp.RELU, x);
  }

  public Node add(Node a, Node b) {
    return binary(ScalarOp.ADD, a, b);
  }

  public Node sub(Node a, Node b) {
    return binary(ScalarOp.SUB, a, b);
  }

  public Node mul(Node a, Node b) {
    return binary(ScalarOp.MUL, a, b);
  }

  public Node div(Node a, Node b) {
    return binary(ScalarOp.DIV, a, b);
  }

  public Node pow(Node a, Node b) {
    return binary(ScalarOp.POW, a, b);
  }

  public Node max(Node a, Node b) {
    return binary(ScalarOp.MAX, a, b);
  }

  public Node min(Node a, Node b) {
    return binary(ScalarOp.MIN, a, b);
  }

  public Node gt(Node a, Node b) {
    return binary(ScalarOp.GT, a, b);
  }

  public Node ge(Node a, Node b) {
    return binary(ScalarOp.GE, a, b);
  }

  public Node lt(Node a, Node b) {
    return binary(ScalarOp.LT, a, b);
  }

  public Node le(Node a, Node b) {
    return binary(ScalarOp.LE, a, b);
  }

  public Node eq(Node a, Node b) {
    return binary(ScalarOp.EQ, a, b);
  }

  public Node add(Node a, double b) {
    return add(a, scalar(b));
  }

  public Node mul(Node a, double b) {
    return mul(a, scalar(b));
  }

  public Node div(Node a, double b) {
    return div(a, scalar(b));
  }

  public Node pow(Node a, double b) {
    return pow(a, scalar(b));
  }

  public Node max(Node a, double b) {
    return max(a, scalar(b));
  }

  public Node gt(Node a, double b) {
    return gt(a, scalar(b));
  }

  /** where(cond != 0, a, b), all three broadcast together. */
  public Node where(Node cond, Node a, Node b) {
    return node(OpKind.WHERE, Attrs.None.INSTANCE, cond, a, b);
  }

  // ---- reductions

  /**
   * Sum over {@code axes} (negative axes count from the end; order and duplicates do not matter).
   */
  public Node sum(Node x, List<Integer> axes, boolean keepDims) {
    return reduce(OpKind.REDUCE_SUM, x, axes, keepDims);
  }

  /** Sum over the given axes, dropping them. */
  public Node sum(Node x, int... axes) {
    return sum(x, box(axes), false);
  }

  /** Sum of all elements, as a scalar. */
  public Node sumAll(Node x) {
    return sum(x, allAxes(x), false);
  }

  /** Maximum over {@code axes}. */
  public Node reduceMax(Node x, List<Integer> axes, boolean keepDims) {
    return reduce(OpKind.REDUCE_MAX, x, axes, keepDims);
  }

  /** Mean over {@code axes}: a sum times a constant. */
  public Node mean(Node x, List<Integer> axes, boolean keepDims) {
    List<Integer> norm = normalizeAxes(x.shape(), axes);
    long count = 1;
    for (int a : norm) {
      count *= x.shape().dim(a);
    }
    return mul(sum(x, norm, keepDims), 1.0 / count);
  }

  private Node reduce(OpKind kind, Node x, List<Integer> axes, boolean keepDims) {
    List<Integer> norm = normalizeAxes(x.shape(), axes);
    if (norm.isEmpty()) {
      return x;
    }
    return node(kind, new Attrs.Reduce(norm, keepDims), x);
  }

  private List<Integer> normalizeAxes(Shape s, List<Integer> axes) {
    try {
      return axes.stream().map(s::normalizeAxis).distinct().sorted().toList();
    } catch (ShapeException e) {
      throw new ShapeException(e.detail(), provenance);
    }
  }

  private static List<Integer> allAxes(Node x) {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < x.shape().rank(); i++) {
      l.add(i);
    }
    return l;
  }

  private static List<Integer> box(int... v) {
    return Arrays.stream(v).boxed().toList();
  }

  // ---- layout

  /** numpy broadcast_to; {@code x} itself when the shape already matches. */
  public Node broadcastTo(Node x, Shape shape) {
    return x.shape().equals(shape) ? x : node(OpKind.BROADCAST, new Attrs.Target(shape), x);
  }

  /** Same values in C order, new shape; {@code x} itself when the shape already matches. */
  public Node reshape(Node x, Shape shape) {
    return x.shape().equals(shape) ? x : node(OpKind.RESHAPE, new Attrs.Target(shape), x);
  }

  /** Output axis i is input axis perm[i]; {@code x} itself for the identity permutation. */
  public Node transpose(Node x, int... perm) {
    boolean identity = true;
    for (int i = 0; i < perm.length; i++) {
      identity &= perm[i] == i;
    }
    if (identity && perm.length == x.shape().rank()) {
      return x;
    }
    return node(OpKind.TRANSPOSE, new Attrs.Permute(box(perm)), x);
  }

  /** Zero padding; {@code x} itself when all paddings are zero. */
  public Node pad(Node x, List<Integer> before, List<Integer> after) {
    if (before.stream().allMatch(v -> v == 0)
        && after.stream().allMatch(v -> v == 0)
        && before.size() == x.shape().rank()) {
      return x;
    }
    return node(OpKind.PAD, new Attrs.Pad(before, after), x);
  }

  /** The block [start, end) per axis; {@code x} itself when that is the whole tensor. */
  public Node slice(Node x, List<Integer> start, List<Integer> end) {
    if (start.stream().allMatch(v -> v == 0) && end.equals(x.shape().toList())) {
      return x;
    }
    return node(OpKind.SLICE, new Attrs.Slice(start, end), x);
  }

  /** Slice [from, to) along one axis, everything on the others. */
  public Node sliceAxis(Node x, int axis, int from, int to) {
    int a = x.shape().normalizeAxis(axis);
    List<Integer> start = new ArrayList<>();
    List<Integer> end = new ArrayList<>();
    for (int i = 0; i < x.shape().rank(); i++) {
      start.add(i == a ? from : 0);
      end.add(i == a ? to : x.shape().dim(i));
    }
    return slice(x, start, end);
  }

  /** Concatenation along {@code axis}; a single input is returned as is. */
  public Node concat(int axis, List<Node> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int a = parts.get(0).shape().normalizeAxis(axis);
    return node(OpKind.CONCAT, new Attrs.Axis(a), parts);
  }

  // ---- linear algebra, convolution, pooling

  /** [m, k] x [k, n]. */
  public Node matmul(Node a, Node b) {
    return node(OpKind.MATMUL, Attrs.None.INSTANCE, a, b);
  }

  /** Cross-correlation (PyTorch conv2d) of x [N, C, H, W] with w [O, C/groups, kh, kw]. */
  public Node conv2d(Node x, Node w, Attrs.Conv conv) {
    return node(OpKind.CONV2D, conv, x, w);
  }

  public Node conv2dBackwardInput(Node dy, Node w, Attrs.Conv conv, Shape xShape) {
    return node(OpKind.CONV2D_BACKWARD_INPUT, new Attrs.ConvGrad(conv, xShape), dy, w);
  }

  public Node conv2dBackwardWeight(Node x, Node dy, Attrs.Conv conv, Shape wShape) {
    return node(OpKind.CONV2D_BACKWARD_WEIGHT, new Attrs.ConvGrad(conv, wShape), x, dy);
  }

  public Node avgPool(Node x, Attrs.Pool pool) {
    return node(OpKind.AVG_POOL, pool, x);
  }

  public Node avgPoolBackward(Node dy, Attrs.Pool pool, Shape xShape) {
    return node(OpKind.AVG_POOL_BACKWARD, new Attrs.PoolGrad(pool, xShape), dy);
  }

  public Node maxPool(Node x, Attrs.Pool pool) {
    return node(OpKind.MAX_POOL, pool, x);
  }

  public Node maxPoolBackward(Node x, Node dy, Attrs.Pool pool) {
    return node(OpKind.MAX_POOL_BACKWARD, pool, x, dy);
  }

  public Node maxPoolSelect(Node x, Node v, Attrs.Pool pool) {
    return node(OpKind.MAX_POOL_SELECT, pool, x, v);
  }

  /** log softmax along {@code axis}. */
  public Node logSoftmax(Node x, int axis) {
    return node(OpKind.LOG_SOFTMAX, new Attrs.Axis(x.shape().normalizeAxis(axis)), x);
  }

  /**
   * Softmax cross-entropy averaged over the batch: logits [N, K], labels one-hot [N, K] (float,
   * rows summing to 1; soft labels work too). Returns a scalar: -(1/N) Σ_n Σ_k labels[n,k] ·
   * logSoftmax(logits)[n,k].
   */
  public Node softmaxCrossEntropy(Node logits, Node oneHotLabels) {
    if (logits.shape().rank() != 2 || !logits.shape().equals(oneHotLabels.shape())) {
      throw new ShapeException(
          "softmax cross-entropy needs logits [N, K] and one-hot labels of the same shape, got "
              + logits.shape()
              + " and "
              + oneHotLabels.shape(),
          provenance);
    }
    Node nll = neg(sumAll(mul(oneHotLabels, logSoftmax(logits, 1))));
    return mul(nll, 1.0 / logits.shape().dim(0));
  }
}
