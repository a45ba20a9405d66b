package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import convnet.compiler.kernels.Conv2dTest.Geometry;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lane-maps kernel's tiles (kernel row by kernel row, over column classes) and the input
 * gradients that take it as a flipped forward convolution: which taps the tiles compute, results
 * against the double-precision reference and across thread counts.
 */
class Conv2dInputGradientTest {

  static IntStream seeds() {
    return IntStream.range(0, 30);
  }

  /**
   * A lane-maps shape (maps per group a multiple of 16, so of the vector length) with strides,
   * paddings from none to the flipped form's K−1, and maps from barely the kernel's size up.
   */
  static Geometry randomShape(long seed) {
    Random r = new Random(seed);
    int kh = 1 + r.nextInt(7);
    int kw = 1 + r.nextInt(7);
    int ph = r.nextInt(kh);
    int pw = r.nextInt(kw);
    int h = Math.max(1, kh - 2 * ph) + r.nextInt(9);
    int w = Math.max(1, kw - 2 * pw) + r.nextInt(15);
    int stride = r.nextInt(4) == 0 ? 2 : 1;
    return new Geometry(
        1 + r.nextInt(3),
        16 * (1 + r.nextInt(3)),
        h,
        w,
        16 * (1 + r.nextInt(5)),
        kh,
        kw,
        stride,
        stride,
        ph,
        pw,
        1);
  }

  /**
   * For every kernel row, each output pixel whose window row is an input row and whose window has
   * an input column is in exactly one tile of that row, and no other pixel is; each tile's kernel
   * columns cover those of each of its pixels.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void tilesComputeEveryTapThatReadsInputExactlyOnce(int seed) {
    assumeTrue(KernelBackend.VECTOR);
    Geometry g = randomShape(seed);
    Conv2d.Shape s = g.shape();
    VectorConv.Tiles tiles = VectorConv.Tiles.of(s);
    int ow = s.ow();
    int rowStride = (s.w() + 2 * s.padW()) * s.cg();
    for (int ky = 0; ky < s.kh(); ky++) {
      int[] seen = new int[s.p()];
      for (int t = tiles.kyStart[ky]; t < tiles.kyStart[ky + 1]; t++) {
        boolean[] inTile = new boolean[s.p()];
        for (int j = t * tiles.size; j < (t + 1) * tiles.size; j++) {
          int q = tiles.at[j] / s.mg();
          int oy = q / ow;
          int ox = q % ow;
          assertEquals(
              oy * s.strideH() * rowStride + ox * s.strideW() * s.cg(),
              tiles.pix[j],
              "seed " + seed + " " + g + ": window of pixel " + q);
          int from = Math.max(0, s.padW() - ox * s.strideW());
          int to = Math.min(s.kw(), s.padW() + s.w() - ox * s.strideW());
          assertTrue(
              tiles.kxFrom[t] <= from && to <= tiles.kxTo[t],
              "seed " + seed + " " + g + ": tile " + t + " misses columns of pixel " + q);
          if (!inTile[q]) {
            inTile[q] = true;
            seen[q]++;
          }
        }
      }
      for (int q = 0; q < s.p(); q++) {
        int oy = q / ow;
        int ox = q % ow;
        int row = oy * s.strideH() + ky;
        boolean readsInput =
            row >= s.padH()
                && row < s.padH() + s.h()
                && Math.max(0, s.padW() - ox * s.strideW())
                    < Math.min(s.kw(), s.padW() + s.w() - ox * s.strideW());
        assertEquals(
            readsInput ? 1 : 0,
            seen[q],
            "seed " + seed + " " + g + ": kernel row " + ky + ", pixel " + q);
      }
    }
  }

  /**
   * The input gradient of B1's and B2's second convolutions (5×5, no padding, 8×8 outputs) as a
   * flipped forward: a full correlation of dy padded by 4 to 16×16, of which the tiles compute only
   * the 64·25 pixel-taps of the forward pass when tiles of 8 pixels fit the classes exactly
   * (512-bit vectors), and at most 10% more otherwise (copies of a class's last pixel).
   */
  @org.junit.jupiter.api.Test
  void unpaddedInputGradientsMultiplyNoPadding() {
    assumeTrue(KernelBackend.VECTOR);
    for (int[] maps : new int[][] {{16, 32}, {32, 64}}) {
      Conv2d.Shape flipped = new Conv2d.Shape(2, maps[1], 8, 8, maps[0], 5, 5, 1, 1, 4, 4, 1);
      VectorConv.Tiles tiles = VectorConv.Tiles.of(flipped);
      long taps = 0;
      for (int t = 0; t < tiles.count; t++) {
        taps += (long) tiles.size * (tiles.kxTo[t] - tiles.kxFrom[t]);
      }
      if (tiles.size == 8) {
        assertEquals(64 * 25, taps, maps[0] + " input maps");
      } else {
        assertTrue(taps <= 64 * 25 * 11 / 10, maps[0] + " input maps: " + taps + " pixel-taps");
      }
    }
  }

  /** Input gradients on the lane-maps kernel against the double-precision reference. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void inputGradientMatchesReference(int seed) {
    Geometry g = randomShape(seed);
    Random r = new Random(seed);
    float[] dy = Reference.random(r, g.ySize());
    float[] wt = Reference.random(r, g.wSize());
    float[] dx = Reference.random(r, g.xSize());
    g.backwardInput(dy, wt, dx);
    Reference.Result want = new Reference.Result(g.xSize());
    g.terms((xi, wi, yi) -> want.add(xi, (double) dy[yi] * wt[wi]));
    Reference.assertClose(dx, 0, want, "seed " + seed + " " + g + " backwardInput");
    float[] x = Reference.random(r, g.xSize());
    float[] y = Reference.random(r, g.ySize());
    g.forward(x, wt, y);
    Reference.Result wantY = new Reference.Result(g.ySize());
    g.terms((xi, wi, yi) -> wantY.add(yi, (double) x[xi] * wt[wi]));
    Reference.assertClose(y, 0, wantY, "seed " + seed + " " + g + " forward");
  }

  /**
   * Unpadded stride-1 convolutions of small maps, whose input gradients now take the flipped
   * forward on the lane-maps kernel (before: GEMM and col2im), give bitwise the same input gradient
   * at 1, 2 and 3 threads.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void unpaddedInputGradientsDoNotDependOnThreadCount(int seed) {
    Random r = new Random(seed);
    int k = 3 + r.nextInt(5);
    Geometry g =
        new Geometry(
            5 + r.nextInt(5),
            16 * (1 + r.nextInt(2)),
            k + r.nextInt(5),
            k + r.nextInt(5),
            16 * (1 + r.nextInt(4)),
            k,
            k,
            1,
            1,
            0,
            0,
            1);
    if (KernelBackend.VECTOR && VectorConv.accepts(16)) {
      assertTrue(Conv2d.flipsInputGradient(g.shape()), "seed " + seed + " " + g);
    }
    float[] wt = Reference.random(r, g.wSize());
    float[] dy = Reference.random(r, g.ySize());
    int saved = Parallel.threads();
    try {
      float[] first = null;
      for (int threads : new int[] {1, 2, 3}) {
        Parallel.setThreads(threads);
        float[] dx = new float[g.xSize()];
        g.backwardInput(dy, wt, dx);
        if (first == null) {
          first = dx;
        } else {
          assertArrayEquals(first, dx, "seed " + seed + " " + g + ", " + threads + " threads");
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }
}
