package convnet.compiler;

import convnet.autodiff.Attrs;
import convnet.autodiff.DType;
import convnet.autodiff.Function;
import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.ScalarOp;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compiled vs interpreted on seeded random graphs of every op kind, and on each library op with its
 * gradients.
 */
class OpDifferentialTest {

  static LongStream seeds() {
    return LongStream.range(0, Long.getLong("compiler.seeds", 40));
  }

  /** A random graph builder: every value it makes is kept in a pool that later ops draw from. */
  private static final class RandomGraph {
    final GraphBuilder b = new GraphBuilder();
    final Random r;
    final Map<String, Tensor> values = new LinkedHashMap<>();
    final List<Node> pool = new ArrayList<>();
    final Shape base;

    RandomGraph(long seed) {
      r = new Random(seed);
      int rank = 1 + r.nextInt(4);
      int[] dims = new int[rank];
      for (int i = 0; i < rank; i++) {
        dims[i] = 1 + r.nextInt(i == rank - 1 ? 37 : 5);
      }
      base = Shape.of(dims);
      for (int i = 0; i < 3; i++) {
        Shape s = i == 0 ? base : broadcastable(base);
        String name = (r.nextBoolean() ? "p" : "x") + i;
        Node leaf = name.startsWith("p") ? b.param(name, s) : b.input(name, s);
        values.put(name, Nets.normal(r, s, 1.5));
        pool.add(leaf);
      }
    }

    Shape broadcastable(Shape s) {
      int drop = r.nextInt(s.rank());
      List<Integer> d = new ArrayList<>();
      for (int i = drop; i < s.rank(); i++) {
        d.add(r.nextInt(3) == 0 ? 1 : s.dim(i));
      }
      return Shape.of(d);
    }

    Node pick() {
      return pool.get(r.nextInt(pool.size()));
    }

    /** One more node from a random op over existing nodes. */
    Node step() {
      Node a = pick();
      int kind = r.nextInt(12);
      if (a.shape().rank() == 0 && (kind == 6 || kind == 8)) {
        kind = 0;
      }
      Node other = pick();
      Node n =
          switch (kind) {
            case 0, 1 -> unary(a);
            case 2, 3, 4 -> binary(a, other);
            case 5 ->
                b.where(
                    b.gt(a, b.scalar(0.1)), a, other.shape().broadcastsTo(a.shape()) ? other : a);
            case 6 -> reduce(a);
            case 7 -> a.shape().equals(base) ? a : b.broadcastTo(a, base);
            case 8 -> layout(a);
            case 9 -> b.reshape(a, Shape.of(a.shape().size()));
            case 10 -> b.add(a, b.constant(Nets.normal(r, a.shape(), 1)));
            default -> b.mul(a, b.scalar(r.nextGaussian()));
          };
      if (n.shape().broadcastsTo(base) || n.shape().equals(base)) {
        pool.add(n);
      }
      return n;
    }

    Node unary(Node a) {
      ScalarOp[] safe = {
        ScalarOp.NEG,
        ScalarOp.ABS,
        ScalarOp.SIGN,
        ScalarOp.EXP,
        ScalarOp.TANH,
        ScalarOp.SIGMOID,
        ScalarOp.SQUARE,
        ScalarOp.RELU
      };
      int pick = r.nextInt(safe.length + 3);
      if (pick == safe.length) {
        return b.log(b.add(b.abs(a), b.scalar(0.5)));
      }
      if (pick == safe.length + 1) {
        return b.sqrt(b.add(b.square(a), b.scalar(0.25)));
      }
      if (pick == safe.length + 2) {
        return b.reciprocal(b.add(b.abs(a), b.scalar(1)));
      }
      ScalarOp op = safe[pick];
      // exp of a large value would leave float range; tame it first.
      return op == ScalarOp.EXP ? b.exp(b.tanh(a)) : b.unary(op, a);
    }

    Node binary(Node a, Node c) {
      if (!a.shape().broadcastsTo(base) || !c.shape().broadcastsTo(base)) {
        return a;
      }
      ScalarOp[] ops = {
        ScalarOp.ADD,
        ScalarOp.SUB,
        ScalarOp.MUL,
        ScalarOp.MAX,
        ScalarOp.MIN,
        ScalarOp.GT,
        ScalarOp.GE,
        ScalarOp.LT,
        ScalarOp.LE,
        ScalarOp.EQ
      };
      int pick = r.nextInt(ops.length + 2);
      if (pick == ops.length) {
        return b.div(a, b.add(b.abs(c), b.scalar(0.5)));
      }
      if (pick == ops.length + 1) {
        return b.pow(b.add(b.abs(a), b.scalar(0.5)), b.tanh(c));
      }
      return b.binary(ops[pick], a, c);
    }

    Node reduce(Node a) {
      List<Integer> axes = new ArrayList<>();
      for (int i = 0; i < a.shape().rank(); i++) {
        if (r.nextBoolean()) {
          axes.add(i);
        }
      }
      if (axes.isEmpty()) {
        axes.add(a.shape().rank() - 1);
      }
      boolean keep = r.nextBoolean();
      return r.nextBoolean() ? b.sum(a, axes, keep) : b.reduceMax(a, axes, keep);
    }

    Node layout(Node a) {
      Shape s = a.shape();
      int rank = s.rank();
      return switch (r.nextInt(4)) {
        case 0 -> {
          int[] perm = new int[rank];
          for (int i = 0; i < rank; i++) {
            perm[i] = rank - 1 - i;
          }
          yield b.transpose(a, perm);
        }
        case 1 -> {
          List<Integer> before = new ArrayList<>();
          List<Integer> after = new ArrayList<>();
          for (int i = 0; i < rank; i++) {
            before.add(r.nextInt(2));
            after.add(r.nextInt(3));
          }
          yield b.pad(a, before, after);
        }
        case 2 -> {
          int axis = r.nextInt(rank);
          int from = r.nextInt(s.dim(axis));
          yield b.sliceAxis(a, axis, from, from + 1 + r.nextInt(s.dim(axis) - from));
        }
        default -> b.concat(rank - 1, List.of(a, b.neg(a), a));
      };
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomGraphsOfElementwiseReduceAndLayoutOps(long seed) {
    RandomGraph g = new RandomGraph(seed);
    Map<String, Node> outputs = new LinkedHashMap<>();
    int steps = 6 + g.r.nextInt(12);
    for (int i = 0; i < steps; i++) {
      Node n = g.step();
      if (i == steps - 1 || g.r.nextInt(4) == 0) {
        outputs.put("out" + i, n);
      }
    }
    // A scalar loss over a few outputs also exercises the gradients of every op above.
    List<Node> params =
        new ArrayList<>(
            g.b.param("p0", g.base).shape().equals(g.base) && g.values.containsKey("p0")
                ? List.of(g.b.param("p0", g.base))
                : List.of());
    if (!params.isEmpty() && g.r.nextBoolean()) {
      Node loss = g.b.sumAll(g.b.tanh(outputs.values().iterator().next()));
      List<Node> grads = Grad.grad(g.b, loss, params);
      outputs.put("loss", loss);
      outputs.put("grad/p0", grads.get(0));
    }
    Function f = new Function("random" + seed, Graph.of(outputs));
    check(f, g.values, "seed " + seed, seed % 2 == 0);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void convolutionsWithStridePaddingAndGroupsAndTheirGradients(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    int groups = 1 + r.nextInt(2);
    int c = groups * (1 + r.nextInt(3));
    // Up to 80 output maps and 9-wide kernels, so every algorithm of the convolution kernels is
    // reached.
    int m = groups * (1 + r.nextInt(r.nextBoolean() ? 6 : 40));
    int k = 1 + r.nextInt(r.nextBoolean() ? 4 : 9);
    int stride = 1 + r.nextInt(3);
    int pad = r.nextInt(k);
    Shape xs = Shape.of(1 + r.nextInt(3), c, k + 3 + r.nextInt(20), k + 3 + r.nextInt(20));
    Shape ws = Shape.of(m, c / groups, k, k);
    Node x = b.input("x", xs);
    Node w = b.param("w", ws);
    Node y = b.conv2d(x, w, new Attrs.Conv(stride, stride, pad, pad, groups));
    Node loss = b.sumAll(b.mul(b.tanh(y), b.constant(Nets.normal(r, y.shape(), 1))));
    List<Node> grads = Grad.grad(b, loss, List.of(x, w));
    Map<String, Node> outs = new LinkedHashMap<>();
    outs.put("y", y);
    outs.put("loss", loss);
    outs.put("grad/x", grads.get(0));
    outs.put("grad/w", grads.get(1));
    Map<String, Tensor> values = Map.of("x", Nets.normal(r, xs, 1), "w", Nets.normal(r, ws, 0.5));
    check(
        new Function("conv", Graph.of(outs)),
        values,
        "seed "
            + seed
            + " conv "
            + ws
            + " stride "
            + stride
            + " pad "
            + pad
            + " groups "
            + groups
            + " on "
            + xs,
        false);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2, 3, 4, 5, 6, 7})
  void poolingOfEveryKindAndItsGradients(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    int k = 1 + r.nextInt(3);
    int stride = 1 + r.nextInt(k);
    int pad = r.nextInt(k / 2 + 1);
    boolean ceil = r.nextBoolean();
    Attrs.Pool p = new Attrs.Pool(k, k, stride, stride, pad, pad, ceil);
    Shape xs =
        Shape.of(1 + r.nextInt(3), 1 + r.nextInt(3), k + 2 + r.nextInt(6), k + 2 + r.nextInt(6));
    Node x = b.param("x", xs);
    Node avg = b.avgPool(x, p);
    Node max = b.maxPool(x, p);
    Node loss =
        b.add(
            b.sumAll(b.mul(b.tanh(avg), b.constant(Nets.normal(r, avg.shape(), 1)))),
            b.sumAll(b.mul(max, b.constant(Nets.normal(r, max.shape(), 1)))));
    Node grad = Grad.grad(b, loss, List.of(x)).get(0);
    Map<String, Node> outs = new LinkedHashMap<>();
    outs.put("avg", avg);
    outs.put("max", max);
    outs.put("select", b.maxPoolSelect(x, b.neg(x), p));
    outs.put("grad/x", grad);
    // Distinct values: no ties, so the argmax is the same in float and double.
    Map<String, Tensor> values = Map.of("x", distinct(r, xs));
    check(
        new Function("pool", Graph.of(outs)),
        values,
        "seed " + seed + " pool " + p.describe() + " on " + xs,
        false);
  }

  @Test
  void matmulWithTransposedOperandsAndLogSoftmax() {
    Random r = new Random(11);
    GraphBuilder b = new GraphBuilder();
    Node a = b.param("a", Shape.of(7, 5));
    Node c = b.param("c", Shape.of(9, 7));
    Node labels = b.input("labels", Shape.of(5, 9));
    Node logits = b.matmul(b.transpose(a, 1, 0), b.transpose(c, 1, 0));
    Node loss = b.softmaxCrossEntropy(logits, labels);
    List<Node> grads = Grad.grad(b, loss, List.of(a, c));
    Map<String, Node> outs = new LinkedHashMap<>();
    outs.put("logits", logits);
    outs.put("logsoftmax", b.logSoftmax(logits, 0));
    outs.put("loss", loss);
    outs.put("grad/a", grads.get(0));
    outs.put("grad/c", grads.get(1));
    outs.put("plain", b.matmul(a, b.param("d", Shape.of(5, 3))));
    Map<String, Tensor> values = new LinkedHashMap<>();
    values.put("a", Nets.normal(r, Shape.of(7, 5), 1));
    values.put("c", Nets.normal(r, Shape.of(9, 7), 1));
    values.put("d", Nets.normal(r, Shape.of(5, 3), 1));
    double[] oneHot = new double[45];
    for (int i = 0; i < 5; i++) {
      oneHot[i * 9 + r.nextInt(9)] = 1;
    }
    values.put("labels", Tensor.wrap(Shape.of(5, 9), oneHot));
    CompiledFunction f = check(new Function("dense", Graph.of(outs)), values, "dense", false);
    String text = f.explain();
    org.junit.jupiter.api.Assertions.assertTrue(
        f.kernels().stream().noneMatch(k -> k.op().equals("transpose")),
        "the transposes fold into the product:\n" + text);
  }

  private static Tensor distinct(Random r, Shape s) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      v.add((i - s.size() / 2.0) * 0.05 + 0.01 * r.nextDouble());
    }
    java.util.Collections.shuffle(v, r);
    return Tensor.wrap(s, v.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Compiles (verifying every class), runs, and compares with the float64 and float32 interpreter.
   */
  static CompiledFunction check(
      Function f, Map<String, Tensor> values, String context, boolean inPlace) {
    CompiledFunction compiled =
        Verification.verified(
            Compiler.compile(f, CompileOptions.defaults().withInPlaceUpdates(inPlace)));
    Map<String, Tensor> got = compiled.run(values);
    Close.assertAllClose(
        Interpreter.compile(f, DType.F64).run(values), got, context + " vs float64");
    Close.assertAllClose(
        Interpreter.compile(f, DType.F32).run(values), got, context + " vs float32");
    // A second run over the same buffers gives the same values: no kernel depends on stale buffer
    // contents.
    Close.assertAllClose(got, compiled.run(values), context + " second run");
    return compiled;
  }
}
