package convnet.compiler.kernels;

import convnet.autodiff.ops.Windows;
import java.util.Arrays;

/**
 * 2-D convolution on NCHW {@code float[]} tensors, as cross-correlation (PyTorch semantics), with
 * stride, zero padding and groups, and its two gradients.
 *
 * <p>Shapes: input x is [N, C, H, W], weights w are [M, C/groups, KH, KW], output y is [N, M, OH,
 * OW] with {@code OH = (H + 2·padH − KH) / strideH + 1} (likewise OW). The algorithm is chosen per
 * shape (measured on this project's benchmark layers; see {@code KernelBench}):
 *
 * <ul>
 *   <li>at most {@value #FEW_MAPS} output maps per group, stride 1 (the single-map window of local
 *       contrast normalisation): shifted-plane direct convolution, one contiguous axpy per tap;
 *   <li>at most {@value #FEW_INPUT_MAPS} input maps per group, stride 1 (first layers): direct
 *       convolution with pixels in the vector lanes over zero-padded planes ({@link
 *       VectorPlaneConv}), forward and weight gradient;
 *   <li>output maps per group a multiple of the vector length and kernel rows of at least {@value
 *       #LANE_MAPS_MIN_RUN} floats (KW·C/groups): direct convolution with the output maps in the
 *       vector lanes on a zero-padded NHWC copy of each image, forward and weight gradient;
 *   <li>otherwise im2col and the packed SGEMM (1×1 stride-1 unpadded: the SGEMM alone).
 * </ul>
 *
 * A stride-1 input gradient is computed as the forward convolution of dy with the flipped kernel
 * when that is cheaper (see {@link #backwardInput}), else as a transposed GEMM and col2im. Images
 * are split into contiguous chunks; the weight gradient cuts the batch into {@link
 * Parallel#reductionChunks(int)} chunks, a number fixed by the batch size, and adds the per-chunk
 * partials in chunk order, so every result is bitwise the same whatever the thread count.
 */
public final class Conv2d {

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[1][0]);

  private Conv2d() {}

  /** Output height (or width) of a convolution: {@link Windows#convolvedSize}. */
  public static int outputSize(int in, int kernel, int stride, int pad) {
    return Windows.convolvedSize(in, kernel, stride, pad);
  }

  /** The multiply-adds of one forward pass, times two: the FLOP count used in benchmarks. */
  public static long flops(
      int n,
      int c,
      int h,
      int w,
      int m,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups) {
    long oh = outputSize(h, kh, strideH, padH);
    long ow = outputSize(w, kw, strideW, padW);
    return 2L * n * m * oh * ow * (c / groups) * kh * kw;
  }

  /** {@code y = x ⋆ w}, overwriting y; arrays start at index 0. */
  public static void forward(
      float[] x,
      float[] w,
      float[] y,
      int n,
      int c,
      int h,
      int wd,
      int m,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups) {
    forward(x, 0, w, 0, y, 0, n, c, h, wd, m, kh, kw, strideH, strideW, padH, padW, groups);
  }

  /** {@code y = x ⋆ w}, overwriting y; each tensor starts at its offset. */
  public static void forward(
      float[] x,
      int xOff,
      float[] w,
      int wOff,
      float[] y,
      int yOff,
      int n,
      int c,
      int h,
      int wd,
      int m,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups) {
    forwardThen(
        x, xOff, w, wOff, y, yOff, n, c, h, wd, m, kh, kw, strideH, strideW, padH, padW, groups,
        null);
  }

  /**
   * Work on one image's output, run by {@link #forwardThen} right after the convolution has written
   * that image.
   */
  @FunctionalInterface
  public interface ImageEpilogue {
    /**
     * Runs on image {@code image} of the batch, whose M output maps are complete in {@code output}
     * from {@code offset} on.
     */
    void image(int image, float[] output, int offset);
  }

  /**
   * {@code y = x ⋆ w}, overwriting y, then {@code after.image(i, …)} for each image i, on the
   * thread that computed image i, as soon as all of its output maps are written (while they are
   * still in cache). The convolution's arithmetic is that of {@link #forward}, so y is bitwise the
   * same; {@code after} must touch only image i's slice of what it writes, and nothing the
   * convolution reads. With a null {@code after} this is {@link #forward}.
   *
   * <p>With a null y (and yOff ignored) the output is not kept: each thread writes each of its
   * images to one scratch array of M·OH·OW floats, at offset 0, which {@code after} reads before
   * the thread's next image overwrites it.
   */
  public static void forwardThen(
      float[] x,
      int xOff,
      float[] w,
      int wOff,
      float[] y,
      int yOff,
      int n,
      int c,
      int h,
      int wd,
      int m,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups,
      ImageEpilogue after) {
    Shape s = new Shape(n, c, h, wd, m, kh, kw, strideH, strideW, padH, padW, groups);
    if (y != null) {
      s.check("x", x, xOff, s.xSize(), "w", w, wOff, s.wSize(), "y", y, yOff, s.ySize());
    } else if (after == null) {
      throw new IllegalArgumentException("conv2d: no output array y and no epilogue to read one");
    } else {
      Shape.checkOne("x", x, xOff, s.xSize());
      Shape.checkOne("w", w, wOff, s.wSize());
    }
    int image = m * s.p;
    if (s.strideH == 1 && s.strideW == 1 && s.mg <= FEW_MAPS) {
      eachImage(
          s,
          n,
          image,
          y,
          yOff,
          after,
          false,
          (i, g, out, outAt, col) ->
              shiftedPlanes(
                  x,
                  xOff + (i * c + g * s.cg) * h * wd,
                  s.cg,
                  h,
                  wd,
                  w,
                  wOff + g * s.mg * s.kd,
                  s.mg,
                  kh,
                  kw,
                  padH,
                  padW,
                  out,
                  outAt));
      return;
    }
    if (usesPlanes(s)) {
      VectorPlaneConv.Planes planes = VectorPlaneConv.Planes.of(s);
      eachImage(
          s,
          n,
          image,
          y,
          yOff,
          after,
          false,
          (i, g, out, outAt, col) ->
              VectorPlaneConv.forwardGroup(
                  x,
                  xOff + (i * c + g * s.cg) * h * wd,
                  w,
                  wOff + g * s.mg * s.kd,
                  out,
                  outAt,
                  s,
                  planes));
      return;
    }
    if (usesLaneMaps(s)) {
      float[] packed = VectorConv.packWeights(w, wOff, groups, s.mg, s.cg, kh, kw);
      VectorConv.Tiles tiles = VectorConv.Tiles.of(s);
      eachImage(
          s,
          n,
          image,
          y,
          yOff,
          after,
          false,
          (i, g, out, outAt, col) ->
              VectorConv.forwardGroup(
                  x,
                  xOff + (i * c + g * s.cg) * h * wd,
                  packed,
                  g * s.mg * s.kd,
                  out,
                  outAt,
                  s,
                  tiles));
      return;
    }
    eachImage(
        s,
        n,
        image,
        y,
        yOff,
        after,
        !s.direct(),
        (i, g, out, outAt, col) -> {
          int xAt = xOff + (i * c + g * s.cg) * h * wd;
          int wAt = wOff + g * s.mg * s.kd;
          if (s.direct()) {
            Sgemm.sgemmSerial(
                false, false, s.mg, s.p, s.kd, 1f, w, wAt, s.kd, x, xAt, s.p, 0f, out, outAt, s.p);
          } else {
            im2col(x, xAt, s, col);
            Sgemm.sgemmSerial(
                false, false, s.mg, s.p, s.kd, 1f, w, wAt, s.kd, col, 0, s.p, 0f, out, outAt, s.p);
          }
        });
  }

  /**
   * One group of one image of a forward convolution: writes the group's output maps to {@code out}
   * from {@code outAt}; {@code col} is the thread's im2col scratch, or null where not asked for.
   */
  @FunctionalInterface
  private interface GroupForward {
    void run(int image, int group, float[] out, int outAt, float[] col);
  }

  /**
   * The batch's images split over the threads, each image's groups computed by {@code group} into y
   * (or, with a null y, the thread's one-image scratch array), then {@code after} run on the image
   * while it is in cache.
   */
  private static void eachImage(
      Shape s,
      int n,
      int image,
      float[] y,
      int yOff,
      ImageEpilogue after,
      boolean needsCol,
      GroupForward group) {
    Parallel.forRange(
        n,
        (chunk, i0, i1) -> {
          float[] col = needsCol ? scratch(s.colSize()) : null;
          float[] out = y != null ? y : imageScratch(image);
          for (int i = i0; i < i1; i++) {
            int outAt = y != null ? yOff + i * image : 0;
            for (int g = 0; g < s.groups; g++) {
              group.run(i, g, out, outAt + g * s.mg * s.p, col);
            }
            if (after != null) {
              after.image(i, out, outAt);
            }
          }
        });
  }

  /** {@code dx = ∂(y·dy)/∂x}, overwriting dx; arrays start at index 0. */
  public static void backwardInput(
      float[] dy,
      float[] w,
      float[] dx,
      int n,
      int c,
      int h,
      int wd,
      int m,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups) {
    backwardInput(dy, 0, w, 0, dx, 0, n, c, h, wd, m, kh, kw, strideH, strideW, padH, padW, groups);
  }

  /** {@code dx = ∂(y·dy)/∂x} (the transposed convolution of dy with w), overwriting dx. */
  public static void backwardInput(
      float[] dy,
      int dyOff,
      float[] w,
      int wOff,
      float[] dx,
      int dxOff,
      int n,
      int c,
      int h,
      int wd,
      int m,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups) {
    Shape s = new Shape(n, c, h, wd, m, kh, kw, strideH, strideW, padH, padW, groups);
    s.check("dy", dy, dyOff, s.ySize(), "w", w, wOff, s.wSize(), "dx", dx, dxOff, s.xSize());
    if (flipsInputGradient(s)) {
      // With stride 1 the input gradient is the forward convolution of dy, padded by K−1−pad, with
      // the kernel flipped and its in/out maps swapped. That runs a GEMM with the long reduction
      // (M/groups·KH·KW) and no col2im scatter, faster than the transposed GEMM below, as long as
      // the new padding is no wider than the old one: for a 'valid' 5x5 convolution of 8x8 maps it
      // would multiply a 16x16 plane that is three quarters zeros (2.25x the work), which pays only
      // when that forward runs on the direct lane-maps kernel (about 3x the speed of the path
      // below).
      int kk = kh * kw;
      float[] flipped = new float[s.wSize()];
      for (int g = 0; g < s.groups; g++) {
        for (int mi = 0; mi < s.mg; mi++) {
          for (int ci = 0; ci < s.cg; ci++) {
            for (int t = 0; t < kk; t++) {
              flipped[((g * s.cg + ci) * s.mg + mi) * kk + (kk - 1 - t)] =
                  w[wOff + ((g * s.mg + mi) * s.cg + ci) * kk + t];
            }
          }
        }
      }
      forward(
          dy,
          dyOff,
          flipped,
          0,
          dx,
          dxOff,
          n,
          m,
          s.oh,
          s.ow,
          c,
          kh,
          kw,
          1,
          1,
          kh - 1 - padH,
          kw - 1 - padW,
          groups);
      return;
    }
    Parallel.forRange(
        n,
        (chunk, i0, i1) -> {
          float[] col = s.direct() ? null : scratch(s.colSize());
          for (int i = i0; i < i1; i++) {
            for (int g = 0; g < s.groups; g++) {
              int dyAt = dyOff + (i * m + g * s.mg) * s.p;
              int wAt = wOff + g * s.mg * s.kd;
              int dxAt = dxOff + (i * c + g * s.cg) * h * wd;
              if (s.direct()) {
                Sgemm.sgemmSerial(
                    true, false, s.kd, s.p, s.mg, 1f, w, wAt, s.kd, dy, dyAt, s.p, 0f, dx, dxAt,
                    s.p);
              } else {
                Sgemm.sgemmSerial(
                    true, false, s.kd, s.p, s.mg, 1f, w, wAt, s.kd, dy, dyAt, s.p, 0f, col, 0, s.p);
                col2im(col, s, dx, dxAt);
              }
            }
          }
        });
  }

  /** {@code dw = ∂(y·dy)/∂w}, summed over the batch, overwriting dw; arrays start at index 0. */
  public static void backwardWeight(
      float[] x,
      float[] dy,
      float[] dw,
      int n,
      int c,
      int h,
      int wd,
      int m,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups) {
    backwardWeight(
        x, 0, dy, 0, dw, 0, n, c, h, wd, m, kh, kw, strideH, strideW, padH, padW, groups);
  }

  /**
   * {@code dw = ∂(y·dy)/∂w}, summed over the batch, overwriting dw. Each chunk of images sums into
   * its own partial (the first chunk straight into dw); the partials are then added in chunk order.
   */
  public static void backwardWeight(
      float[] x,
      int xOff,
      float[] dy,
      int dyOff,
      float[] dw,
      int dwOff,
      int n,
      int c,
      int h,
      int wd,
      int m,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups) {
    Shape s = new Shape(n, c, h, wd, m, kh, kw, strideH, strideW, padH, padW, groups);
    s.check("x", x, xOff, s.xSize(), "dy", dy, dyOff, s.ySize(), "dw", dw, dwOff, s.wSize());
    int wSize = s.wSize();
    if (n == 0) {
      Arrays.fill(dw, dwOff, dwOff + wSize, 0f);
      return;
    }
    // Fixed chunks of the batch, whatever the thread count: the sum's order is part of the result.
    int chunks = Parallel.reductionChunks(n);
    if (usesPlanes(s)) {
      // Per-chunk vector accumulators [M][C/groups·KH·KW][L]; lanes, then chunks, added in order.
      VectorPlaneConv.Planes planes = VectorPlaneConv.Planes.of(s);
      float[][] acc = new float[chunks][wSize * VectorPlaneConv.L];
      Parallel.forChunks(
          n,
          chunks,
          (chunk, i0, i1) -> {
            for (int i = i0; i < i1; i++) {
              for (int g = 0; g < s.groups; g++) {
                VectorPlaneConv.backwardWeightGroup(
                    x,
                    xOff + (i * c + g * s.cg) * h * wd,
                    dy,
                    dyOff + (i * m + g * s.mg) * s.p,
                    acc[chunk],
                    g * s.mg * s.kd * VectorPlaneConv.L,
                    s,
                    planes);
              }
            }
          });
      for (int chunk = 0; chunk < chunks; chunk++) {
        VectorPlaneConv.reduceLanes(acc[chunk], dw, dwOff, wSize, chunk > 0);
      }
      return;
    }
    if (usesLaneMaps(s)) {
      // Per-chunk sums in the packed layout of the lane-maps kernel, added in chunk order; a
      // chunk's images go through the kernel a few at a time (the sum order is the same).
      float[][] packed = new float[chunks][wSize];
      int together = VectorConv.weightImages(s);
      int[] table = VectorConv.weightTable(s, together);
      Parallel.forChunks(
          n,
          chunks,
          (chunk, i0, i1) -> {
            for (int i = i0; i < i1; i += together) {
              int images = Math.min(together, i1 - i);
              for (int g = 0; g < s.groups; g++) {
                VectorConv.backwardWeightImages(
                    x,
                    xOff + (i * c + g * s.cg) * h * wd,
                    c * h * wd,
                    dy,
                    dyOff + (i * m + g * s.mg) * s.p,
                    m * s.p,
                    images,
                    packed[chunk],
                    g * s.mg * s.kd,
                    s,
                    table);
              }
            }
          });
      for (int chunk = 0; chunk < chunks; chunk++) {
        VectorConv.unpackWeights(packed[chunk], dw, dwOff, groups, s.mg, s.cg, kh, kw, chunk > 0);
      }
      return;
    }
    float[][] partial = new float[chunks][];
    Parallel.forChunks(
        n,
        chunks,
        (chunk, i0, i1) -> {
          float[] out = chunk == 0 ? dw : new float[wSize];
          int outOff = chunk == 0 ? dwOff : 0;
          partial[chunk] = out;
          float[] col = s.direct() ? null : scratch(s.colSize());
          for (int i = i0; i < i1; i++) {
            float beta = i == i0 ? 0f : 1f;
            for (int g = 0; g < s.groups; g++) {
              int dyAt = dyOff + (i * m + g * s.mg) * s.p;
              int dwAt = outOff + g * s.mg * s.kd;
              int xAt = xOff + (i * c + g * s.cg) * h * wd;
              if (s.direct()) {
                Sgemm.sgemmSerial(
                    false, true, s.mg, s.kd, s.p, 1f, dy, dyAt, s.p, x, xAt, s.p, beta, out, dwAt,
                    s.kd);
              } else {
                im2col(x, xAt, s, col);
                Sgemm.sgemmSerial(
                    false, true, s.mg, s.kd, s.p, 1f, dy, dyAt, s.p, col, 0, s.p, beta, out, dwAt,
                    s.kd);
              }
            }
          }
        });
    for (int chunk = 1; chunk < chunks; chunk++) {
      float[] part = partial[chunk];
      for (int j = 0; j < wSize; j++) {
        dw[dwOff + j] += part[j];
      }
    }
  }

  /**
   * Whether a forward pass (and a weight gradient) runs on the direct kernel with output maps in
   * the vector lanes ({@link VectorConv}): maps per group a multiple of the vector length, kernel
   * rows of at least {@value #LANE_MAPS_MIN_RUN} floats, and not a first layer ({@link
   * #usesPlanes}).
   */
  static boolean usesLaneMaps(Shape s) {
    return useLaneMaps
        && !usesPlanes(s)
        && s.kw * s.cg >= LANE_MAPS_MIN_RUN
        && KernelBackend.VECTOR
        && VectorConv.accepts(s.mg);
  }

  /**
   * Whether the input gradient is computed as the forward convolution of dy with the flipped kernel
   * (stride 1; see {@link #backwardInput}) rather than as a transposed GEMM and col2im.
   */
  static boolean flipsInputGradient(Shape s) {
    return s.strideH == 1
        && s.strideW == 1
        && s.padH < s.kh
        && s.padW < s.kw
        && (2 * s.padH >= s.kh - 1 && 2 * s.padW >= s.kw - 1 || flippedRunsDirect(s));
  }

  /**
   * Whether the input gradient, as a flipped forward convolution, would run on the lane-maps kernel
   * with less than 3x the useful work (the speed ratio of that kernel to GEMM + col2im measured on
   * the 5x5 valid layers of the benchmark networks).
   */
  private static boolean flippedRunsDirect(Shape s) {
    return useLaneMaps
        && KernelBackend.VECTOR
        && s.kw * s.mg >= LANE_MAPS_MIN_RUN
        && VectorConv.accepts(s.cg)
        && (long) s.h * s.w < 3L * s.p;
  }

  /**
   * Whether a convolution runs on the direct kernel with pixels in the lanes ({@link
   * VectorPlaneConv}): stride 1, at most {@value #FEW_INPUT_MAPS} input maps and more than {@value
   * #FEW_MAPS} output maps per group (fewer output maps take the shifted-plane path).
   */
  static boolean usesPlanes(Shape s) {
    return usePlanes
        && KernelBackend.VECTOR
        && s.strideH == 1
        && s.strideW == 1
        && s.cg <= FEW_INPUT_MAPS
        && s.mg > FEW_MAPS;
  }

  /**
   * Input maps per group at most this many use {@link VectorPlaneConv}: a first layer's 1 or 3 maps
   * give im2col + GEMM a reduction of only C·KH·KW = 25 or 27 (measured 18-28% of the GEMM's
   * ceiling).
   */
  static final int FEW_INPUT_MAPS = 4;

  /**
   * Whether {@link #usesPlanes} may hold; not final only so that the benchmark can time both paths.
   */
  static volatile boolean usePlanes = true;

  /**
   * Output maps at most this many use the shifted-plane direct convolution (stride 1) instead of
   * im2col + GEMM, whose 8-row register tile would be at most half used.
   */
  static final int FEW_MAPS = 4;

  /**
   * Whether the forward pass (and the stride-1 input gradient built on it) uses the direct
   * convolution with output maps in the vector lanes when a group's maps fill whole vectors; im2col
   * + GEMM otherwise. Not final only so that the benchmark can time both.
   */
  static volatile boolean useLaneMaps = true;

  /**
   * The direct convolution reloads its accumulators once per kernel row, which pays only when a
   * row's window (KW·C/groups floats) is long: measured 2x slower than GEMM for the 1-map 5x5 first
   * layer (run 5), 1.3-2x faster for runs of 80 and more.
   */
  static final int LANE_MAPS_MIN_RUN = 32;

  /**
   * Direct stride-1 convolution for few output maps, e.g. the single-map 9×9 window of local
   * contrast normalisation: y[o] = Σ_i Σ_ky,kx w[o][i][ky][kx] · xpad[i] shifted by (ky, kx). Each
   * input map is zero-padded into a plane of width Wp = W + 2·padW. With the Vector API, {@link
   * VectorStencil} keeps 4 output rows of a vector of columns in registers over all taps; without
   * it, the output is accumulated on the padded width, every tap one contiguous axpy over OH·Wp
   * floats, and the OW valid columns of each row are copied out at the end. Both sum each output's
   * taps in the same order. Overwrites the outMaps planes of y.
   */
  static void shiftedPlanes(
      float[] x,
      int xAt,
      int inMaps,
      int h,
      int w,
      float[] wt,
      int wAt,
      int outMaps,
      int kh,
      int kw,
      int padH,
      int padW,
      float[] y,
      int yAt) {
    int hp = h + 2 * padH;
    int wp = w + 2 * padW;
    int outH = hp - kh + 1;
    int outW = wp - kw + 1;
    // The last taps of the last row read up to kw−1 floats past the padded plane (into discarded
    // columns).
    int planeSize = hp * wp + kw;
    int len = outH * wp;
    int planes = inMaps * planeSize;
    if (KernelBackend.VECTOR) {
      int slack = VectorStencil.slack(kw);
      float[] buf = scratch(planes + slack);
      padPlanes(x, xAt, inMaps, h, w, padH, padW, wp, planeSize, buf);
      Arrays.fill(buf, planes, planes + slack, 0f);
      for (int o = 0; o < outMaps; o++) {
        VectorStencil.convolve(
            buf,
            planeSize,
            wp,
            inMaps,
            wt,
            wAt + o * inMaps * kh * kw,
            kh,
            kw,
            outH,
            outW,
            y,
            yAt + o * outH * outW);
      }
      return;
    }
    float[] buf = scratch(planes + len);
    padPlanes(x, xAt, inMaps, h, w, padH, padW, wp, planeSize, buf);
    int acc = planes;
    int kk = kh * kw;
    for (int o = 0; o < outMaps; o++) {
      Arrays.fill(buf, acc, acc + len, 0f);
      for (int i = 0; i < inMaps; i++) {
        for (int ky = 0; ky < kh; ky++) {
          for (int kx = 0; kx < kw; kx++) {
            float a = wt[wAt + (o * inMaps + i) * kk + ky * kw + kx];
            int from = i * planeSize + ky * wp + kx;
            if (KernelBackend.VECTOR) {
              VectorAxpy.axpy(len, a, buf, from, buf, acc);
            } else {
              for (int p = 0; p < len; p++) {
                buf[acc + p] += a * buf[from + p];
              }
            }
          }
        }
      }
      for (int oy = 0; oy < outH; oy++) {
        System.arraycopy(buf, acc + oy * wp, y, yAt + (o * outH + oy) * outW, outW);
      }
    }
  }

  /**
   * Copies the inMaps planes of x at xAt into zero-padded planes of width wp at the start of buf.
   */
  private static void padPlanes(
      float[] x,
      int xAt,
      int inMaps,
      int h,
      int w,
      int padH,
      int padW,
      int wp,
      int planeSize,
      float[] buf) {
    Arrays.fill(buf, 0, inMaps * planeSize, 0f);
    for (int i = 0; i < inMaps; i++) {
      for (int iy = 0; iy < h; iy++) {
        System.arraycopy(
            x, xAt + (i * h + iy) * w, buf, i * planeSize + (iy + padH) * wp + padW, w);
      }
    }
  }

  /** One image's output per thread, for {@link #forwardThen} without an output array. */
  private static final ThreadLocal<float[][]> IMAGE_SCRATCH =
      ThreadLocal.withInitial(() -> new float[1][0]);

  private static float[] imageScratch(int size) {
    float[][] holder = IMAGE_SCRATCH.get();
    if (holder[0].length < size) {
      holder[0] = new float[size];
    }
    return holder[0];
  }

  private static float[] scratch(int size) {
    float[][] holder = SCRATCH.get();
    if (holder[0].length < size) {
      holder[0] = new float[size];
    }
    return holder[0];
  }

  /**
   * col[(ci·KH + ky)·KW + kx][oy·OW + ox] = x[ci][oy·sH − pH + ky][ox·sW − pW + kx], zero outside
   * x.
   */
  static void im2col(float[] x, int xAt, Shape s, float[] col) {
    int h = s.h;
    int wd = s.w;
    int row = 0;
    for (int ci = 0; ci < s.cg; ci++) {
      int plane = xAt + ci * h * wd;
      for (int ky = 0; ky < s.kh; ky++) {
        for (int kx = 0; kx < s.kw; kx++, row++) {
          int dst = row * s.p;
          // Output columns whose input column lies inside x: ox in [ox0, ox1).
          int ox0 = Math.max(0, ceilDiv(s.padW - kx, s.strideW));
          int ox1 = Math.min(s.ow, ceilDiv(wd + s.padW - kx, s.strideW));
          for (int oy = 0; oy < s.oh; oy++, dst += s.ow) {
            int iy = oy * s.strideH - s.padH + ky;
            if (iy < 0 || iy >= h || ox1 <= ox0) {
              Arrays.fill(col, dst, dst + s.ow, 0f);
              continue;
            }
            for (int ox = 0; ox < ox0; ox++) {
              col[dst + ox] = 0f;
            }
            int src = plane + iy * wd - s.padW + kx;
            if (s.strideW == 1) {
              System.arraycopy(x, src + ox0, col, dst + ox0, ox1 - ox0);
            } else {
              for (int ox = ox0; ox < ox1; ox++) {
                col[dst + ox] = x[src + ox * s.strideW];
              }
            }
            for (int ox = ox1; ox < s.ow; ox++) {
              col[dst + ox] = 0f;
            }
          }
        }
      }
    }
  }

  /**
   * The adjoint of im2col: dx = Σ over col entries of their input position; dx's group planes are
   * overwritten.
   */
  static void col2im(float[] col, Shape s, float[] dx, int dxAt) {
    int h = s.h;
    int wd = s.w;
    Arrays.fill(dx, dxAt, dxAt + s.cg * h * wd, 0f);
    int row = 0;
    for (int ci = 0; ci < s.cg; ci++) {
      int plane = dxAt + ci * h * wd;
      for (int ky = 0; ky < s.kh; ky++) {
        for (int kx = 0; kx < s.kw; kx++, row++) {
          int src = row * s.p;
          int ox0 = Math.max(0, ceilDiv(s.padW - kx, s.strideW));
          int ox1 = Math.min(s.ow, ceilDiv(wd + s.padW - kx, s.strideW));
          for (int oy = 0; oy < s.oh; oy++, src += s.ow) {
            int iy = oy * s.strideH - s.padH + ky;
            if (iy < 0 || iy >= h) {
              continue;
            }
            int dst = plane + iy * wd - s.padW + kx;
            if (s.strideW == 1) {
              for (int ox = ox0; ox < ox1; ox++) {
                dx[dst + ox] += col[src + ox];
              }
            } else {
              for (int ox = ox0; ox < ox1; ox++) {
                dx[dst + ox * s.strideW] += col[src + ox];
              }
            }
          }
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  /** A validated convolution shape and the sizes derived from it. */
  record Shape(
      int n,
      int c,
      int h,
      int w,
      int m,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups,
      int cg,
      int mg,
      int oh,
      int ow,
      int p,
      int kd) {

    Shape(
        int n,
        int c,
        int h,
        int w,
        int m,
        int kh,
        int kw,
        int strideH,
        int strideW,
        int padH,
        int padW,
        int groups) {
      this(
          n,
          c,
          h,
          w,
          m,
          kh,
          kw,
          strideH,
          strideW,
          padH,
          padW,
          groups,
          validGroups(c, m, groups, n, h, w),
          m / groups,
          outputSize(h, kh, strideH, padH),
          outputSize(w, kw, strideW, padW),
          outputSize(h, kh, strideH, padH) * outputSize(w, kw, strideW, padW),
          c / groups * kh * kw);
      if (kh < 1 || kw < 1) {
        throw new IllegalArgumentException(
            "conv2d: kernel must be at least 1x1, got " + kh + "x" + kw);
      }
      if (strideH < 1 || strideW < 1) {
        throw new IllegalArgumentException(
            "conv2d: stride must be at least 1, got " + strideH + "x" + strideW);
      }
      if (padH < 0 || padW < 0) {
        throw new IllegalArgumentException(
            "conv2d: padding must not be negative, got " + padH + "x" + padW);
      }
      if (h + 2 * padH < kh || w + 2 * padW < kw) {
        throw new IllegalArgumentException(
            "conv2d: kernel "
                + kh
                + "x"
                + kw
                + " is larger than the padded input "
                + (h + 2 * padH)
                + "x"
                + (w + 2 * padW));
      }
    }

    private static int validGroups(int c, int m, int groups, int n, int h, int w) {
      if (n < 0 || c < 1 || m < 1 || h < 1 || w < 1) {
        throw new IllegalArgumentException(
            "conv2d: sizes must be positive: N="
                + n
                + ", C="
                + c
                + ", M="
                + m
                + ", H="
                + h
                + ", W="
                + w);
      }
      if (groups < 1 || c % groups != 0 || m % groups != 0) {
        throw new IllegalArgumentException(
            "conv2d: groups="
                + groups
                + " must divide both the input maps ("
                + c
                + ") and the output maps ("
                + m
                + ")");
      }
      return c / groups;
    }

    /**
     * A 1×1, stride-1, unpadded convolution multiplies the input planes directly, without im2col.
     */
    boolean direct() {
      return kh == 1 && kw == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }

    int xSize() {
      return n * c * h * w;
    }

    int wSize() {
      return m * cg * kh * kw;
    }

    int ySize() {
      return n * m * p;
    }

    int colSize() {
      return kd * p;
    }

    void check(
        String n1,
        float[] a1,
        int o1,
        int s1,
        String n2,
        float[] a2,
        int o2,
        int s2,
        String n3,
        float[] a3,
        int o3,
        int s3) {
      checkOne(n1, a1, o1, s1);
      checkOne(n2, a2, o2, s2);
      checkOne(n3, a3, o3, s3);
    }

    private static void checkOne(String name, float[] a, int off, int size) {
      if (a == null) {
        throw new IllegalArgumentException("conv2d: array " + name + " is null");
      }
      if (off < 0 || (long) off + size > a.length) {
        throw new IllegalArgumentException(
            "conv2d: "
                + name
                + " needs "
                + size
                + " floats from offset "
                + off
                + ", array has "
                + a.length);
      }
    }
  }
}
