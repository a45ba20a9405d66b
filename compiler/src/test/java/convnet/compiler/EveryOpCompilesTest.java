package convnet.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Attrs;
import convnet.autodiff.DType;
import convnet.autodiff.Function;
import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import convnet.autodiff.ScalarOp;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every {@link OpKind} and every {@link ScalarOp} compiles, in a small graph together with its
 * gradient, and agrees with the interpreter; an op the compiler does not know fails here rather
 * than in a user's run.
 */
class EveryOpCompilesTest {

  /** Builds a graph around one op; leaves get their values from {@link Leaves}. */
  private interface Case {
    Node build(GraphBuilder b, Leaves leaves);
  }

  /** The leaves of a case and their values (seeded). */
  private static final class Leaves {
    final GraphBuilder b;
    final Random r;
    final Map<String, Tensor> values = new LinkedHashMap<>();
    final List<Node> params = new ArrayList<>();

    Leaves(GraphBuilder b, long seed) {
      this.b = b;
      this.r = new Random(seed);
    }

    Node param(String name, Shape s) {
      return param(name, Nets.normal(r, s, 1));
    }

    Node param(String name, Tensor value) {
      Node p = b.param(name, value.shape());
      values.put(name, value);
      params.add(p);
      return p;
    }

    Node input(String name, Shape s) {
      values.put(name, Nets.normal(r, s, 1));
      return b.input(name, s);
    }

    /** Distinct values, so that a maximum is the same element in float and double. */
    Tensor distinct(Shape s) {
      List<Double> v = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        v.add((i - s.size() / 2.0) * 0.05 + 0.01 * r.nextDouble());
      }
      java.util.Collections.shuffle(v, r);
      return Tensor.wrap(s, v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    Tensor positive(Shape s) {
      double[] v = new double[s.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = 0.5 + 1.5 * r.nextDouble();
      }
      return Tensor.wrap(s, v);
    }
  }

  private static final Attrs.Conv CONV = new Attrs.Conv(2, 1, 1, 0, 1);

  /** Ceil mode with a window hanging past the padding, so the average divisor is exercised too. */
  private static final Attrs.Pool POOL = new Attrs.Pool(3, 3, 2, 2, 1, 1, true);

  private static final Map<OpKind, Case> CASES = new EnumMap<>(OpKind.class);

  static {
    CASES.put(
        OpKind.INPUT, (b, l) -> b.mul(l.input("x", Shape.of(2, 3)), l.param("w", Shape.of(2, 3))));
    CASES.put(OpKind.PARAM, (b, l) -> b.tanh(l.param("w", Shape.of(2, 3))));
    CASES.put(
        OpKind.CONSTANT,
        (b, l) ->
            b.mul(l.param("w", Shape.of(2, 3)), b.constant(Nets.normal(l.r, Shape.of(2, 3), 1))));
    CASES.put(OpKind.UNARY, (b, l) -> b.sigmoid(l.param("w", Shape.of(4, 5))));
    CASES.put(
        OpKind.BINARY,
        (b, l) -> b.div(l.param("w", Shape.of(4, 5)), l.param("v", l.positive(Shape.of(1, 5)))));
    CASES.put(
        OpKind.WHERE,
        (b, l) -> {
          Node w = l.param("w", Shape.of(4, 5));
          return b.where(b.gt(w, b.scalar(0)), w, l.param("v", Shape.of(5)));
        });
    CASES.put(
        OpKind.REDUCE_SUM, (b, l) -> b.sum(l.param("w", Shape.of(3, 4, 5)), List.of(1), false));
    CASES.put(
        OpKind.REDUCE_MAX,
        (b, l) -> b.reduceMax(l.param("w", l.distinct(Shape.of(3, 4, 5))), List.of(0, 2), true));
    CASES.put(
        OpKind.BROADCAST,
        (b, l) -> b.tanh(b.broadcastTo(l.param("w", Shape.of(1, 5)), Shape.of(4, 5))));
    CASES.put(
        OpKind.RESHAPE, (b, l) -> b.tanh(b.reshape(l.param("w", Shape.of(2, 6)), Shape.of(3, 4))));
    CASES.put(OpKind.TRANSPOSE, (b, l) -> b.transpose(l.param("w", Shape.of(2, 3, 4)), 2, 0, 1));
    CASES.put(
        OpKind.PAD, (b, l) -> b.pad(l.param("w", Shape.of(2, 3)), List.of(1, 0), List.of(0, 2)));
    CASES.put(
        OpKind.SLICE,
        (b, l) -> b.slice(l.param("w", Shape.of(4, 5)), List.of(1, 2), List.of(3, 5)));
    CASES.put(
        OpKind.CONCAT,
        (b, l) -> b.concat(1, List.of(l.param("w", Shape.of(2, 3)), l.param("v", Shape.of(2, 2)))));
    CASES.put(
        OpKind.MATMUL,
        (b, l) -> b.matmul(l.param("w", Shape.of(3, 4)), l.param("v", Shape.of(4, 5))));
    CASES.put(
        OpKind.CONV2D,
        (b, l) ->
            b.conv2d(l.param("x", Shape.of(2, 2, 7, 6)), l.param("w", Shape.of(3, 2, 3, 2)), CONV));
    CASES.put(
        OpKind.CONV2D_BACKWARD_INPUT,
        (b, l) ->
            b.conv2dBackwardInput(
                l.param("dy", Shape.of(2, 3, 4, 5)),
                l.param("w", Shape.of(3, 2, 3, 2)),
                CONV,
                Shape.of(2, 2, 7, 6)));
    CASES.put(
        OpKind.CONV2D_BACKWARD_WEIGHT,
        (b, l) ->
            b.conv2dBackwardWeight(
                l.param("x", Shape.of(2, 2, 7, 6)),
                l.param("dy", Shape.of(2, 3, 4, 5)),
                CONV,
                Shape.of(3, 2, 3, 2)));
    CASES.put(OpKind.AVG_POOL, (b, l) -> b.avgPool(l.param("x", Shape.of(2, 2, 6, 5)), POOL));
    CASES.put(
        OpKind.AVG_POOL_BACKWARD,
        (b, l) ->
            b.avgPoolBackward(l.param("dy", Shape.of(2, 2, 4, 3)), POOL, Shape.of(2, 2, 6, 5)));
    CASES.put(
        OpKind.MAX_POOL, (b, l) -> b.maxPool(l.param("x", l.distinct(Shape.of(2, 2, 6, 5))), POOL));
    CASES.put(
        OpKind.MAX_POOL_BACKWARD,
        (b, l) ->
            b.maxPoolBackward(
                l.param("x", l.distinct(Shape.of(2, 2, 6, 5))),
                l.param("dy", Shape.of(2, 2, 4, 3)),
                POOL));
    CASES.put(
        OpKind.MAX_POOL_SELECT,
        (b, l) ->
            b.maxPoolSelect(
                l.param("x", l.distinct(Shape.of(2, 2, 6, 5))),
                l.param("v", Shape.of(2, 2, 6, 5)),
                POOL));
    CASES.put(OpKind.LOG_SOFTMAX, (b, l) -> b.logSoftmax(l.param("w", Shape.of(4, 5)), 1));
  }

  @Test
  void everyOpKindHasACase() {
    for (OpKind kind : OpKind.values()) {
      assertTrue(
          CASES.containsKey(kind), "no compiler case for op kind " + kind + ": add one to CASES");
    }
  }

  @ParameterizedTest
  @EnumSource(OpKind.class)
  void everyOpKindCompilesWithItsGradient(OpKind kind) {
    Case c = CASES.get(kind);
    assertNotNull(c, "no compiler case for op kind " + kind);
    GraphBuilder b = new GraphBuilder();
    Leaves leaves = new Leaves(b, kind.ordinal());
    Node y = c.build(b, leaves);
    assertTrue(
        Graph.topologicalOrder(List.of(y)).stream().anyMatch(n -> n.kind() == kind),
        "the case of " + kind + " has no node of that kind");
    checkWithGradient(kind.toString(), b, leaves, y);
  }

  @ParameterizedTest
  @EnumSource(ScalarOp.class)
  void everyScalarOpCompilesWithItsGradient(ScalarOp op) {
    GraphBuilder b = new GraphBuilder();
    Leaves leaves = new Leaves(b, 100 + op.ordinal());
    Shape s = Shape.of(3, 40);
    // log, sqrt and pow need positive operands; comparisons get distinct values, so no tie is
    // decided
    // differently in float and double.
    Node a =
        leaves.param(
            "a",
            op == ScalarOp.LOG || op == ScalarOp.SQRT || op == ScalarOp.POW
                ? leaves.positive(s)
                : leaves.distinct(s));
    Node y =
        switch (op.arity()) {
          case 1 -> b.unary(op, a);
          case 2 ->
              b.binary(
                  op,
                  a,
                  leaves.param(
                      "b",
                      op == ScalarOp.DIV
                          ? leaves.positive(Shape.of(40))
                          : leaves.distinct(Shape.of(40))));
          default -> b.where(b.gt(a, b.scalar(0)), a, leaves.param("b", Shape.of(40)));
        };
    checkWithGradient(op.toString(), b, leaves, y);
  }

  /**
   * y, a scalar loss of it and the loss's gradient for every parameter, compiled against the
   * interpreter.
   */
  private static void checkWithGradient(String what, GraphBuilder b, Leaves leaves, Node y) {
    Node loss = b.sumAll(b.mul(y, b.constant(Nets.normal(leaves.r, y.shape(), 1))));
    List<Node> grads = Grad.grad(b, loss, leaves.params);
    Map<String, Node> outputs = new LinkedHashMap<>();
    outputs.put("y", y);
    outputs.put("loss", loss);
    for (int i = 0; i < grads.size(); i++) {
      outputs.put("grad/" + leaves.params.get(i).name(), grads.get(i));
    }
    OpDifferentialTest.check(
        new Function("every_" + what.toLowerCase(java.util.Locale.ROOT), Graph.of(outputs)),
        leaves.values,
        what,
        false);
  }

  /**
   * A tie of −0.0 and +0.0 in a max-pooling window sends the gradient to the first of the two,
   * compiled as interpreted, in the 2x2 kernel and in the general one.
   */
  @ParameterizedTest
  @EnumSource(value = TieLayout.class)
  void maxPoolTiesOfSignedZerosRouteAsInterpreted(TieLayout layout) {
    GraphBuilder b = new GraphBuilder();
    Shape s = Shape.of(1, 1, 4, 4);
    Attrs.Pool pool = layout.pool;
    double[] x = new double[16];
    java.util.Arrays.fill(x, -1);
    // Window (0, 0) holds -0.0 before +0.0; window (0, 1) +0.0 before -0.0.
    x[0] = -0.0;
    x[1] = 0.0;
    x[2] = 0.0;
    x[3] = -0.0;
    Node xn = b.param("x", s);
    Node y = b.maxPool(xn, pool);
    Node loss = b.sumAll(b.mul(y, b.constant(Nets.normal(new Random(5), y.shape(), 1))));
    Node dx = Grad.grad(b, loss, List.of(xn)).get(0);
    Map<String, Node> outputs = new LinkedHashMap<>();
    outputs.put("dx", dx);
    outputs.put(
        "select",
        b.maxPoolSelect(xn, b.add(xn, b.constant(Nets.normal(new Random(6), s, 1))), pool));
    Function f = new Function("ties", Graph.of(outputs));
    Map<String, Tensor> values = Map.of("x", Tensor.wrap(s, x));
    Map<String, Tensor> expected = Interpreter.compile(f, DType.F64).run(values);
    Map<String, Tensor> got =
        Verification.verified(Compiler.compile(f, CompileOptions.defaults())).run(values);
    for (String name : outputs.keySet()) {
      double[] e = expected.get(name).data();
      double[] g = got.get(name).data();
      for (int i = 0; i < e.length; i++) {
        // Where the interpreter routes nothing, the compiled gradient must be zero too, and the
        // reverse.
        assertEquals(
            e[i] == 0, g[i] == 0, name + "[" + i + "] routed differently (" + layout + ")");
        assertEquals(
            e[i], g[i], 1e-5 * (1 + Math.abs(e[i])), name + "[" + i + "] (" + layout + ")");
      }
    }
  }

  /**
   * The 2x2 stride-2 windows (the kernel's branch-free path) and 1x2 windows (the general path).
   */
  enum TieLayout {
    HALVING(new Attrs.Pool(2, 2, 2, 2, 0, 0, false)),
    GENERAL(new Attrs.Pool(1, 2, 1, 2, 0, 0, false));

    final Attrs.Pool pool;

    TieLayout(Attrs.Pool pool) {
      this.pool = pool;
    }
  }
}
