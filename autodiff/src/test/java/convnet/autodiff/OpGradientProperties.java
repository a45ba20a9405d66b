package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.Tolerance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every op: the symbolic VJP agrees with central finite differences in float64 over random
 * shapes and values.
 */
class OpGradientProperties {
  /** Seeds per op; raise with -Dautodiff.seeds=N for a longer search. */
  static final int SEEDS = Integer.getInteger("autodiff.seeds", 12);

  /** A graph built for one seed: the op's output and values for its parameters. */
  record Built(Node out, Map<String, Tensor> values) {}

  /** One op under test. */
  record OpCase(String name, OpKind kind, BiFunction<Random, GraphBuilder, Built> build) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Builder of parameters with values, in order p0, p1, ... */
  static final class Params {
    final GraphBuilder b;
    final Map<String, Tensor> values = new LinkedHashMap<>();

    Params(GraphBuilder b) {
      this.b = b;
    }

    Node add(Tensor t) {
      String name = "p" + values.size();
      values.put(name, t);
      return b.param(name, t.shape());
    }

    Built out(Node n) {
      return new Built(n, values);
    }
  }

  /**
   * Values on a 0.1 grid plus {@code offset} plus jitter below 0.01: two grids with offsets 0 and
   * 0.05 never tie.
   */
  static Tensor grid(Random r, Shape s, double offset) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      v.add(i * 0.1 + offset + 0.01 * r.nextDouble() - 1.0);
    }
    java.util.Collections.shuffle(v, r);
    return Tensor.wrap(s, v.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static List<OpCase> cases() {
    List<OpCase> cases = new ArrayList<>();
    for (ScalarOp op : ScalarOp.values()) {
      if (op == ScalarOp.SELECT) {
        continue; // the scalar form of WHERE, whose case is below
      }
      if (op.arity() == 1) {
        cases.add(
            new OpCase(
                "unary " + op.symbol(),
                OpKind.UNARY,
                (r, b) -> {
                  Params p = new Params(b);
                  Shape s = TestData.shape(r, 0, 3, 4);
                  Tensor x =
                      switch (op) {
                        case LOG, SQRT, RECIPROCAL -> TestData.uniform(r, s, 0.5, 2);
                        case ABS, RELU, SIGN -> TestData.awayFromZero(r, s);
                        default -> TestData.normal(r, s);
                      };
                  return p.out(b.unary(op, p.add(x)));
                }));
      } else {
        cases.add(
            new OpCase(
                "binary " + op.symbol(),
                OpKind.BINARY,
                (r, b) -> {
                  Params p = new Params(b);
                  Shape out = TestData.shape(r, 1, 3, 3);
                  Shape sa = r.nextBoolean() ? out : TestData.broadcastable(r, out);
                  Shape sb = r.nextBoolean() ? out : TestData.broadcastable(r, out);
                  Tensor a;
                  Tensor c;
                  switch (op) {
                    case DIV -> {
                      a = TestData.normal(r, sa);
                      c = TestData.awayFromZero(r, sb);
                    }
                    case POW -> {
                      a = TestData.uniform(r, sa, 0.5, 2);
                      c = TestData.uniform(r, sb, -2, 2);
                    }
                    case MAX, MIN, GT, GE, LT, LE, EQ -> {
                      a = grid(r, sa, 0);
                      c = grid(r, sb, 0.05);
                    }
                    default -> {
                      a = TestData.normal(r, sa);
                      c = TestData.normal(r, sb);
                    }
                  }
                  return p.out(b.binary(op, p.add(a), p.add(c)));
                }));
      }
    }
    cases.add(
        new OpCase(
            "where",
            OpKind.WHERE,
            (r, b) -> {
              Params p = new Params(b);
              Shape out = TestData.shape(r, 1, 3, 3);
              Node cond = b.constant(TestData.mask(r, TestData.broadcastable(r, out)));
              Node x = p.add(TestData.normal(r, TestData.broadcastable(r, out)));
              Node y = p.add(TestData.normal(r, out));
              return p.out(b.where(cond, x, y));
            }));
    cases.add(new OpCase("reduce sum", OpKind.REDUCE_SUM, (r, b) -> reduce(r, b, false)));
    cases.add(new OpCase("reduce max", OpKind.REDUCE_MAX, (r, b) -> reduce(r, b, true)));
    cases.add(
        new OpCase(
            "broadcast",
            OpKind.BROADCAST,
            (r, b) -> {
              Params p = new Params(b);
              Shape out = TestData.shape(r, 1, 4, 3);
              return p.out(
                  b.broadcastTo(p.add(TestData.normal(r, TestData.broadcastable(r, out))), out));
            }));
    cases.add(
        new OpCase(
            "reshape",
            OpKind.RESHAPE,
            (r, b) -> {
              Params p = new Params(b);
              Shape s = TestData.shape(r, 2, 4, 3);
              int[] rev = s.dims();
              for (int i = 0; i < rev.length / 2; i++) {
                int t = rev[i];
                rev[i] = rev[rev.length - 1 - i];
                rev[rev.length - 1 - i] = t;
              }
              Shape target = r.nextBoolean() ? Shape.of(s.size()) : Shape.of(rev);
              return p.out(
                  b.node(
                      OpKind.RESHAPE,
                      new Attrs.Target(target),
                      List.of(p.add(TestData.normal(r, s)))));
            }));
    cases.add(
        new OpCase(
            "transpose",
            OpKind.TRANSPOSE,
            (r, b) -> {
              Params p = new Params(b);
              Shape s = TestData.shape(r, 2, 4, 3);
              List<Integer> perm = new ArrayList<>(IntStream.range(0, s.rank()).boxed().toList());
              java.util.Collections.shuffle(perm, r);
              return p.out(
                  b.node(
                      OpKind.TRANSPOSE,
                      new Attrs.Permute(perm),
                      List.of(p.add(TestData.normal(r, s)))));
            }));
    cases.add(
        new OpCase(
            "pad",
            OpKind.PAD,
            (r, b) -> {
              Params p = new Params(b);
              Shape s = TestData.shape(r, 1, 4, 3);
              List<Integer> before = new ArrayList<>();
              List<Integer> after = new ArrayList<>();
              for (int i = 0; i < s.rank(); i++) {
                before.add(r.nextInt(3));
                after.add(i == 0 ? 1 + r.nextInt(2) : r.nextInt(3));
              }
              return p.out(b.pad(p.add(TestData.normal(r, s)), before, after));
            }));
    cases.add(
        new OpCase(
            "slice",
            OpKind.SLICE,
            (r, b) -> {
              Params p = new Params(b);
              Shape s = TestData.shape(r, 1, 4, 4).with(0, 2 + r.nextInt(3));
              List<Integer> start = new ArrayList<>();
              List<Integer> end = new ArrayList<>();
              for (int i = 0; i < s.rank(); i++) {
                int a = r.nextInt(s.dim(i));
                start.add(i == 0 ? 1 : a);
                end.add(i == 0 ? s.dim(0) : a + 1 + r.nextInt(s.dim(i) - a));
              }
              return p.out(b.slice(p.add(TestData.normal(r, s)), start, end));
            }));
    cases.add(
        new OpCase(
            "concat",
            OpKind.CONCAT,
            (r, b) -> {
              Params p = new Params(b);
              Shape s = TestData.shape(r, 1, 3, 3);
              int axis = r.nextInt(s.rank());
              List<Node> parts = new ArrayList<>();
              int n = 2 + r.nextInt(2);
              for (int k = 0; k < n; k++) {
                parts.add(p.add(TestData.normal(r, s.with(axis, 1 + r.nextInt(3)))));
              }
              return p.out(b.concat(axis, parts));
            }));
    cases.add(
        new OpCase(
            "matmul",
            OpKind.MATMUL,
            (r, b) -> {
              Params p = new Params(b);
              int m = 1 + r.nextInt(4);
              int k = 1 + r.nextInt(4);
              int n = 1 + r.nextInt(4);
              return p.out(
                  b.matmul(
                      p.add(TestData.normal(r, Shape.of(m, k))),
                      p.add(TestData.normal(r, Shape.of(k, n)))));
            }));
    cases.add(
        new OpCase(
            "conv2d",
            OpKind.CONV2D,
            (r, b) -> {
              Params p = new Params(b);
              ConvSetup c = ConvSetup.random(r);
              return p.out(
                  b.conv2d(p.add(TestData.normal(r, c.x)), p.add(TestData.normal(r, c.w)), c.conv));
            }));
    cases.add(
        new OpCase(
            "conv2d backward input",
            OpKind.CONV2D_BACKWARD_INPUT,
            (r, b) -> {
              Params p = new Params(b);
              ConvSetup c = ConvSetup.random(r);
              return p.out(
                  b.conv2dBackwardInput(
                      p.add(TestData.normal(r, c.y)), p.add(TestData.normal(r, c.w)), c.conv, c.x));
            }));
    cases.add(
        new OpCase(
            "conv2d backward weight",
            OpKind.CONV2D_BACKWARD_WEIGHT,
            (r, b) -> {
              Params p = new Params(b);
              ConvSetup c = ConvSetup.random(r);
              return p.out(
                  b.conv2dBackwardWeight(
                      p.add(TestData.normal(r, c.x)), p.add(TestData.normal(r, c.y)), c.conv, c.w));
            }));
    cases.add(
        new OpCase(
            "avg pool",
            OpKind.AVG_POOL,
            (r, b) -> {
              Params p = new Params(b);
              PoolSetup s = PoolSetup.random(r);
              return p.out(b.avgPool(p.add(TestData.normal(r, s.x)), s.pool));
            }));
    cases.add(
        new OpCase(
            "avg pool backward",
            OpKind.AVG_POOL_BACKWARD,
            (r, b) -> {
              Params p = new Params(b);
              PoolSetup s = PoolSetup.random(r);
              return p.out(b.avgPoolBackward(p.add(TestData.normal(r, s.y)), s.pool, s.x));
            }));
    cases.add(
        new OpCase(
            "max pool",
            OpKind.MAX_POOL,
            (r, b) -> {
              Params p = new Params(b);
              PoolSetup s = PoolSetup.random(r);
              return p.out(b.maxPool(p.add(TestData.distinct(r, s.x)), s.pool));
            }));
    cases.add(
        new OpCase(
            "max pool backward",
            OpKind.MAX_POOL_BACKWARD,
            (r, b) -> {
              Params p = new Params(b);
              PoolSetup s = PoolSetup.random(r);
              return p.out(
                  b.maxPoolBackward(
                      p.add(TestData.distinct(r, s.x)), p.add(TestData.normal(r, s.y)), s.pool));
            }));
    cases.add(
        new OpCase(
            "max pool select",
            OpKind.MAX_POOL_SELECT,
            (r, b) -> {
              Params p = new Params(b);
              PoolSetup s = PoolSetup.random(r);
              return p.out(
                  b.maxPoolSelect(
                      p.add(TestData.distinct(r, s.x)), p.add(TestData.normal(r, s.x)), s.pool));
            }));
    cases.add(
        new OpCase(
            "log softmax",
            OpKind.LOG_SOFTMAX,
            (r, b) -> {
              Params p = new Params(b);
              Shape s = TestData.shape(r, 1, 3, 4);
              return p.out(
                  b.logSoftmax(p.add(TestData.normal(r, s).map(v -> 3 * v)), r.nextInt(s.rank())));
            }));
    return cases;
  }

  private static Built reduce(Random r, GraphBuilder b, boolean max) {
    Params p = new Params(b);
    Shape s = TestData.shape(r, 1, 4, 3);
    List<Integer> axes = new ArrayList<>();
    for (int i = 0; i < s.rank(); i++) {
      if (r.nextBoolean()) {
        axes.add(i);
      }
    }
    if (axes.isEmpty()) {
      axes.add(r.nextInt(s.rank()));
    }
    boolean keep = r.nextBoolean();
    Node x = p.add(max ? TestData.distinct(r, s) : TestData.normal(r, s));
    return p.out(max ? b.reduceMax(x, axes, keep) : b.sum(x, axes, keep));
  }

  /** Random convolution shapes: groups, stride, padding and kernel all vary. */
  record ConvSetup(Shape x, Shape w, Shape y, Attrs.Conv conv) {
    static ConvSetup random(Random r) {
      int groups = 1 + r.nextInt(2);
      int cg = 1 + r.nextInt(2);
      int og = 1 + r.nextInt(2);
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(3);
      Attrs.Conv conv =
          new Attrs.Conv(1 + r.nextInt(2), 1 + r.nextInt(2), r.nextInt(2), r.nextInt(2), groups);
      Shape x =
          Shape.of(1 + r.nextInt(2), groups * cg, kh + 1 + r.nextInt(3), kw + 1 + r.nextInt(3));
      Shape w = Shape.of(groups * og, cg, kh, kw);
      Shape y =
          Shape.of(
              x.dim(0),
              w.dim(0),
              (x.dim(2) + 2 * conv.padH() - kh) / conv.strideH() + 1,
              (x.dim(3) + 2 * conv.padW() - kw) / conv.strideW() + 1);
      return new ConvSetup(x, w, y, conv);
    }
  }

  /** Random pooling shapes: window, stride, padding and rounding all vary. */
  record PoolSetup(Shape x, Shape y, Attrs.Pool pool) {
    static PoolSetup random(Random r) {
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(3);
      Attrs.Pool pool =
          new Attrs.Pool(
              kh,
              kw,
              1 + r.nextInt(3),
              1 + r.nextInt(3),
              r.nextInt(kh / 2 + 1),
              r.nextInt(kw / 2 + 1),
              r.nextBoolean());
      Shape x = Shape.of(1 + r.nextInt(2), 1 + r.nextInt(2), kh + r.nextInt(4), kw + r.nextInt(4));
      Shape y = new GraphBuilder().maxPool(new GraphBuilder().input("x", x), pool).shape();
      return new PoolSetup(x, y, pool);
    }
  }

  static Stream<Arguments> args() {
    return cases().stream()
        .flatMap(c -> IntStream.range(0, SEEDS).mapToObj(s -> Arguments.of(c, (long) s)));
  }

  /** loss = Σ R ⊙ op(params) with a random R, so every output element's adjoint is exercised. */
  static GradientCheckReport checkCase(OpCase c, long seed) {
    Random r = new Random(seed * 7919 + c.name().hashCode());
    GraphBuilder b = new GraphBuilder();
    Built built = c.build().apply(r, b);
    Node weights = b.constant(TestData.normal(r, built.out().shape()));
    Node loss = b.sumAll(b.mul(built.out(), weights));
    Function f = new Function(c.name(), Graph.of("loss", loss));
    return GradientCheck.check(f, "loss", built.values(), seed, Tolerance.standard());
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("args")
  void vjpMatchesFiniteDifferences(OpCase c, long seed) {
    GradientCheckReport report = checkCase(c, seed);
    assertTrue(report.passed(), () -> c.name() + " seed " + seed + ":\n" + report.summary());
  }
}
