package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Conv2dTest {

  /** A convolution shape: N, C, H, W, M, KH, KW, strides, paddings, groups. */
  record Geometry(
      int n,
      int c,
      int h,
      int w,
      int m,
      int kh,
      int kw,
      int sh,
      int sw,
      int ph,
      int pw,
      int groups) {

    static Geometry random(long seed) {
      Random r = new Random(seed);
      int groups = 1 + (r.nextInt(3) == 0 ? r.nextInt(3) : 0);
      int c = groups * (1 + r.nextInt(4));
      int m = groups * (1 + r.nextInt(r.nextBoolean() ? 4 : 20));
      int kh = 1 + r.nextInt(5);
      int kw = 1 + r.nextInt(5);
      int ph = r.nextInt(kh / 2 + 2);
      int pw = r.nextInt(kw / 2 + 2);
      int h = Math.max(1, kh - 2 * ph) + r.nextInt(12);
      int w = Math.max(1, kw - 2 * pw) + r.nextInt(12);
      return new Geometry(
          1 + r.nextInt(4), c, h, w, m, kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3), ph, pw, groups);
    }

    /**
     * Shapes that take the direct lane-maps path (output maps per group a multiple of 16, from 16
     * to 80, so that 512-bit vectors meet tiles of 1, 2 and 4 lane blocks; long kernel rows), with
     * strides, paddings and widths that leave partial pixel tiles and tiles that read only padding.
     */
    static Geometry randomWide(long seed) {
      Random r = new Random(seed);
      int groups = r.nextInt(4) == 0 ? 2 : 1;
      int k = 3 + r.nextInt(3);
      int cg = 8 + r.nextInt(17);
      int pad = r.nextInt(k / 2 + 1);
      int h = Math.max(1, k - 2 * pad) + r.nextInt(10);
      int w = Math.max(1, k - 2 * pad) + r.nextInt(14);
      return new Geometry(
          1 + r.nextInt(3),
          groups * cg,
          h,
          w,
          groups * 16 * (1 + r.nextInt(5)),
          k,
          k,
          1 + r.nextInt(2),
          1 + r.nextInt(2),
          pad,
          pad,
          groups);
    }

    /**
     * First-layer shapes for the direct pixels-in-lanes kernel: stride 1, 1 to 4 input maps and 5
     * or more output maps per group (some not a multiple of its 4-map tile), kernels up to 9x9,
     * paddings up to beyond half the kernel, widths from 1 to past a vector.
     */
    static Geometry randomFirstLayer(long seed) {
      Random r = new Random(seed);
      int groups = r.nextInt(5) == 0 ? 2 : 1;
      int cg = 1 + r.nextInt(4);
      int mg = 5 + r.nextInt(20);
      int kh = 1 + r.nextInt(9);
      int kw = 1 + r.nextInt(9);
      int ph = r.nextInt(kh / 2 + 2);
      int pw = r.nextInt(kw / 2 + 2);
      int h = Math.max(1, kh - 2 * ph) + r.nextInt(12);
      int w = Math.max(1, kw - 2 * pw) + r.nextInt(r.nextBoolean() ? 6 : 36);
      return new Geometry(
          1 + r.nextInt(3), groups * cg, h, w, groups * mg, kh, kw, 1, 1, ph, pw, groups);
    }

    Conv2d.Shape shape() {
      return new Conv2d.Shape(n, c, h, w, m, kh, kw, sh, sw, ph, pw, groups);
    }

    int oh() {
      return Conv2d.outputSize(h, kh, sh, ph);
    }

    int ow() {
      return Conv2d.outputSize(w, kw, sw, pw);
    }

    int xSize() {
      return n * c * h * w;
    }

    int wSize() {
      return m * (c / groups) * kh * kw;
    }

    int ySize() {
      return n * m * oh() * ow();
    }

    void terms(Reference.Term t) {
      Reference.convTerms(n, c, h, w, m, kh, kw, sh, sw, ph, pw, groups, t);
    }

    void forward(float[] x, float[] wt, float[] y) {
      Conv2d.forward(x, wt, y, n, c, h, w, m, kh, kw, sh, sw, ph, pw, groups);
    }

    void backwardInput(float[] dy, float[] wt, float[] dx) {
      Conv2d.backwardInput(dy, wt, dx, n, c, h, w, m, kh, kw, sh, sw, ph, pw, groups);
    }

    void backwardWeight(float[] x, float[] dy, float[] dw) {
      Conv2d.backwardWeight(x, dy, dw, n, c, h, w, m, kh, kw, sh, sw, ph, pw, groups);
    }
  }

  static Stream<Arguments> cases() {
    Stream<Arguments> random =
        Stream.concat(
            IntStream.range(0, 60).mapToObj(s -> Arguments.of("seed " + s, Geometry.random(s))),
            Stream.concat(
                IntStream.range(0, 40)
                    .mapToObj(s -> Arguments.of("wide seed " + s, Geometry.randomWide(s))),
                IntStream.range(0, 40)
                    .mapToObj(
                        s -> Arguments.of("first-layer seed " + s, Geometry.randomFirstLayer(s)))));
    // The benchmark networks' layers at batch 2, and the single-map 9x9 LCN convolution.
    Stream<Arguments> named =
        Stream.of(
            Arguments.of("B1 conv1", new Geometry(2, 1, 28, 28, 16, 5, 5, 1, 1, 0, 0, 1)),
            Arguments.of("B1 conv2", new Geometry(2, 16, 12, 12, 32, 5, 5, 1, 1, 0, 0, 1)),
            Arguments.of("B2 conv2", new Geometry(2, 32, 12, 12, 64, 5, 5, 1, 1, 0, 0, 1)),
            Arguments.of("LCN 24x24", new Geometry(2, 1, 24, 24, 1, 9, 9, 1, 1, 4, 4, 1)),
            Arguments.of("LCN 8x8", new Geometry(2, 1, 8, 8, 1, 9, 9, 1, 1, 4, 4, 1)),
            Arguments.of("B4 conv1", new Geometry(2, 3, 32, 32, 32, 3, 3, 1, 1, 1, 1, 1)),
            Arguments.of("B4 conv2", new Geometry(2, 32, 16, 16, 64, 3, 3, 1, 1, 1, 1, 1)),
            Arguments.of("B5 conv1", new Geometry(2, 1, 28, 28, 32, 5, 5, 1, 1, 2, 2, 1)),
            // A first layer whose dy rows, laid on the padded width, leave gaps wider than a
            // vector.
            Arguments.of("19x19 first layer", new Geometry(2, 1, 40, 40, 8, 19, 19, 1, 1, 9, 9, 1)),
            // 196 pixels: 32 tiles of 6 across rows, the last one filled up with copies of the last
            // pixel; the border tiles skip kernel rows and columns that read only padding.
            Arguments.of("B5 conv2", new Geometry(2, 32, 14, 14, 64, 5, 5, 1, 1, 2, 2, 1)),
            // B3's second convolution (64 -> 256 maps, 9x9) on smaller maps.
            Arguments.of("B3 conv2 12x12", new Geometry(1, 64, 12, 12, 256, 9, 9, 1, 1, 0, 0, 1)),
            Arguments.of("1x1 grouped", new Geometry(3, 6, 5, 7, 9, 1, 1, 1, 1, 0, 0, 3)),
            Arguments.of("depthwise strided", new Geometry(2, 4, 9, 9, 8, 3, 3, 2, 2, 1, 1, 4)),
            Arguments.of("4x4 maps", new Geometry(2, 8, 4, 4, 16, 3, 3, 1, 1, 1, 1, 1)));
    return Stream.concat(random, named);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesReference(String label, Geometry g) {
    Random r = new Random(label.hashCode());
    float[] x = Reference.random(r, g.xSize());
    float[] wt = Reference.random(r, g.wSize());
    float[] y = Reference.random(r, g.ySize());
    g.forward(x, wt, y);
    Reference.Result want = new Reference.Result(g.ySize());
    g.terms((xi, wi, yi) -> want.add(yi, (double) x[xi] * wt[wi]));
    Reference.assertClose(y, 0, want, label + " " + g + " forward");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void backwardInputMatchesReference(String label, Geometry g) {
    Random r = new Random(label.hashCode());
    float[] dy = Reference.random(r, g.ySize());
    float[] wt = Reference.random(r, g.wSize());
    float[] dx = Reference.random(r, g.xSize());
    g.backwardInput(dy, wt, dx);
    Reference.Result want = new Reference.Result(g.xSize());
    g.terms((xi, wi, yi) -> want.add(xi, (double) dy[yi] * wt[wi]));
    Reference.assertClose(dx, 0, want, label + " " + g + " backwardInput");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void backwardWeightMatchesReference(String label, Geometry g) {
    Random r = new Random(label.hashCode());
    float[] x = Reference.random(r, g.xSize());
    float[] dy = Reference.random(r, g.ySize());
    float[] dw = Reference.random(r, g.wSize());
    g.backwardWeight(x, dy, dw);
    Reference.Result want = new Reference.Result(g.wSize());
    g.terms((xi, wi, yi) -> want.add(wi, (double) x[xi] * dy[yi]));
    Reference.assertClose(dw, 0, want, label + " " + g + " backwardWeight");
  }

  @Test
  void offsetsAreHonoured() {
    Geometry g = new Geometry(2, 3, 6, 5, 4, 3, 3, 1, 2, 1, 0, 1);
    Random r = new Random(11);
    float[] x = Reference.random(r, g.xSize());
    float[] wt = Reference.random(r, g.wSize());
    float[] plain = new float[g.ySize()];
    g.forward(x, wt, plain);
    float[] xs = new float[g.xSize() + 7];
    float[] ws = new float[g.wSize() + 3];
    float[] ys = new float[g.ySize() + 10];
    System.arraycopy(x, 0, xs, 7, x.length);
    System.arraycopy(wt, 0, ws, 3, wt.length);
    Conv2d.forward(
        xs, 7, ws, 3, ys, 5, g.n, g.c, g.h, g.w, g.m, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.groups);
    float[] got = java.util.Arrays.copyOfRange(ys, 5, 5 + g.ySize());
    assertArrayEquals(plain, got);
    for (int i = 0; i < 5; i++) {
      assertTrue(ys[i] == 0f, "wrote before the output offset at " + i);
    }
  }

  @Test
  void backwardWeightIsBitwiseReproducibleForAGivenThreadCount() {
    int saved = Parallel.threads();
    try {
      Geometry g = new Geometry(64, 16, 12, 12, 32, 5, 5, 1, 1, 0, 0, 1);
      Random r = new Random(3);
      float[] x = Reference.random(r, g.xSize());
      float[] dy = Reference.random(r, g.ySize());
      for (int threads : new int[] {1, 2, 3}) {
        Parallel.setThreads(threads);
        float[] first = new float[g.wSize()];
        float[] second = new float[g.wSize()];
        g.backwardWeight(x, dy, first);
        g.backwardWeight(x, dy, second);
        assertArrayEquals(first, second, "threads " + threads);
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void forwardDoesNotDependOnThreadCount() {
    int saved = Parallel.threads();
    try {
      Geometry g = new Geometry(7, 3, 10, 10, 8, 3, 3, 1, 1, 1, 1, 1);
      Random r = new Random(5);
      float[] x = Reference.random(r, g.xSize());
      float[] wt = Reference.random(r, g.wSize());
      Parallel.setThreads(1);
      float[] one = new float[g.ySize()];
      g.forward(x, wt, one);
      Parallel.setThreads(3);
      float[] three = new float[g.ySize()];
      g.forward(x, wt, three);
      assertArrayEquals(one, three);
    } finally {
      Parallel.setThreads(saved);
    }
  }

  @Test
  void firstLayersTakeThePlaneKernel() {
    // So that the first-layer cases above test it: the benchmark networks' first layers, and random
    // ones.
    if (!KernelBackend.VECTOR) {
      return;
    }
    for (Geometry g :
        new Geometry[] {
          new Geometry(2, 1, 28, 28, 16, 5, 5, 1, 1, 0, 0, 1),
          new Geometry(2, 3, 32, 32, 32, 3, 3, 1, 1, 1, 1, 1),
          new Geometry(2, 1, 28, 28, 32, 5, 5, 1, 1, 2, 2, 1),
          Geometry.randomFirstLayer(7)
        }) {
      assertTrue(Conv2d.usesPlanes(g.shape()), g.toString());
    }
    assertTrue(
        !Conv2d.usesPlanes(new Geometry(2, 32, 12, 12, 64, 5, 5, 1, 1, 0, 0, 1).shape()),
        "B2 conv2");
    assertTrue(
        !Conv2d.usesPlanes(new Geometry(2, 1, 24, 24, 1, 9, 9, 1, 1, 4, 4, 1).shape()), "LCN");
  }

  /**
   * The plane kernel's forward pass and weight gradient give bitwise the same result at 1, 2, 3 and
   * 5 threads (the weight gradient's reduction order depends on the batch size only), on random
   * first layers.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("firstLayerSeeds")
  void firstLayerKernelsDoNotDependOnThreadCount(int seed) {
    Geometry base = Geometry.randomFirstLayer(seed);
    Geometry g =
        new Geometry(
            9 + seed % 13,
            base.c,
            base.h,
            base.w,
            base.m,
            base.kh,
            base.kw,
            1,
            1,
            base.ph,
            base.pw,
            base.groups);
    Random r = new Random(seed);
    float[] x = Reference.random(r, g.xSize());
    float[] wt = Reference.random(r, g.wSize());
    float[] dy = Reference.random(r, g.ySize());
    int saved = Parallel.threads();
    try {
      float[] y1 = null;
      float[] dw1 = null;
      for (int threads : new int[] {1, 2, 3, 5}) {
        Parallel.setThreads(threads);
        float[] y = new float[g.ySize()];
        float[] dw = new float[g.wSize()];
        g.forward(x, wt, y);
        g.backwardWeight(x, dy, dw);
        if (y1 == null) {
          y1 = y;
          dw1 = dw;
        } else {
          assertArrayEquals(y1, y, "seed " + seed + " " + g + " forward, " + threads + " threads");
          assertArrayEquals(
              dw1, dw, "seed " + seed + " " + g + " backwardWeight, " + threads + " threads");
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  static IntStream firstLayerSeeds() {
    return IntStream.range(0, 8);
  }

  /**
   * The lane-maps kernels (forward, the input gradient as a flipped forward, the weight gradient in
   * passes of several images) give bitwise the same result at 1, 2 and 3 threads, on random shapes
   * with batches that the weight gradient's fixed chunks split unevenly.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("laneMapsSeeds")
  void laneMapsKernelsDoNotDependOnThreadCount(int seed) {
    Geometry base = Geometry.randomWide(seed);
    Geometry g =
        new Geometry(
            5 + seed % 17,
            base.c,
            base.h,
            base.w,
            base.m,
            base.kh,
            base.kw,
            seed % 3 == 0 ? base.sh : 1,
            seed % 3 == 0 ? base.sw : 1,
            base.ph,
            base.pw,
            base.groups);
    Random r = new Random(seed);
    float[] x = Reference.random(r, g.xSize());
    float[] wt = Reference.random(r, g.wSize());
    float[] dy = Reference.random(r, g.ySize());
    int saved = Parallel.threads();
    try {
      float[][] first = null;
      for (int threads : new int[] {1, 2, 3}) {
        Parallel.setThreads(threads);
        float[][] got = {new float[g.ySize()], new float[g.xSize()], new float[g.wSize()]};
        g.forward(x, wt, got[0]);
        g.backwardInput(dy, wt, got[1]);
        g.backwardWeight(x, dy, got[2]);
        if (first == null) {
          first = got;
        } else {
          String[] names = {"forward", "backwardInput", "backwardWeight"};
          for (int k = 0; k < 3; k++) {
            assertArrayEquals(
                first[k], got[k], "seed " + seed + " " + g + " " + names[k] + ", " + threads);
          }
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  static IntStream laneMapsSeeds() {
    return IntStream.range(0, 10);
  }

  /**
   * Shapes for the lane-maps weight gradient's register tiles: kernel rows (KW·C/groups taps) of 2
   * to 10 whole vectors of 16 and rows that end inside a vector (lanes past the row read the next
   * floats of the padded plane and are thrown away), 16 to 64 maps per group, groups of 2, strides
   * of 2, and batches that the fixed chunks split unevenly (several images per pass, and more than
   * one pass per chunk).
   */
  static Stream<Arguments> weightTiles() {
    return Stream.of(
        Arguments.of("run 32 (2 vectors)", new Geometry(5, 16, 7, 7, 16, 2, 2, 1, 1, 0, 0, 1)),
        Arguments.of(
            "run 36 (3 vectors, 12 unused lanes)",
            new Geometry(4, 12, 6, 9, 32, 3, 3, 1, 1, 1, 1, 1)),
        Arguments.of("run 48 (3 vectors)", new Geometry(3, 16, 8, 8, 16, 3, 3, 2, 2, 1, 1, 1)),
        Arguments.of("run 64 (4 vectors)", new Geometry(17, 16, 5, 5, 48, 4, 4, 1, 1, 0, 0, 1)),
        Arguments.of("run 80 (5 vectors)", new Geometry(6, 16, 12, 12, 32, 5, 5, 1, 1, 0, 0, 1)),
        Arguments.of(
            "run 54 (4 vectors, 10 unused lanes, groups)",
            new Geometry(3, 36, 7, 6, 32, 3, 3, 1, 1, 1, 1, 2)),
        Arguments.of("run 112 (7 vectors)", new Geometry(2, 16, 9, 9, 16, 7, 7, 1, 1, 3, 3, 1)),
        Arguments.of(
            "run 160 (10 vectors), 14x14 in 2 passes",
            new Geometry(5, 32, 14, 14, 64, 5, 5, 1, 1, 2, 2, 1)),
        Arguments.of(
            "run 160, 6x6, 3 images a pass", new Geometry(19, 32, 6, 6, 64, 5, 5, 1, 1, 2, 2, 1)),
        Arguments.of(
            "run 120 (8 vectors, 8 unused lanes, groups)",
            new Geometry(3, 48, 6, 7, 32, 5, 5, 1, 2, 2, 1, 2)));
  }

  /**
   * The lane-maps weight gradient (taps in the lanes, tiles of 1 to 6 tap vectors × 4 maps) against
   * the double-precision reference within the usual tolerance, and bitwise the same at 1, 2 and 3
   * threads.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("weightTiles")
  void laneMapsWeightGradientTiles(String label, Geometry g) {
    if (KernelBackend.VECTOR && VectorConv.accepts(16)) {
      assertTrue(Conv2d.usesLaneMaps(g.shape()), label + " takes the lane-maps kernel");
    }
    Random r = new Random(label.hashCode());
    float[] x = Reference.random(r, g.xSize());
    float[] dy = Reference.random(r, g.ySize());
    Reference.Result want = new Reference.Result(g.wSize());
    g.terms((xi, wi, yi) -> want.add(wi, (double) x[xi] * dy[yi]));
    int saved = Parallel.threads();
    try {
      float[] first = null;
      for (int threads : new int[] {1, 2, 3}) {
        Parallel.setThreads(threads);
        float[] dw = Reference.random(r, g.wSize());
        g.backwardWeight(x, dy, dw);
        Reference.assertClose(dw, 0, want, label + " " + g + ", " + threads + " threads");
        if (first == null) {
          first = dw;
        } else {
          assertArrayEquals(first, dw, label + " " + g + ", " + threads + " threads");
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * Every weight-gradient path (im2col + GEMM, 1×1 GEMM, and the direct kernels) gives bitwise the
   * same result at 1, 2 and 3 threads, on random shapes (strides, paddings, groups) with batches of
   * 5 to 20 that the fixed chunks split unevenly.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("laneMapsSeeds")
  void weightGradientDoesNotDependOnThreadCount(int seed) {
    Geometry base = Geometry.random(100 + seed);
    Geometry g =
        new Geometry(
            5 + seed * 7 % 16,
            base.c,
            base.h,
            base.w,
            base.m,
            base.kh,
            base.kw,
            base.sh,
            base.sw,
            base.ph,
            base.pw,
            base.groups);
    Random r = new Random(seed);
    float[] x = Reference.random(r, g.xSize());
    float[] dy = Reference.random(r, g.ySize());
    int saved = Parallel.threads();
    try {
      float[] first = null;
      for (int threads : new int[] {1, 2, 3}) {
        Parallel.setThreads(threads);
        float[] dw = Reference.random(r, g.wSize());
        g.backwardWeight(x, dy, dw);
        if (first == null) {
          first = dw;
        } else {
          assertArrayEquals(first, dw, "seed " + seed + " " + g + ", " + threads + " threads");
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * The weight gradient's partial sums are kept from call to call: a call of another shape in
   * between, a partial-sum array too large to keep (allocated for the call), and an output at an
   * offset in an array full of NaN leave the result as it was, in both direct kernels.
   */
  @Test
  void weightGradientReusesItsBuffersSafely() {
    Geometry[] shapes = {
      new Geometry(5, 32, 6, 6, 64, 5, 5, 1, 1, 2, 2, 1),
      new Geometry(9, 1, 20, 20, 32, 5, 5, 1, 1, 2, 2, 1),
      new Geometry(3, 16, 6, 6, 16, 3, 3, 1, 1, 1, 1, 1),
      // 16 chunks of 64 maps × 9 rows × 576 taps: more partial sums than are kept.
      new Geometry(16, 64, 9, 9, 64, 9, 9, 1, 1, 0, 0, 1)
    };
    Random r = new Random(29);
    float[][] xs = new float[shapes.length][];
    float[][] dys = new float[shapes.length][];
    float[][] firsts = new float[shapes.length][];
    for (int i = 0; i < shapes.length; i++) {
      Geometry g = shapes[i];
      xs[i] = Reference.random(r, g.xSize());
      dys[i] = Reference.random(r, g.ySize());
      firsts[i] = new float[g.wSize()];
      g.backwardWeight(xs[i], dys[i], firsts[i]);
    }
    assertTrue(
        16 * shapes[3].m * shapes[3].kh * shapes[3].kw * shapes[3].c > Conv2d.KEEP_PARTIALS,
        "the last shape's partial sums are too large to keep");
    for (int i = shapes.length - 1; i >= 0; i--) {
      Geometry g = shapes[i];
      float[] out = new float[g.wSize() + 9];
      java.util.Arrays.fill(out, Float.NaN);
      Conv2d.backwardWeight(
          xs[i], 0, dys[i], 0, out, 4, g.n, g.c, g.h, g.w, g.m, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw,
          g.groups);
      assertArrayEquals(
          firsts[i], java.util.Arrays.copyOfRange(out, 4, 4 + g.wSize()), g.toString());
      for (int j : new int[] {0, 1, 2, 3, 4 + g.wSize(), out.length - 1}) {
        assertTrue(Float.isNaN(out[j]), g + ": wrote outside dw at " + j);
      }
    }
    Reference.Result want = new Reference.Result(shapes[3].wSize());
    shapes[3].terms((xi, wi, yi) -> want.add(wi, (double) xs[3][xi] * dys[3][yi]));
    Reference.assertClose(firsts[3], 0, want, shapes[3] + " backwardWeight");
  }

  @Test
  void largeConvolutionsTakeTheLaneMapsKernel() {
    // So that the reference cases above test it: the second convolutions of B1-B5 (batch 2), their
    // weight gradients on the same kernel, and their input gradients as its flipped forward.
    if (!KernelBackend.VECTOR || !VectorConv.accepts(16)) {
      return;
    }
    for (Geometry g :
        new Geometry[] {
          new Geometry(2, 16, 12, 12, 32, 5, 5, 1, 1, 0, 0, 1),
          new Geometry(2, 32, 12, 12, 64, 5, 5, 1, 1, 0, 0, 1),
          new Geometry(2, 64, 26, 26, 256, 9, 9, 1, 1, 0, 0, 1),
          new Geometry(2, 32, 16, 16, 64, 3, 3, 1, 1, 1, 1, 1),
          new Geometry(2, 32, 14, 14, 64, 5, 5, 1, 1, 2, 2, 1)
        }) {
      Conv2d.Shape s = g.shape();
      assertTrue(Conv2d.usesLaneMaps(s), g + " forward");
      assertTrue(Conv2d.flipsInputGradient(s), g + " input gradient");
      Conv2d.Shape flipped =
          new Conv2d.Shape(
              g.n, g.m, g.oh(), g.ow(), g.c, g.kh, g.kw, 1, 1, g.kh - 1 - g.ph, g.kw - 1 - g.pw, 1);
      assertTrue(Conv2d.usesLaneMaps(flipped), g + " input gradient's forward");
    }
  }

  @Test
  void badShapesSayWhatIsWrong() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Conv2d.forward(
                    new float[100],
                    new float[100],
                    new float[100],
                    1,
                    3,
                    5,
                    5,
                    4,
                    3,
                    3,
                    1,
                    1,
                    0,
                    0,
                    2));
    assertTrue(e.getMessage().contains("groups=2"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Conv2d.forward(
                    new float[10], new float[9], new float[9], 1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1));
    assertTrue(e.getMessage().contains("x needs 25 floats"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Conv2d.forward(
                    new float[4], new float[25], new float[1], 1, 1, 2, 2, 1, 5, 5, 1, 1, 0, 0, 1));
    assertTrue(e.getMessage().contains("larger than the padded input"), e.getMessage());
  }
}
