package convnet.compiler.kernels;

import convnet.autodiff.ops.Windows;
import java.util.Arrays;

/**
 * Average and max pooling on NCHW {@code float[]} tensors, forward and backward, with window,
 * stride, zero padding and ceil mode, following PyTorch's {@code avg_pool2d} / {@code max_pool2d}.
 *
 * <p>The window arithmetic is {@link Windows}', shared with the ops that define these kernels.
 * Output size: {@link Windows#pooledSize} (PyTorch's rule). Average pooling divides every window's
 * sum by {@link Windows#averageDivisor}, the full window: padding counts as zeros (PyTorch's {@code
 * count_include_pad=True}) and so do the cells of a ceil-mode window hanging past the padding
 * (where PyTorch divides by the cells that exist). Max pooling treats padding as −∞ and sends the
 * gradient to each window's argmax, its first element of the largest {@link Windows#maxKey}: ties,
 * −0.0 against 0.0 among them, go to the first element in row-major order, and the first NaN wins
 * (PyTorch takes the last).
 */
public final class Pooling {

  /**
   * Whether the vector form of a kernel is used when there is one; not final only so that
   * benchmarks can time both.
   */
  static volatile boolean useVector = true;

  private Pooling() {}

  /**
   * The pooling output size along one axis ({@link Windows#pooledSize}), checking the arguments.
   */
  public static int outputSize(int in, int kernel, int stride, int pad, boolean ceil) {
    if (kernel < 1 || stride < 1 || pad < 0 || !Windows.padFits(pad, kernel)) {
      throw new IllegalArgumentException(
          "pooling: need kernel >= 1, stride >= 1 and 0 <= pad <= kernel/2, got kernel="
              + kernel
              + ", stride="
              + stride
              + ", pad="
              + pad);
    }
    int span = in + 2 * pad - kernel;
    if (span < 0) {
      throw new IllegalArgumentException(
          "pooling: window " + kernel + " is larger than the padded input " + (in + 2 * pad));
    }
    return Windows.pooledSize(in, kernel, stride, pad, ceil);
  }

  /** The four pooling kernels, as {@link #eachImageThen} names them. */
  public enum Kernel {
    /** {@link #avgForward}: reads x, writes y. */
    AVG_FORWARD,
    /** {@link #avgBackward}: reads dy, writes dx. */
    AVG_BACKWARD,
    /** {@link #maxForward}: reads x, writes y. */
    MAX_FORWARD,
    /** {@link #maxBackward}: reads x and dy, writes dx. */
    MAX_BACKWARD;

    /** Whether the kernel writes the pooled size (else the input size). */
    boolean writesPooled() {
      return this == AVG_FORWARD || this == MAX_FORWARD;
    }
  }

  /**
   * Average pooling: y[n,c,oy,ox] = the window's sum over its full size (see the class comment); y
   * overwritten.
   */
  public static void avgForward(
      float[] x,
      float[] y,
      int n,
      int c,
      int h,
      int w,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      boolean ceil) {
    Geometry g = new Geometry(n, c, h, w, kh, kw, strideH, strideW, padH, padW, ceil);
    g.check("x", x, g.inSize(), "y", y, g.outSize());
    Parallel.forRange(n * c, g.inSize(), (chunk, p0, p1) -> avgForwardPlanes(x, y, 0, p0, p1, g));
  }

  /** Gradient of {@link #avgForward}: dx overwritten. */
  public static void avgBackward(
      float[] dy,
      float[] dx,
      int n,
      int c,
      int h,
      int w,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      boolean ceil) {
    Geometry g = new Geometry(n, c, h, w, kh, kw, strideH, strideW, padH, padW, ceil);
    g.check("dy", dy, g.outSize(), "dx", dx, g.inSize());
    Parallel.forRange(
        n * c, g.inSize(), (chunk, p0, p1) -> avgBackwardPlanes(dy, dx, 0, p0, p1, g));
  }

  /** Max pooling: y = the window maximum, padding being −∞; y overwritten. */
  public static void maxForward(
      float[] x,
      float[] y,
      int n,
      int c,
      int h,
      int w,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      boolean ceil) {
    Geometry g = new Geometry(n, c, h, w, kh, kw, strideH, strideW, padH, padW, ceil);
    g.check("x", x, g.inSize(), "y", y, g.outSize());
    Parallel.forRange(n * c, g.inSize(), (chunk, p0, p1) -> maxForwardPlanes(x, y, 0, p0, p1, g));
  }

  /**
   * Gradient of {@link #maxForward}: each dy goes to the first maximum of its window; dx
   * overwritten.
   */
  public static void maxBackward(
      float[] x,
      float[] dy,
      float[] dx,
      int n,
      int c,
      int h,
      int w,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      boolean ceil) {
    Geometry g = new Geometry(n, c, h, w, kh, kw, strideH, strideW, padH, padW, ceil);
    g.check("x", x, g.inSize(), "dy", dy, g.outSize());
    g.check("dx", dx, g.inSize(), "dy", dy, g.outSize());
    Parallel.forRange(
        n * c, g.inSize(), (chunk, p0, p1) -> maxBackwardPlanes(x, dy, dx, 0, p0, p1, g));
  }

  /**
   * Runs {@code kernel} image by image, then {@code after.image(i, …)} on the thread that computed
   * image i, as soon as image i's planes of the output are written (while they are still in cache):
   * the pooling counterpart of {@link Conv2d#forwardThen}. Each output cell is computed by the
   * arithmetic of the kernel's own method ({@link #avgForward}, {@link #avgBackward}, {@link
   * #maxForward}, {@link #maxBackward}), so the output is bitwise the same; images are independent,
   * so the split over threads changes nothing either. {@code after} must touch only image i's slice
   * of what it writes, and nothing the kernel reads.
   *
   * <p>x is the pooled input (unused by AVG_BACKWARD, may be null there), dy the gradient of the
   * pooled output (unused by the forward kernels). With a null {@code out} the output is not kept:
   * each thread writes each of its images to one scratch array of one image's output, at offset 0,
   * which {@code after} reads before the thread's next image overwrites it.
   */
  public static void eachImageThen(
      Kernel kernel,
      float[] x,
      float[] dy,
      float[] out,
      int n,
      int c,
      int h,
      int w,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      boolean ceil,
      Conv2d.ImageEpilogue after) {
    Geometry g = new Geometry(n, c, h, w, kh, kw, strideH, strideW, padH, padW, ceil);
    if (after == null) {
      throw new IllegalArgumentException("pooling: no epilogue to run on each image");
    }
    boolean pooled = kernel.writesPooled();
    int outSize = pooled ? g.outSize() : g.inSize();
    if (kernel != Kernel.AVG_BACKWARD) {
      g.check("x", x, g.inSize(), "x", x, g.inSize());
    }
    if (!pooled) {
      g.check("dy", dy, g.outSize(), "dy", dy, g.outSize());
    }
    if (out != null) {
      g.check(pooled ? "y" : "dx", out, outSize, pooled ? "y" : "dx", out, outSize);
    }
    int image = n == 0 ? 0 : outSize / n;
    // One loop per kernel, each in its own lambda, so that the JIT compiles each as a unit holding
    // one kernel's vector code. A single loop that switched over the four kernels was compiled with
    // them all inlined, past C2's node budget, and left the last kernel's vector steps as calls on
    // boxed vectors, 10-100 times slower (B4's max pooling with its dropout epilogue: 0.3 ms became
    // 4-50 ms a step, depending on the order in which the JIT saw the kernels).
    int work = g.inSize();
    switch (kernel) {
      case AVG_FORWARD ->
          Parallel.forRange(
              n,
              work,
              (chunk, i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                  avgForwardImage(g, x, out, image, i, after);
                }
              });
      case AVG_BACKWARD ->
          Parallel.forRange(
              n,
              work,
              (chunk, i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                  avgBackwardImage(g, dy, out, image, i, after);
                }
              });
      case MAX_FORWARD ->
          Parallel.forRange(
              n,
              work,
              (chunk, i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                  maxForwardImage(g, x, out, image, i, after);
                }
              });
      case MAX_BACKWARD ->
          Parallel.forRange(
              n,
              work,
              (chunk, i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                  maxBackwardImage(g, x, dy, out, image, i, after);
                }
              });
    }
  }

  /**
   * {@link #eachImageThen} for image {@code i} alone, on the calling thread (a convolution's
   * per-image epilogue calls it on the image it has just finished).
   */
  public static void oneImageThen(
      Kernel kernel,
      float[] x,
      float[] dy,
      float[] out,
      int n,
      int c,
      int h,
      int w,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      boolean ceil,
      int i,
      Conv2d.ImageEpilogue after) {
    Geometry g = new Geometry(n, c, h, w, kh, kw, strideH, strideW, padH, padW, ceil);
    boolean pooled = kernel.writesPooled();
    int outSize = pooled ? g.outSize() : g.inSize();
    if (i < 0 || i >= n) {
      throw new IllegalArgumentException("pooling: no image " + i + " in a batch of " + n);
    }
    if (kernel != Kernel.AVG_BACKWARD) {
      g.check("x", x, g.inSize(), "x", x, g.inSize());
    }
    if (!pooled) {
      g.check("dy", dy, g.outSize(), "dy", dy, g.outSize());
    }
    if (out != null) {
      g.check(pooled ? "y" : "dx", out, outSize, pooled ? "y" : "dx", out, outSize);
    }
    int image = outSize / n;
    switch (kernel) {
      case AVG_FORWARD -> avgForwardImage(g, x, out, image, i, after);
      case AVG_BACKWARD -> avgBackwardImage(g, dy, out, image, i, after);
      case MAX_FORWARD -> maxForwardImage(g, x, out, image, i, after);
      case MAX_BACKWARD -> maxBackwardImage(g, x, dy, out, image, i, after);
    }
  }

  /*
   * One image of each kernel: its planes [i·C, (i + 1)·C) into out, or, when out is null, into the
   * thread's one-image scratch at offset 0 (shift = the image's first cell); then after, if any.
   */

  private static void avgForwardImage(
      Geometry g, float[] x, float[] out, int image, int i, Conv2d.ImageEpilogue after) {
    float[] o = out != null ? out : imageScratch(image);
    int shift = out != null ? 0 : i * image;
    avgForwardPlanes(x, o, shift, i * g.c, (i + 1) * g.c, g);
    epilogue(after, i, o, i * image - shift);
  }

  private static void avgBackwardImage(
      Geometry g, float[] dy, float[] out, int image, int i, Conv2d.ImageEpilogue after) {
    float[] o = out != null ? out : imageScratch(image);
    int shift = out != null ? 0 : i * image;
    avgBackwardPlanes(dy, o, shift, i * g.c, (i + 1) * g.c, g);
    epilogue(after, i, o, i * image - shift);
  }

  private static void maxForwardImage(
      Geometry g, float[] x, float[] out, int image, int i, Conv2d.ImageEpilogue after) {
    float[] o = out != null ? out : imageScratch(image);
    int shift = out != null ? 0 : i * image;
    maxForwardPlanes(x, o, shift, i * g.c, (i + 1) * g.c, g);
    epilogue(after, i, o, i * image - shift);
  }

  private static void maxBackwardImage(
      Geometry g,
      float[] x,
      float[] dy,
      float[] out,
      int image,
      int i,
      Conv2d.ImageEpilogue after) {
    float[] o = out != null ? out : imageScratch(image);
    int shift = out != null ? 0 : i * image;
    maxBackwardPlanes(x, dy, o, shift, i * g.c, (i + 1) * g.c, g);
    epilogue(after, i, o, i * image - shift);
  }

  private static void epilogue(Conv2d.ImageEpilogue after, int i, float[] o, int offset) {
    if (after != null) {
      after.image(i, o, offset);
    }
  }

  /** One image's output per thread, for {@link #eachImageThen} without an output array. */
  private static final ThreadLocal<float[][]> IMAGE_SCRATCH =
      ThreadLocal.withInitial(() -> new float[1][0]);

  private static float[] imageScratch(int size) {
    float[][] holder = IMAGE_SCRATCH.get();
    if (holder[0].length < size) {
      holder[0] = new float[size];
    }
    return holder[0];
  }

  /*
   * The kernels over the planes [p0, p1) of NCHW tensors (a plane is one map of one image), writing
   * output cell i at index i − shift of their output array: shift 0 for the whole tensor, or the
   * first cell of one image when that image is written to a one-image scratch array.
   */

  private static void avgForwardPlanes(
      float[] x, float[] y, int shift, int p0, int p1, Geometry g) {
    if (g.isHalving()) {
      avgHalvingForward(x, y, shift, p0, p1, g.h, g.w);
      return;
    }
    int divisor = Windows.averageDivisor(g.kh, g.kw);
    int h = g.h;
    int w = g.w;
    for (int plane = p0; plane < p1; plane++) {
      int in = plane * h * w;
      int out = plane * g.oh * g.ow - shift;
      for (int oy = 0; oy < g.oh; oy++) {
        int ys = Windows.windowStart(oy, g.strideH, g.padH);
        int y0 = Math.max(ys, 0);
        int y1 = Math.min(ys + g.kh, h);
        for (int ox = 0; ox < g.ow; ox++) {
          int xs = Windows.windowStart(ox, g.strideW, g.padW);
          int x0 = Math.max(xs, 0);
          int x1 = Math.min(xs + g.kw, w);
          float sum = 0f;
          for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
              sum += x[in + iy * w + ix];
            }
          }
          y[out + oy * g.ow + ox] = canonical(sum / divisor);
        }
      }
    }
  }

  private static void avgBackwardPlanes(
      float[] dy, float[] dx, int shift, int p0, int p1, Geometry g) {
    if (g.isHalving()) {
      avgHalvingBackward(dy, dx, shift, p0, p1, g.h, g.w);
      return;
    }
    int divisor = Windows.averageDivisor(g.kh, g.kw);
    int h = g.h;
    int w = g.w;
    for (int plane = p0; plane < p1; plane++) {
      int in = plane * h * w - shift;
      int out = plane * g.oh * g.ow;
      Arrays.fill(dx, in, in + h * w, 0f);
      for (int oy = 0; oy < g.oh; oy++) {
        int ys = Windows.windowStart(oy, g.strideH, g.padH);
        int y0 = Math.max(ys, 0);
        int y1 = Math.min(ys + g.kh, h);
        for (int ox = 0; ox < g.ow; ox++) {
          int xs = Windows.windowStart(ox, g.strideW, g.padW);
          int x0 = Math.max(xs, 0);
          int x1 = Math.min(xs + g.kw, w);
          float share = dy[out + oy * g.ow + ox] / divisor;
          for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
              dx[in + iy * w + ix] += share;
            }
          }
        }
      }
      canonicalNaNs(dx, in, in + h * w);
    }
  }

  /*
   * The general loops add overlapping windows' gradients into a cell; with two NaNs of different
   * payloads the sum's payload depends on the order of the operands, which the JIT may swap, so
   * a cell's NaN bits could depend on the compilation tier. The loops write NaNs as the canonical
   * NaN instead, as the 2x2/2 forms do.
   */

  /** Replaces every NaN of a[from, to) by the canonical NaN. */
  private static void canonicalNaNs(float[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != a[i]) {
        a[i] = Float.NaN;
      }
    }
  }

  private static void maxForwardPlanes(
      float[] x, float[] y, int shift, int p0, int p1, Geometry g) {
    if (g.isHalving()) {
      maxHalvingForward(x, y, shift, p0, p1, g.h, g.w);
      return;
    }
    for (int plane = p0; plane < p1; plane++) {
      int in = plane * g.h * g.w;
      int out = plane * g.oh * g.ow - shift;
      for (int oy = 0; oy < g.oh; oy++) {
        for (int ox = 0; ox < g.ow; ox++) {
          y[out + oy * g.ow + ox] = x[in + argmax(x, in, g, oy, ox)];
        }
      }
    }
  }

  private static void maxBackwardPlanes(
      float[] x, float[] dy, float[] dx, int shift, int p0, int p1, Geometry g) {
    if (g.isHalving()) {
      maxHalvingBackward(x, dy, dx, shift, p0, p1, g.h, g.w);
      return;
    }
    for (int plane = p0; plane < p1; plane++) {
      int in = plane * g.h * g.w;
      int out = plane * g.oh * g.ow;
      Arrays.fill(dx, in - shift, in - shift + g.h * g.w, 0f);
      for (int oy = 0; oy < g.oh; oy++) {
        for (int ox = 0; ox < g.ow; ox++) {
          dx[in - shift + argmax(x, in, g, oy, ox)] += dy[out + oy * g.ow + ox];
        }
      }
      canonicalNaNs(dx, in - shift, in - shift + g.h * g.w);
    }
  }

  /**
   * Index within the plane of the argmax of a window: its first element of the largest {@link
   * Windows#maxKey}. Every window holds at least one input cell because pad ≤ kernel/2 and the ceil
   * rule drops windows that would start in the right padding.
   */
  private static int argmax(float[] x, int in, Geometry g, int oy, int ox) {
    int ys = Windows.windowStart(oy, g.strideH, g.padH);
    int xs = Windows.windowStart(ox, g.strideW, g.padW);
    int y0 = Math.max(ys, 0);
    int y1 = Math.min(ys + g.kh, g.h);
    int x0 = Math.max(xs, 0);
    int x1 = Math.min(xs + g.kw, g.w);
    int best = y0 * g.w + x0;
    int bestKey = key(x[in + best]);
    for (int iy = y0; iy < y1; iy++) {
      for (int ix = x0; ix < x1; ix++) {
        int k = key(x[in + iy * g.w + ix]);
        if (k > bestKey) {
          bestKey = k;
          best = iy * g.w + ix;
        }
      }
    }
    return best;
  }

  /*
   * The 2x2 window with stride 2 and no padding over even-sized maps (every pooling layer of the
   * benchmark networks) has its own loops: each output reads one aligned pair of rows, with no window
   * clipping, which the JIT turns into straight-line, branch-free code. Consecutive planes are
   * consecutive row pairs, so the loops run over row pairs: the planes [p0, p1) are the pairs
   * [p0·h/2, p1·h/2). The vector forms (VectorPooling) take the pairs they can and return the first
   * one left to the scalar form. The sums are added in the order of the general loops and the maxima
   * select the same cell, so results are the same.
   */

  private static void avgHalvingForward(
      float[] x, float[] y, int shift, int p0, int p1, int h, int w) {
    int r0 = p0 * (h / 2);
    int r1 = p1 * (h / 2);
    int done = vector() ? VectorPooling.avgHalvingForward(x, y, shift, r0, r1, w) : r0;
    avgHalvingForwardPairs(x, y, shift, done, r1, w);
  }

  /** The scalar form of the 2x2/2 average over the row pairs [r0, r1), output i at i − shift. */
  static void avgHalvingForwardPairs(float[] x, float[] y, int shift, int r0, int r1, int w) {
    int ow = w / 2;
    for (int pair = r0; pair < r1; pair++) {
      int a0 = 2 * w * pair;
      int b0 = a0 + w;
      int o = pair * ow - shift;
      for (int ox = 0; ox < ow; ox++) {
        float sum = 0f;
        sum += x[a0 + 2 * ox];
        sum += x[a0 + 2 * ox + 1];
        sum += x[b0 + 2 * ox];
        sum += x[b0 + 2 * ox + 1];
        y[o + ox] = canonical(sum / 4);
      }
    }
  }

  private static void avgHalvingBackward(
      float[] dy, float[] dx, int shift, int p0, int p1, int h, int w) {
    int r0 = p0 * (h / 2);
    int r1 = p1 * (h / 2);
    int done = vector() ? VectorPooling.avgHalvingBackward(dy, dx, shift, r0, r1, w) : r0;
    avgHalvingBackwardPairs(dy, dx, shift, done, r1, w);
  }

  /**
   * The scalar form of the 2x2/2 average's gradient over the row pairs [r0, r1), dx i at i − shift.
   */
  static void avgHalvingBackwardPairs(float[] dy, float[] dx, int shift, int r0, int r1, int w) {
    int ow = w / 2;
    for (int pair = r0; pair < r1; pair++) {
      int a0 = 2 * w * pair - shift;
      int b0 = a0 + w;
      int o = pair * ow;
      for (int ox = 0; ox < ow; ox++) {
        float share = canonical(dy[o + ox] / 4);
        dx[a0 + 2 * ox] = share;
        dx[a0 + 2 * ox + 1] = share;
        dx[b0 + 2 * ox] = share;
        dx[b0 + 2 * ox + 1] = share;
      }
    }
  }

  private static void maxHalvingForward(
      float[] x, float[] y, int shift, int p0, int p1, int h, int w) {
    int r0 = p0 * (h / 2);
    int r1 = p1 * (h / 2);
    int done = vector() ? VectorPooling.maxHalvingForward(x, y, shift, r0, r1, w) : r0;
    maxHalvingForwardPairs(x, y, shift, done, r1, w);
  }

  /**
   * The scalar form of the 2x2/2 maximum over the row pairs [r0, r1): the bits of each window's
   * first maximum (so −0.0 stays −0.0), a NaN as the canonical NaN (its payload could not be kept
   * alike by the vector form under every JIT tier). Output cell i is written at i − shift.
   */
  static void maxHalvingForwardPairs(float[] x, float[] y, int shift, int r0, int r1, int w) {
    int ow = w / 2;
    for (int pair = r0; pair < r1; pair++) {
      int a0 = 2 * w * pair;
      int b0 = a0 + w;
      int o = pair * ow - shift;
      for (int ox = 0; ox < ow; ox++) {
        int a = a0 + 2 * ox;
        int b = b0 + 2 * ox;
        int v0 = Float.floatToIntBits(x[a]);
        int v1 = Float.floatToIntBits(x[a + 1]);
        int v2 = Float.floatToIntBits(x[b]);
        int v3 = Float.floatToIntBits(x[b + 1]);
        int k0 = key(x[a]);
        int k1 = key(x[a + 1]);
        int k2 = key(x[b]);
        int k3 = key(x[b + 1]);
        int m = Math.max(Math.max(k0, k1), Math.max(k2, k3));
        int s0 = equal(k0, m);
        int s1 = equal(k1, m) & ~s0;
        int s2 = equal(k2, m) & ~(s0 | s1);
        int s3 = ~(s0 | s1 | s2);
        y[o + ox] = Float.intBitsToFloat(v0 & s0 | v1 & s1 | v2 & s2 | v3 & s3);
      }
    }
  }

  /**
   * Writes every cell of the planes [p0, p1) of dx: dy at each window's first maximum, 0 elsewhere.
   */
  private static void maxHalvingBackward(
      float[] x, float[] dy, float[] dx, int shift, int p0, int p1, int h, int w) {
    int r0 = p0 * (h / 2);
    int r1 = p1 * (h / 2);
    int done = vector() ? VectorPooling.maxHalvingBackward(x, dy, dx, shift, r0, r1, w) : r0;
    maxHalvingBackwardPairs(x, dy, dx, shift, done, r1, w);
  }

  /** Whether the vector forms run (the JIT folds the constant half). */
  private static boolean vector() {
    return KernelBackend.VECTOR && useVector;
  }

  /**
   * The scalar form of {@link #maxHalvingBackward} over the row pairs [r0, r1); the vector one
   * matches it bitwise. Output cell i is written at i − shift.
   */
  static void maxHalvingBackwardPairs(
      float[] x, float[] dy, float[] dx, int shift, int r0, int r1, int w) {
    int ow = w / 2;
    for (int pair = r0; pair < r1; pair++) {
      int a0 = 2 * w * pair;
      int b0 = a0 + w;
      int o = pair * ow;
      for (int ox = 0; ox < ow; ox++) {
        int a = a0 + 2 * ox;
        int b = b0 + 2 * ox;
        int k0 = key(x[a]);
        int k1 = key(x[a + 1]);
        int k2 = key(x[b]);
        int k3 = key(x[b + 1]);
        int m = Math.max(Math.max(k0, k1), Math.max(k2, k3));
        // Masks of the first cell equal to the maximum; writing all four cells (the gradient,
        // a NaN as the canonical NaN, or +0.0) spares a separate pass that zeroes dx.
        int s0 = equal(k0, m);
        int s1 = equal(k1, m) & ~s0;
        int s2 = equal(k2, m) & ~(s0 | s1);
        int s3 = ~(s0 | s1 | s2);
        int g = Float.floatToIntBits(dy[o + ox]);
        dx[a - shift] = Float.intBitsToFloat(g & s0);
        dx[a + 1 - shift] = Float.intBitsToFloat(g & s1);
        dx[b - shift] = Float.intBitsToFloat(g & s2);
        dx[b + 1 - shift] = Float.intBitsToFloat(g & s3);
      }
    }
  }

  /**
   * v, or the canonical NaN when v is a NaN: the 2x2/2 average's forms (vector or scalar, chosen by
   * where a call's range ends, and the Vector API's Java or JIT-compiled code) may propagate
   * different NaN payloads, so they all write this one.
   */
  private static float canonical(float v) {
    return v != v ? Float.NaN : v;
  }

  /** Max pooling's order of floats: {@link Windows#maxKey}. */
  static int key(float v) {
    return Windows.maxKey(v);
  }

  /** −1 (all ones) when k == m, else 0, without a branch. */
  private static int equal(int k, int m) {
    return (int) (((k ^ m) & 0xffffffffL) - 1 >> 63);
  }

  /** A validated pooling shape. */
  private record Geometry(
      int n,
      int c,
      int h,
      int w,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int oh,
      int ow) {

    Geometry(
        int n,
        int c,
        int h,
        int w,
        int kh,
        int kw,
        int strideH,
        int strideW,
        int padH,
        int padW,
        boolean ceil) {
      this(
          n,
          c,
          h,
          w,
          kh,
          kw,
          strideH,
          strideW,
          padH,
          padW,
          outputSize(h, kh, strideH, padH, ceil),
          outputSize(w, kw, strideW, padW, ceil));
      if (n < 0 || c < 1 || h < 1 || w < 1) {
        throw new IllegalArgumentException(
            "pooling: sizes must be positive: N=" + n + ", C=" + c + ", H=" + h + ", W=" + w);
      }
    }

    /** The 2x2, stride-2, unpadded window over even sizes: no clipping anywhere. */
    boolean isHalving() {
      return kh == 2
          && kw == 2
          && strideH == 2
          && strideW == 2
          && padH == 0
          && padW == 0
          && h % 2 == 0
          && w % 2 == 0;
    }

    int inSize() {
      return n * c * h * w;
    }

    int outSize() {
      return n * c * oh * ow;
    }

    void check(String n1, float[] a1, int s1, String n2, float[] a2, int s2) {
      if (a1 == null || a1.length < s1) {
        throw new IllegalArgumentException(
            "pooling: "
                + n1
                + " needs "
                + s1
                + " floats, has "
                + (a1 == null ? "none" : a1.length));
      }
      if (a2 == null || a2.length < s2) {
        throw new IllegalArgumentException(
            "pooling: "
                + n2
                + " needs "
                + s2
                + " floats, has "
                + (a2 == null ? "none" : a2.length));
      }
    }
  }
}
