package convnet.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Attrs;
import convnet.autodiff.Function;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.kernels.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convolution epilogue ({@link Planner}'s fusion of the elementwise kernel after a forward
 * convolution into it): a training step compiled with it gives bitwise the outputs of the same step
 * compiled without it, on 1, 2 and 3 threads, for seeded random convolution stacks (every
 * convolution algorithm, activations with vector and scalar code, a sum of two convolutions, and an
 * elementwise kernel that depends on the convolution through a reduction and so must not be fused).
 */
class ConvEpilogueTest {
  /** What follows a random network's convolution. */
  enum Tail {
    BIAS_RELU,
    BIAS_TANH_GAIN,
    BIAS_ABS,
    BIAS_SIGMOID,
    SUM_OF_TWO_CONVS,
    MINUS_MEAN
  }

  /** A random network and, per convolution layer, what follows it. */
  record Built(Nets.Net net, List<Tail> tails) {}

  static Built random(long seed, int batch) {
    Nets.Net n = new Nets.Net(seed, batch);
    Random r = n.random;
    int[] channelChoices = {1, 2, 3, 5, 8};
    int channels = channelChoices[r.nextInt(channelChoices.length)];
    int size = 6 + r.nextInt(7);
    Node h =
        n.input(
            "input",
            Shape.of(batch, channels, size, size),
            Nets.normal(r, Shape.of(batch, channels, size, size), 1));
    List<Tail> tails = new ArrayList<>();
    int layers = 1 + r.nextInt(2);
    for (int l = 0; l < layers; l++) {
      int in = h.shape().dim(1);
      int at = h.shape().dim(2);
      // 2-4 output maps run the shifted-plane kernel, 16 the vector lane-maps one, 6 and 17 GEMM.
      int[] mapChoices = {2, 3, 4, 6, 16, 17};
      int maps = mapChoices[r.nextInt(mapChoices.length)];
      int k = Math.min(at, 1 + 2 * r.nextInt(3));
      int pad = r.nextInt(k / 2 + 1);
      int stride = r.nextInt(4) == 0 ? 2 : 1;
      int groups = in % 2 == 0 && maps % 2 == 0 && r.nextBoolean() ? 2 : 1;
      Attrs.Conv conv = new Attrs.Conv(stride, stride, pad, pad, groups);
      String layer = "L" + l;
      double scale = 1.0 / Math.sqrt(in / groups * k * k);
      Node w = n.param(layer + ".weight", Shape.of(maps, in / groups, k, k), scale, true);
      Node y = n.b.conv2d(h, w, conv);
      Node bias = n.param(layer + ".bias", Shape.of(maps, 1, 1), 0.1, true);
      Tail tail = Tail.values()[r.nextInt(Tail.values().length)];
      tails.add(tail);
      h =
          switch (tail) {
            case BIAS_RELU -> n.b.relu(n.b.add(y, bias));
            case BIAS_TANH_GAIN -> {
              Node gain = n.param(layer + ".gain", Shape.of(maps, 1, 1), 0.2, true);
              yield n.b.mul(n.b.add(gain, n.b.scalar(1.0)), n.b.tanh(n.b.add(y, bias)));
            }
            case BIAS_ABS -> n.b.abs(n.b.add(y, bias));
            case BIAS_SIGMOID -> n.b.sigmoid(n.b.add(y, bias));
            case SUM_OF_TWO_CONVS -> {
              Node w2 = n.param(layer + ".weight2", Shape.of(maps, in / groups, k, k), scale, true);
              yield n.b.relu(n.b.add(n.b.add(y, n.b.conv2d(h, w2, conv)), bias));
            }
            case MINUS_MEAN -> n.b.sub(y, n.b.mean(y, List.of(1, 2, 3), true));
          };
      if (h.shape().dim(2) >= 4 && r.nextBoolean()) {
        h = n.b.maxPool(h, Attrs.Pool.window(2, 2));
      }
    }
    n.withLogits(n.logistic("L_logistic", h, 3));
    return new Built(n, tails);
  }

  static LongStream seeds() {
    return LongStream.range(0, 24);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomNetworksGiveTheUnfusedBitsOn1_2_3Threads(long seed) {
    Built built = random(seed, 5);
    Nets.Net net = built.net();
    Function step = net.trainingStep("epilogue" + seed, net.logits);
    String context = "seed " + seed + " " + built.tails();
    boolean inPlace = seed % 2 == 0;
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(1);
      CompiledFunction unfused =
          Compiler.compile(
              step, CompileOptions.defaults().withInPlaceUpdates(inPlace).withConvEpilogues(false));
      assertTrue(!unfused.explain().contains("conv2d+elementwise"), context);
      Map<String, Tensor> want = unfused.run(net.values);
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        // The pooling epilogue is off here so that the count of unstored outputs is the
        // convolutions' alone (PoolEpilogueTest covers both fusions together).
        CompiledFunction fused =
            Verification.verified(
                Compiler.compile(
                    step,
                    CompileOptions.defaults()
                        .withInPlaceUpdates(inPlace)
                        .withConvEpilogues(true)
                        .withPoolEpilogues(false)));
        long expected = built.tails().stream().filter(t -> t != Tail.MINUS_MEAN).count();
        assertEquals(
            expected,
            count(fused.explain(), "conv2d+elementwise"),
            context + ": convolutions with an epilogue\n" + fused.explain());
        // Each of these convolutions' outputs is read by its epilogue alone.
        assertEquals(
            expected,
            count(fused.explain(), "(one image per thread, not stored)"),
            context + ": convolution outputs kept one image at a time\n" + fused.explain());
        Map<String, Tensor> got = fused.run(net.values);
        assertEquals(want.keySet(), got.keySet(), context);
        for (String out : want.keySet()) {
          assertArrayEquals(
              want.get(out).toFloatArray(),
              got.get(out).toFloatArray(),
              context + ": output " + out + " on " + threads + " threads, fused vs unfused");
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /** The small networks of the other tests (B2, B4 and protocol-R shapes), fused and unfused. */
  @Test
  void namedNetworksGiveTheUnfusedBits() {
    List<BiFunction<Long, Integer, Nets.Net>> nets =
        List.of(Nets::jarrett, Nets::vggLike, Nets::frozenStrided);
    for (int i = 0; i < nets.size(); i++) {
      Nets.Net net = nets.get(i).apply(3L, 7);
      Function step = net.trainingStep("named" + i, net.logits);
      CompiledFunction fused =
          Verification.verified(
              Compiler.compile(step, CompileOptions.defaults().withConvEpilogues(true)));
      CompiledFunction unfused =
          Compiler.compile(step, CompileOptions.defaults().withConvEpilogues(false));
      assertTrue(fused.explain().contains("conv2d+elementwise"), "net " + i + " is fused");
      Map<String, Tensor> want = unfused.run(net.values);
      Map<String, Tensor> got = fused.run(net.values);
      for (String out : want.keySet()) {
        assertArrayEquals(
            want.get(out).toFloatArray(), got.get(out).toFloatArray(), "net " + i + ": " + out);
      }
    }
  }

  private static long count(String text, String word) {
    long count = 0;
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      count++;
    }
    return count;
  }
}
