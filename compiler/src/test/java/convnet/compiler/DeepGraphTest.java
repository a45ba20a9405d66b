package convnet.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.DType;
import convnet.autodiff.Function;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.PassWork;
import convnet.autodiff.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Very long elementwise chains (thousands of layers, or one huge user function): they compile into
 * several kernels that each fit one JIT-compiled method, give the interpreter's results, never
 * overflow the stack, and cost the compiler work that grows linearly with the length of the chain.
 */
class DeepGraphTest {

  /**
   * A conv layer, then {@code layers} elementwise layers alternating abs and tanh, then a
   * classifier.
   */
  private static Nets.Net absTanhChain(int layers, long seed) {
    Nets.Net net = new Nets.Net(seed, 2);
    Node x =
        net.input("input", Shape.of(2, 1, 5, 5), Nets.normal(net.random, Shape.of(2, 1, 5, 5), 1));
    Node h = net.convRelu("L1_conv", x, 2, 3, 0);
    for (int i = 0; i < layers; i++) {
      h = i % 2 == 0 ? net.b.abs(h) : net.b.tanh(h);
    }
    return net.withLogits(net.logistic("out", h, 3));
  }

  /** A user function of {@code operators} binary operators: s ← 0.9·s + tanh(x), repeated. */
  private static Nets.Net longFunction(int operators, long seed) {
    Nets.Net net = new Nets.Net(seed, 2);
    Node x =
        net.input("input", Shape.of(2, 1, 5, 5), Nets.normal(net.random, Shape.of(2, 1, 5, 5), 1));
    Node h = net.convRelu("L1_conv", x, 2, 3, 0);
    Node t = net.b.tanh(h);
    Node s = t;
    for (int i = 0; i < operators / 2; i++) {
      s = net.b.add(net.b.mul(s, 0.9 - 1e-5 * i), t);
    }
    return net.withLogits(net.logistic("out", s, 3));
  }

  private static void assertMatchesInterpreter(
      Function f, Map<String, convnet.autodiff.Tensor> values, String context) {
    CompiledFunction compiled =
        Verification.verified(Compiler.compile(f, CompileOptions.defaults()));
    assertTrue(
        compiled.kernels().size() > 2, context + ": the chain is split into several kernels");
    Map<String, convnet.autodiff.Tensor> got = compiled.run(values);
    Close.assertAllClose(
        Interpreter.compile(f, DType.F64).run(values), got, context + " vs float64");
    Close.assertAllClose(
        Interpreter.compile(f, DType.F32).run(values), got, context + " vs float32");
  }

  @Test
  void longElementwiseChainCompiles() {
    Nets.Net net = absTanhChain(2_000, 1);
    assertMatchesInterpreter(
        net.trainingStep("chain2000", net.logits), net.values, "2,000 abs/tanh layers");
  }

  /**
   * The costliest nodes to generate (comparisons, selections, sign) in a long chain still fit their
   * methods.
   */
  @Test
  void longChainOfComparisonsCompiles() {
    Nets.Net net = new Nets.Net(6, 2);
    Node x =
        net.input("input", Shape.of(2, 1, 5, 5), Nets.normal(net.random, Shape.of(2, 1, 5, 5), 1));
    Node h = net.convRelu("L1_conv", x, 2, 3, 0);
    for (int i = 0; i < 300; i++) {
      Node s = net.b.sign(net.b.sub(h, net.b.scalar(0.01 * (i % 7))));
      h =
          net.b.where(
              net.b.gt(s, net.b.scalar(0)), net.b.mul(h, 0.99), net.b.add(net.b.mul(s, 0.5), h));
    }
    net.withLogits(net.logistic("out", h, 3));
    assertMatchesInterpreter(
        net.trainingStep("comparisons", net.logits), net.values, "300 layers of comparisons");
  }

  /**
   * The size limit of fused kernels leaves ordinary networks (LCN and its gradient included) fused
   * as before.
   */
  @Test
  void ordinaryNetworksFuseAsWithoutTheLimit() {
    for (Nets.Net net :
        java.util.List.of(Nets.jarrett(1, 2), Nets.vggLike(1, 2), Nets.frozenStrided(1, 2))) {
      Function step = net.trainingStep("step", net.logits);
      Compiler.Plan plan = Compiler.plan(step, CompileOptions.defaults().withInPlaceUpdates(true));
      Planner unlimited = Planner.of(plan.planner().graph, true, Integer.MAX_VALUE);
      assertEquals(unlimited.steps.size(), plan.planner().steps.size(), "steps of " + step.name());
      int largest = unlimited.steps.stream().mapToInt(st -> st.nodes.size()).max().orElse(0);
      assertTrue(largest <= Planner.MAX_FUSED_NODES, "largest unit " + largest);
    }
  }

  @Test
  void longFunctionCompiles() {
    Nets.Net net = longFunction(2_000, 2);
    assertMatchesInterpreter(
        net.trainingStep("fn2000", net.logits), net.values, "a function of 2,000 operators");
  }

  /**
   * 20,000 layers: the training step is differentiated and planned (every graph pass), and the
   * forward pass is compiled and run; nothing may recurse once per layer.
   */
  @Test
  void deepNetworkNoStackOverflow() {
    Nets.Net net = absTanhChain(20_000, 3);
    Compiler.Plan plan =
        Compiler.plan(net.trainingStep("chain20000", net.logits), CompileOptions.defaults());
    assertTrue(
        plan.planner().steps.size() > 20_000 / Planner.MAX_FUSED_NODES,
        "steps: " + plan.planner().steps.size());
    Function inference = net.inference("chain20000", net.logits);
    Map<String, convnet.autodiff.Tensor> values = new LinkedHashMap<>(net.values);
    Close.assertAllClose(
        Interpreter.compile(inference, DType.F32).run(values),
        Compiler.compile(inference, CompileOptions.defaults()).run(values),
        "20,000 layers");
  }

  /**
   * The work of differentiating and planning (node visits of every graph pass) per chain length:
   * doubling the chain may at most about double it.
   */
  @Test
  void passesAreNearLinear() {
    int[] lengths = {1_000, 2_000, 4_000, 8_000};
    long[] work = new long[lengths.length];
    for (int i = 0; i < lengths.length; i++) {
      Nets.Net net = absTanhChain(lengths[i], 4);
      long before = PassWork.total();
      Compiler.plan(
          net.trainingStep("chain" + lengths[i], net.logits),
          CompileOptions.defaults().withInPlaceUpdates(true));
      work[i] = PassWork.total() - before;
    }
    for (int i = 1; i < lengths.length; i++) {
      double ratio = (double) work[i] / work[i - 1];
      // Linear work doubles; a quadratic pass would multiply it by four. 2.5 leaves room for fixed
      // costs.
      assertTrue(
          ratio < 2.5,
          "compiler work grew "
              + ratio
              + "x from "
              + lengths[i - 1]
              + " to "
              + lengths[i]
              + " layers (visits: "
              + java.util.Arrays.toString(work)
              + ")");
      assertTrue(
          ratio > 1.5,
          "the work count " + java.util.Arrays.toString(work) + " must follow the chain length");
    }
  }

  @Test
  void interruptStopsCompilation() {
    Nets.Net net = absTanhChain(200, 5);
    Function step = net.trainingStep("chain200", net.logits);
    Thread.currentThread().interrupt();
    assertThrows(
        CompilationInterruptedException.class,
        () -> Compiler.compile(step, CompileOptions.defaults()));
    assertFalse(Thread.interrupted(), "the interrupt is consumed, as by InterruptedException");
  }
}
