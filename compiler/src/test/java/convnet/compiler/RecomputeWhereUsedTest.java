package convnet.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Function;
import convnet.autodiff.Tensor;
import convnet.compiler.kernels.Parallel;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Planner}'s moving of cheap derivative terms (a relu's mask, a tanh's 1 − y²) out of the
 * forward kernels into the backward kernels that use them: a training step planned with it gives
 * bitwise the outputs of the same step planned without it, on 1, 2 and 3 threads, for seeded random
 * convolution stacks, and the forward kernels then store fewer tensors.
 */
class RecomputeWhereUsedTest {

  static LongStream seeds() {
    return LongStream.range(0, 24);
  }

  private static CompiledFunction compile(Function step, boolean recompute, boolean inPlace) {
    boolean saved = Planner.recompute;
    try {
      Planner.recompute = recompute;
      return Verification.verified(
          Compiler.compile(step, CompileOptions.defaults().withInPlaceUpdates(inPlace)));
    } finally {
      Planner.recompute = saved;
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomNetworksGiveTheSameBitsOn1_2_3Threads(long seed) {
    ConvEpilogueTest.Built built = ConvEpilogueTest.random(seed, 5);
    Nets.Net net = built.net();
    Function step = net.trainingStep("recompute" + seed, net.logits);
    String context = "seed " + seed + " " + built.tails();
    boolean inPlace = seed % 2 == 0;
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(1);
      CompiledFunction stored = compile(step, false, inPlace);
      Map<String, Tensor> want = stored.run(net.values);
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        CompiledFunction recomputed = compile(step, true, inPlace);
        Map<String, Tensor> got = recomputed.run(net.values);
        assertEquals(want.keySet(), got.keySet(), context);
        for (String out : want.keySet()) {
          assertArrayEquals(
              want.get(out).toFloatArray(),
              got.get(out).toFloatArray(),
              context + ": output " + out + " on " + threads + " threads");
        }
      }
      CompiledFunction recomputed = compile(step, true, inPlace);
      boolean derivativeTerms =
          built.tails().contains(ConvEpilogueTest.Tail.BIAS_RELU)
              || built.tails().contains(ConvEpilogueTest.Tail.BIAS_TANH_GAIN);
      if (derivativeTerms) {
        assertTrue(
            kernelWrites(recomputed) < kernelWrites(stored),
            context + ": fewer stored tensors\n" + recomputed.explain());
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /** The named networks of the other tests, and the relu mask leaves the forward kernel. */
  @Test
  void namedNetworksGiveTheSameBits() {
    List<BiFunction<Long, Integer, Nets.Net>> nets =
        List.of(Nets::jarrett, Nets::vggLike, Nets::frozenStrided);
    for (int i = 0; i < nets.size(); i++) {
      Nets.Net net = nets.get(i).apply(3L, 7);
      Function step = net.trainingStep("named" + i, net.logits);
      Map<String, Tensor> want = compile(step, false, true).run(net.values);
      Map<String, Tensor> got = compile(step, true, true).run(net.values);
      for (String out : want.keySet()) {
        assertArrayEquals(
            want.get(out).toFloatArray(), got.get(out).toFloatArray(), "net " + i + ": " + out);
      }
    }
  }

  /** A conv - relu - max-pool stage: its forward kernel computes no mask. */
  @Test
  void theReluMaskIsComputedInTheBackwardKernel() {
    for (long seed = 0; seed < 200; seed++) {
      ConvEpilogueTest.Built built = ConvEpilogueTest.random(seed, 2);
      if (!built.tails().equals(List.of(ConvEpilogueTest.Tail.BIAS_RELU))) {
        continue;
      }
      Nets.Net net = built.net();
      Function step = net.trainingStep("mask" + seed, net.logits);
      String plan = compile(step, true, false).explain();
      String forward = convKernel(plan);
      assertTrue(forward.contains("unary relu"), plan);
      assertFalse(forward.contains("binary gt"), "seed " + seed + ": mask in the forward\n" + plan);
      assertTrue(plan.contains("binary gt"), plan);
      String before = compile(step, false, false).explain();
      String forwardBefore = convKernel(before);
      assertTrue(forwardBefore.contains("binary gt"), "seed " + seed + "\n" + before);
      return;
    }
    throw new AssertionError("no seed gave a single conv - relu stage");
  }

  /** The explanation of the plan's first convolution kernel. */
  private static String convKernel(String plan) {
    int at = plan.indexOf("conv2d+elementwise");
    int end = plan.indexOf("\n\n", at);
    return plan.substring(at, end < 0 ? plan.length() : end);
  }

  /** How many tensors the kernels write, over all kernels. */
  private static long kernelWrites(CompiledFunction f) {
    return f.explain()
        .lines()
        .filter(l -> l.trim().startsWith("writes:"))
        .mapToLong(l -> l.split("\\]").length - 1)
        .sum();
  }
}
