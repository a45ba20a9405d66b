package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.rewrite.EliminateCommonSubexpressions;
import convnet.autodiff.rewrite.FoldConstants;
import convnet.autodiff.rewrite.Pass;
import convnet.autodiff.rewrite.PassStats;
import convnet.autodiff.rewrite.Pipeline;
import convnet.autodiff.rewrite.SimplifyAlgebra;
import convnet.autodiff.rewrite.SumMapsFirst;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pass keeps interpreter results, is idempotent, and returns the same instance when nothing
 * changes.
 */
class RewriteProperties {
  static final int SEEDS = Integer.getInteger("autodiff.seeds", 40);

  /**
   * A random graph over [2, 3] and [2, 3, 4, 4] values, rich in what the passes look for:
   * multiplications by 0 and 1, double negations, exp(log), sums of broadcasts, constant
   * subexpressions, duplicated subtrees from a second builder, and convolutions whose weight is
   * equal across maps (given as a constant or a broadcast).
   */
  static Graph randomGraph(Random r) {
    GraphBuilder b = new GraphBuilder();
    GraphBuilder other = new GraphBuilder();
    Shape s = Shape.of(2, 3);
    List<Node> pool =
        new ArrayList<>(
            List.of(
                b.param("x", s),
                b.param("y", Shape.of(3)),
                b.param("z", Shape.of(2, 1)),
                b.constant(TestData.normal(r, s)),
                b.scalar(2)));
    for (int step = 0; step < 14; step++) {
      Node a = pool.get(r.nextInt(pool.size()));
      Node c = pool.get(r.nextInt(pool.size()));
      Node n =
          switch (r.nextInt(16)) {
            case 0 -> b.mul(a, b.scalar(1));
            case 1 -> b.add(b.zeros(s), a);
            case 2 -> b.mul(a, b.full(Shape.of(3), 0));
            case 3 -> b.neg(b.neg(a));
            case 4 -> b.exp(b.log(b.add(b.square(a), 1)));
            case 5 ->
                b.sum(
                    b.broadcastTo(b.reshape(b.sumAll(a), Shape.of(1, 1)), Shape.of(4, 2, 3)),
                    List.of(0),
                    false);
            case 6 -> b.tanh(b.add(a, c));
            case 7 -> b.mul(a, c);
            case 8 -> b.sub(a, b.sigmoid(c));
            case 9 -> b.max(a, b.mul(c, 0.5));
            case 10 -> b.mul(b.constant(TestData.normal(r, s)), b.add(b.scalar(3), b.scalar(-1)));
            case 11 -> b.transpose(b.transpose(b.broadcastTo(a, s), 1, 0), 1, 0);
            case 12 -> b.div(a, b.scalar(1));
            case 13 -> b.pow(b.tanh(a), b.scalar(2));
            case 14 -> b.where(b.gt(a, 0), c, c);
            default -> b.reshape(b.reshape(b.broadcastTo(a, s), Shape.of(6)), s);
          };
      pool.add(b.broadcastTo(n, Shape.broadcast(n.shape(), s)));
    }
    Map<String, Node> outs = new LinkedHashMap<>();
    outs.put("a", pool.get(pool.size() - 1));
    outs.put("b", b.sumAll(pool.get(pool.size() - 2)));
    // The same expression built by an unrelated builder: only CSE can merge it with the first.
    Node x2 = other.param("x", s);
    outs.put("c", other.add(other.tanh(x2), other.mul(x2, 1)));
    outs.put("d", b.add(b.tanh(b.param("x", s)), b.mul(b.param("x", s), 1)));
    Shape is = Shape.of(2, 3, 4, 4);
    Node img = b.param("img", is);
    Tensor single = TestData.normal(r, Shape.of(2, 1, 3, 3));
    Node w =
        r.nextBoolean()
            ? b.constant(broadcastMaps(single, 3))
            : b.broadcastTo(b.constant(single), Shape.of(2, 3, 3, 3));
    Node conv = b.conv2d(img, w, new Attrs.Conv(1, 1, 1, 1, 1));
    Node imgLoss = b.sumAll(b.mul(b.tanh(conv), b.constant(TestData.normal(r, conv.shape()))));
    outs.put("conv", conv);
    outs.put("grad/img", Grad.grad(b, imgLoss, List.of(img)).get(0));
    return Graph.of(outs);
  }

  static Tensor broadcastMaps(Tensor single, int maps) {
    Shape s = single.shape().with(1, maps);
    int block = s.dim(2) * s.dim(3);
    double[] d = new double[s.size()];
    for (int o = 0; o < s.dim(0); o++) {
      for (int m = 0; m < maps; m++) {
        System.arraycopy(single.data(), o * block, d, (o * maps + m) * block, block);
      }
    }
    return Tensor.wrap(s, d);
  }

  static List<Pass> passes() {
    return List.of(
        new EliminateCommonSubexpressions(),
        new FoldConstants(),
        new SimplifyAlgebra(),
        new SumMapsFirst());
  }

  static Stream<Arguments> args() {
    return passes().stream()
        .flatMap(p -> IntStream.range(0, SEEDS).mapToObj(s -> Arguments.of(p.name(), (long) s)));
  }

  static Pass pass(String name) {
    return passes().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  static void assertSameResults(Graph g, Graph h, Map<String, Tensor> values, String what) {
    Map<String, Tensor> a = Interpreter.evaluate(g, values, DType.F64);
    Map<String, Tensor> c = Interpreter.evaluate(h, values, DType.F64);
    assertEquals(a.keySet(), c.keySet(), what);
    for (String k : a.keySet()) {
      Tensor x = a.get(k);
      double scale = 1 + x.maxAbsDiff(Tensor.zeros(x.shape()));
      // Rewrites reassociate sums (e.g. summing maps before convolving), so results agree to
      // rounding only.
      assertTrue(
          x.maxAbsDiff(c.get(k)) <= 1e-10 * scale,
          what + ": output " + k + " differs by " + x.maxAbsDiff(c.get(k)));
    }
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("args")
  void passKeepsResultsAndIsIdempotent(String name, long seed) {
    Random r = new Random(seed);
    Graph g = IrVerifier.verify(randomGraph(r));
    Map<String, Tensor> values = GradientCheck.randomValues(new Function("g", g), seed);
    Pass p = pass(name);
    Graph once = IrVerifier.verify(p.apply(g));
    assertSameResults(g, once, values, name + " seed " + seed);
    assertSame(once, p.apply(once), name + " seed " + seed + " is not idempotent:\n" + once);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void pipelineKeepsResultsAndShrinksTheGraph(long seed) {
    Random r = new Random(seed);
    Graph g = randomGraph(r);
    Map<String, Tensor> values = GradientCheck.randomValues(new Function("g", g), seed);
    Pipeline.Result result = Pipeline.standard().run(g, null);
    assertSameResults(g, result.graph(), values, "pipeline seed " + seed);
    assertTrue(result.graph().nodeCount() < g.nodeCount(), "seed " + seed + ": nothing simplified");
    assertEquals(4, result.stats().size());
    String table = result.statsTable();
    assertEquals(5, table.lines().count(), table);
    assertTrue(table.lines().skip(1).allMatch(l -> l.matches("[a-z-]+ +\\d+ +\\d+")), table);
    for (int i = 1; i < result.stats().size(); i++) {
      assertEquals(
          result.stats().get(i - 1).nodesAfter(),
          result.stats().get(i).nodesBefore(),
          "seed " + seed);
    }
  }

  static Stream<Long> seeds() {
    return IntStream.range(0, 10).mapToObj(i -> (long) i);
  }

  @Test
  void unchangedGraphIsReturnedAsTheSameInstance() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.param("x", Shape.of(2, 2));
    Graph g = Graph.of("out", b.tanh(b.mul(x, x)));
    for (Pass p : passes()) {
      assertSame(g, p.apply(g), p.name());
    }
    Pipeline.Result r = Pipeline.standard().run(g, null);
    assertSame(g, r.graph());
    assertTrue(r.stats().stream().noneMatch(PassStats::changed));
  }

  @Test
  void identitiesRewriteToTheExpectedNodes() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.param("x", Shape.of(2, 3));
    Graph g =
        Graph.of(
            Map.of(
                "x1",
                b.mul(x, 1),
                "x0",
                b.add(b.zeros(Shape.of(2, 3)), x),
                "nn",
                b.neg(b.neg(x)),
                "el",
                b.exp(b.log(x))));
    Graph s = new SimplifyAlgebra().apply(g);
    for (String k : g.outputs().keySet()) {
      assertSame(x, s.output(k), k);
    }
    Node sumOfBroadcast =
        b.sum(b.broadcastTo(b.reshape(x, Shape.of(1, 2, 3)), Shape.of(5, 2, 3)), 0);
    Node rewritten = new SimplifyAlgebra().apply(Graph.of("s", sumOfBroadcast)).output("s");
    assertEquals(OpKind.BINARY, rewritten.kind());
    assertTrue(
        rewritten.is(ScalarOp.MUL) && rewritten.input(1).isUniformConstant(5),
        rewritten.toString());
    Node folded =
        new FoldConstants()
            .apply(Graph.of("c", b.add(b.scalar(2), b.mul(b.scalar(3), b.scalar(4)))))
            .output("c");
    assertEquals(14.0, folded.constantValue().item());
  }

  @Test
  void cseMergesEqualNodesFromDifferentBuilders() {
    Node a = new GraphBuilder().tanh(new GraphBuilder().param("x", Shape.of(3)));
    Node c = new GraphBuilder().tanh(new GraphBuilder().param("x", Shape.of(3)));
    assertNotSame(a, c);
    Graph g = Graph.of(Map.of("a", a, "c", c));
    Graph h = new EliminateCommonSubexpressions().apply(g);
    assertSame(h.output("a"), h.output("c"));
    assertEquals(2, h.nodeCount());
  }

  @Test
  void dumpPrintsTheGraphAfterEachPass() {
    GraphBuilder b = new GraphBuilder();
    Graph g = Graph.of("out", b.mul(b.param("x", Shape.of(2)), 1));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Pipeline.standard().run(g, new PrintStream(buf, true, StandardCharsets.UTF_8));
    String text = buf.toString(StandardCharsets.UTF_8);
    for (Pass p : passes()) {
      assertTrue(text.contains("== after " + p.name() + " =="), text);
    }
  }
}
