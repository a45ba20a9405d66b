package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.Tolerance;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradients of gradients: H = Σ_k S_k ⊙ ∂L/∂p_k for a nonlinear scalar L, then ∂H/∂p checked by
 * finite differences, so the vjps of the gradient ops themselves are exercised.
 */
class HigherOrderProperties {
  static final int SEEDS = Integer.getInteger("autodiff.seeds", 8);

  record Case(String name, BiFunction<Random, OpGradientProperties.Params, Node> build) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case(
            "elementwise",
            (r, p) -> {
              Shape s = TestData.shape(r, 1, 3, 3);
              Node x = p.add(TestData.normal(r, s));
              Node y = p.add(TestData.uniform(r, s, 0.5, 2));
              return p.b.add(
                  p.b.mul(p.b.tanh(x), p.b.sigmoid(y)),
                  p.b.div(p.b.exp(p.b.mul(x, 0.3)), p.b.sqrt(y)));
            }),
        new Case(
            "matmul",
            (r, p) -> {
              int m = 1 + r.nextInt(3);
              int k = 1 + r.nextInt(3);
              int n = 1 + r.nextInt(3);
              Node a = p.add(TestData.normal(r, Shape.of(m, k)));
              Node c = p.add(TestData.normal(r, Shape.of(k, n)));
              return p.b.tanh(p.b.matmul(a, c));
            }),
        new Case(
            "conv2d",
            (r, p) -> {
              var c = OpGradientProperties.ConvSetup.random(r);
              return p.b.tanh(
                  p.b.conv2d(
                      p.add(TestData.normal(r, c.x())),
                      p.add(TestData.normal(r, c.w()).map(v -> v * 0.5)),
                      c.conv()));
            }),
        new Case(
            "avg pool",
            (r, p) -> {
              var s = OpGradientProperties.PoolSetup.random(r);
              return p.b.tanh(p.b.avgPool(p.add(TestData.normal(r, s.x())), s.pool()));
            }),
        new Case(
            "max pool",
            (r, p) -> {
              var s = OpGradientProperties.PoolSetup.random(r);
              Node y = p.b.maxPool(p.add(TestData.distinct(r, s.x()).map(v -> v * 4)), s.pool());
              return p.b.mul(y, p.b.square(y));
            }),
        new Case(
            "log softmax and reductions",
            (r, p) -> {
              Shape s = Shape.of(2 + r.nextInt(2), 3);
              Node x = p.add(TestData.normal(r, s));
              return p.b.mul(p.b.logSoftmax(x, 1), p.b.reduceMax(x, List.of(1), true));
            }));
  }

  static Stream<Arguments> args() {
    return cases().stream()
        .flatMap(c -> IntStream.range(0, SEEDS).mapToObj(s -> Arguments.of(c, (long) s)));
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("args")
  void secondOrderGradientsMatchFiniteDifferences(Case c, long seed) {
    Random r = new Random(seed * 31 + c.name().hashCode());
    GraphBuilder b = new GraphBuilder();
    OpGradientProperties.Params p = new OpGradientProperties.Params(b);
    Node y = c.build().apply(r, p);
    Node loss = b.sumAll(b.mul(y, b.constant(TestData.normal(r, y.shape()))));
    Graph g = Graph.of("loss", loss);
    List<Node> params = List.copyOf(g.params().values());
    List<Node> grads = Grad.grad(b, loss, params);
    Node h = b.scalar(0);
    for (Node gk : grads) {
      h = b.add(h, b.sumAll(b.mul(gk, b.constant(TestData.normal(r, gk.shape())))));
    }
    Function f = new Function("second order " + c.name(), Graph.of("h", h));
    GradientCheckReport report = GradientCheck.check(f, "h", p.values, seed, Tolerance.standard());
    assertTrue(report.passed(), () -> c.name() + " seed " + seed + ":\n" + report.summary());
  }
}
