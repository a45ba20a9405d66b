package convnet.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import convnet.autodiff.Attrs;
import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.kernels.Parallel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pooling epilogue ({@link Planner}'s fusion of the elementwise kernel that reads a pooling
 * kernel's output, forward or gradient, into that kernel): a training step compiled with it gives
 * bitwise the outputs of the same step compiled without it, on 1, 2 and 3 threads, for seeded
 * random convolution–activation–pooling stacks (max and average pooling, the 2×2 stride-2 window
 * with its vector kernels over maps narrower and wider than a vector, and general windows with
 * padding, overlap and ceil mode; a dropout mask or a rectifier after the pooling; pooled values
 * and gradients that are also outputs of the function, so the fused kernel must store them).
 */
class PoolEpilogueTest {
  /** What follows a pooling layer in the forward pass. */
  enum After {
    NOTHING,
    DROPOUT,
    ABS
  }

  /** A random network, its pooling windows (as text) and what follows each. */
  record Built(Nets.Net net, List<String> pools, List<After> afters) {}

  static Built random(long seed, int batch) {
    Nets.Net n = new Nets.Net(seed, batch);
    Random r = n.random;
    int channels = 1 + r.nextInt(3);
    int size = 6 + 2 * r.nextInt(8);
    Node h =
        n.input(
            "input",
            Shape.of(batch, channels, size, size),
            Nets.normal(r, Shape.of(batch, channels, size, size), 1));
    List<String> pools = new ArrayList<>();
    List<After> afters = new ArrayList<>();
    int layers = 1 + r.nextInt(2);
    for (int l = 0; l < layers && h.shape().dim(2) >= 4; l++) {
      int in = h.shape().dim(1);
      int maps = 2 + r.nextInt(5);
      String layer = "L" + l;
      Node w = n.param(layer + ".weight", Shape.of(maps, in, 3, 3), 1.0 / Math.sqrt(in * 9), true);
      Node bias = n.param(layer + ".bias", Shape.of(maps, 1, 1), 0.1, true);
      Node y = n.b.add(n.b.conv2d(h, w, new Attrs.Conv(1, 1, 1, 1, 1)), bias);
      h =
          switch (r.nextInt(3)) {
            case 0 -> n.b.relu(y);
            case 1 -> n.b.abs(y);
            default -> n.b.tanh(y);
          };
      Attrs.Pool pool =
          switch (r.nextInt(5)) {
            case 0, 1 -> Attrs.Pool.window(2, 2);
            case 2 -> new Attrs.Pool(3, 3, 2, 2, 1, 1, false);
            case 3 -> new Attrs.Pool(2, 2, 1, 1, 0, 0, false);
            default -> new Attrs.Pool(3, 3, 3, 3, 0, 0, true);
          };
      pools.add(pool.toString());
      h = r.nextBoolean() ? n.b.maxPool(h, pool) : n.b.avgPool(h, pool);
      After after = After.values()[r.nextInt(After.values().length)];
      afters.add(after);
      h =
          switch (after) {
            case NOTHING -> h;
            case DROPOUT -> n.dropout(layer + "_dropout", h, 0.3);
            case ABS -> n.b.abs(h);
          };
    }
    n.withLogits(n.logistic("L_logistic", h, 3));
    return new Built(n, pools, afters);
  }

  static LongStream seeds() {
    return LongStream.range(0, 24);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomNetworksGiveTheUnfusedBitsOn1_2_3Threads(long seed) {
    Built built = random(seed, 2 + (int) (seed % 4));
    Nets.Net net = built.net();
    Function step = net.trainingStep("pool" + seed, net.logits);
    // Every third network also returns every pooling output, forward and gradient: the fused
    // kernel then keeps them for the batch instead of one image at a time.
    boolean keep = seed % 3 == 0;
    int poolings = 0;
    Map<String, Node> outputs = new LinkedHashMap<>(step.graph().outputs());
    for (Node node : step.graph().nodes()) {
      if (isPooling(node)) {
        poolings++;
        if (keep) {
          outputs.put("pooling/" + poolings, node);
        }
      }
    }
    step = new Function(step.name(), Graph.of(outputs));
    String context = "seed " + seed + " " + built.pools() + " " + built.afters();
    boolean inPlace = seed % 2 == 0;
    boolean convPooling = seed % 4 < 2;
    int saved = Parallel.threads();
    try {
      Parallel.setThreads(1);
      CompiledFunction unfused =
          Compiler.compile(
              step, CompileOptions.defaults().withInPlaceUpdates(inPlace).withPoolEpilogues(false));
      assertFalse(unfused.explain().contains("pool+elementwise"), context);
      assertFalse(unfused.explain().contains("pool_backward+elementwise"), context);
      Map<String, Tensor> want = unfused.run(net.values);
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        CompiledFunction fused =
            Verification.verified(
                Compiler.compile(
                    step,
                    CompileOptions.defaults()
                        .withInPlaceUpdates(inPlace)
                        .withPoolEpilogues(true)
                        .withConvPooling(convPooling)));
        String explain = fused.explain();
        // Each pooling gradient is followed by its activation's gradient, an elementwise kernel
        // over the gradient's shape; each pooling followed by a dropout mask or abs feeds it.
        long forwardTails = built.afters().stream().filter(a -> a != After.NOTHING).count();
        assertEquals(
            built.pools().size(),
            count(explain, "pool_backward+elementwise"),
            context + ": pooling gradients with an epilogue\n" + explain);
        assertEquals(
            forwardTails,
            count(explain, "_pool+elementwise"),
            context + ": pooling forward passes with an epilogue\n" + explain);
        // Each pooling follows its convolution's activation, so the convolution runs it too when
        // asked to.
        assertEquals(
            convPooling ? built.pools().size() : 0,
            count(explain, "conv2d+elementwise+max_pool")
                + count(explain, "conv2d+elementwise+avg_pool"),
            context + ": poolings run by their convolution\n" + explain);
        // Not stored: each convolution's output (its epilogue alone reads it) and, unless they are
        // outputs, each pooling gradient and each pooled value that only a dropout mask reads
        // (abs's
        // gradient reads the pooled value too).
        long perImage = count(explain, "(one image per thread, not stored)");
        long convolutions = built.pools().size();
        long dropouts = built.afters().stream().filter(a -> a == After.DROPOUT).count();
        assertEquals(
            convolutions + (keep ? 0 : built.pools().size() + dropouts),
            perImage,
            context + ": outputs kept one image at a time\n" + explain);
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
      Nets.Net net = nets.get(i).apply(5L, 6);
      Function step = net.trainingStep("named" + i, net.logits);
      CompiledFunction fused =
          Verification.verified(
              Compiler.compile(step, CompileOptions.defaults().withPoolEpilogues(true)));
      CompiledFunction unfused =
          Compiler.compile(step, CompileOptions.defaults().withPoolEpilogues(false));
      // In the Jarrett net each pooling gradient is read first through local contrast
      // normalization's reductions (which depend on it), so it has no epilogue to take.
      assertEquals(
          i != 0,
          fused.explain().contains("pool_backward+elementwise"),
          "net " + i + " is fused\n" + fused.explain());
      Map<String, Tensor> want = unfused.run(net.values);
      Map<String, Tensor> got = fused.run(net.values);
      for (String out : want.keySet()) {
        assertArrayEquals(
            want.get(out).toFloatArray(), got.get(out).toFloatArray(), "net " + i + ": " + out);
      }
    }
  }

  private static boolean isPooling(Node n) {
    OpKind k = n.kind();
    return k == OpKind.MAX_POOL
        || k == OpKind.AVG_POOL
        || k == OpKind.MAX_POOL_BACKWARD
        || k == OpKind.AVG_POOL_BACKWARD;
  }

  private static long count(String text, String word) {
    long count = 0;
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      count++;
    }
    return count;
  }
}
