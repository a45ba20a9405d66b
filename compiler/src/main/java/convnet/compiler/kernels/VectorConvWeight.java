package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of the lane-maps convolution ({@link VectorConv}), with the taps in the
 * vector lanes (loaded only when the Vector API is present).
 *
 * <p>dw[m][ci][ky][kx] = Σ_images Σ_pixels dy[m][pixel] · xpad[ci][pixel shifted by (ky, kx)]. Each
 * image's group is copied into the zero-padded NHWC plane of the forward pass, where the window of
 * one pixel and one kernel row, KW·C/groups taps in the order (kx, input map), is one contiguous
 * run: L consecutive taps are one unaligned vector load. dy is transposed pixel-major, so that the
 * maps of a pixel are consecutive floats, each broadcast once per pixel. A register tile holds 6
 * tap vectors × 4 maps (the last tile of a kernel row 1 to 6 vectors); per pixel it costs 6 loads
 * and 4 broadcasts for 24 fused multiply-adds (the maps-in-lanes tile it replaced, 8 taps × 2 lane
 * blocks, needed 8 broadcasts for 16). Accumulators are laid out [map][ky][run rounded up to L]:
 * the lanes past the run read the next floats of the plane and their sums are never used.
 *
 * <p>Order of the sums: every accumulator sums its terms image by image, pixel by pixel
 * (row-major), by fused multiply-adds from +0.0, whatever the tile; cutting the pixels into passes
 * only stores and reloads the accumulators between terms. {@link Conv2d#backwardWeight} keeps one
 * such sum per fixed chunk of the batch and adds the chunks in chunk order ({@link #reduceChunks}).
 */
final class VectorConvWeight {

  static final VectorSpecies<Float> S = VectorConv.S;
  static final int L = S.length();

  /** Output maps per register tile (maps per group are a multiple of L, so of this). */
  static final int MAPS = 4;

  /** Per thread: [0] the padded NHWC planes, [1] dy pixel-major. */
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  private VectorConvWeight() {}

  /** The run of one kernel row, KW·C/groups taps, rounded up to whole vectors. */
  static int runPadded(Conv2d.Shape s) {
    int run = s.kw() * s.cg();
    return (run + L - 1) / L * L;
  }

  /** Floats of one chunk's partial sum: [M][KH][{@link #runPadded}]. */
  static int packedSize(Conv2d.Shape s) {
    return s.m() * s.kh() * runPadded(s);
  }

  /**
   * How many images one weight-gradient pass takes together: enough for about {@value #SPAN}
   * pixels, so that small maps (8×8) do not reload the accumulators every few dozen pixels.
   */
  static int weightImages(Conv2d.Shape s) {
    return Math.max(1, SPAN / s.p());
  }

  /**
   * Pixels per pass between accumulator reloads: the padded planes and dy rows they read then stay
   * in the level-1 cache (measured 5-10% faster than whole 14×14 images).
   */
  static final int SPAN = 128;

  /** Weights per group up to this many (256 KB) are summed in passes of {@value #SPAN} pixels. */
  static final int SPAN_WEIGHTS = 1 << 16;

  /**
   * For the pixels of {@code images} consecutive images (image-major, then row-major), where each
   * window starts in the stacked padded NHWC planes.
   */
  static int[] weightTable(Conv2d.Shape s, int images) {
    int cg = s.cg();
    int rowStride = (s.w() + 2 * s.padW()) * cg;
    int plane = (s.h() + 2 * s.padH()) * rowStride;
    int[] pixOff = new int[images * s.p()];
    for (int img = 0, j = 0; img < images; img++) {
      for (int oy = 0; oy < s.oh(); oy++) {
        for (int ox = 0; ox < s.ow(); ox++, j++) {
          pixOff[j] = img * plane + oy * s.strideH() * rowStride + ox * s.strideW() * cg;
        }
      }
    }
    return pixOff;
  }

  /**
   * Adds {@code images} consecutive images' group to a partial weight gradient laid out
   * [map][ky][{@link #runPadded}] at accAt: acc[m][ky][kx·cg + ci] += Σ_images Σ_pixels
   * dy[m][pixel] · xpad[ci][pixel shifted by (ky, kx)]. Image i's group planes start at xAt +
   * i·xImage in x and dyAt + i·dyImage in dy; pixOff is {@link #weightTable} for at least that many
   * images.
   */
  static void backwardWeightImages(
      float[] x,
      int xAt,
      int xImage,
      float[] dy,
      int dyAt,
      int dyImage,
      int images,
      float[] acc,
      int accAt,
      Conv2d.Shape s,
      int[] pixOff) {
    int cg = s.cg();
    int mg = s.mg();
    int p = s.p();
    int kh = s.kh();
    int rowStride = (s.w() + 2 * s.padW()) * cg;
    int plane = (s.h() + 2 * s.padH()) * rowStride;
    int runPad = runPadded(s);
    float[][] scratch = SCRATCH.get();
    // The last tap vector of the last pixel reads up to L − 1 floats past the planes.
    if (scratch[0].length < images * plane + L) {
      scratch[0] = new float[images * plane + L];
    }
    if (scratch[1].length < images * p * mg) {
      scratch[1] = new float[images * p * mg];
    }
    float[] xp = scratch[0];
    float[] dyT = scratch[1];
    for (int img = 0; img < images; img++) {
      VectorConv.paddedNhwc(x, xAt + img * xImage, s, xp, img * plane);
    }
    for (int img = 0; img < images; img++) {
      VectorConv.transpose(dy, dyAt + img * dyImage, p, mg, p, dyT, img * p * mg, mg);
    }
    int vectors = runPad / L;
    int mapStride = kh * runPad;
    int total = images * p;
    // Every pass reads and writes all the accumulators: worth it only while they are few (B3's 5 MB
    // made three passes over 18×18 pixels 10% slower than one).
    int passes = s.kd() * mg <= SPAN_WEIGHTS ? (total + SPAN - 1) / SPAN : 1;
    int span = (total + passes - 1) / passes;
    for (int q0 = 0; q0 < total; q0 += span) {
      int q1 = Math.min(total, q0 + span);
      for (int ky = 0; ky < kh; ky++) {
        for (int v = 0; v < vectors; ) {
          int tile = Math.min(6, vectors - v);
          int xOff = ky * rowStride + v * L;
          for (int m0 = 0; m0 < mg; m0 += MAPS) {
            int at = accAt + m0 * mapStride + ky * runPad + v * L;
            switch (tile) {
              case 6 -> wtile6x4(xp, pixOff, q0, q1, xOff, dyT, m0, mg, acc, at, mapStride);
              case 5 -> wtile5x4(xp, pixOff, q0, q1, xOff, dyT, m0, mg, acc, at, mapStride);
              case 4 -> wtile4x4(xp, pixOff, q0, q1, xOff, dyT, m0, mg, acc, at, mapStride);
              case 3 -> wtile3x4(xp, pixOff, q0, q1, xOff, dyT, m0, mg, acc, at, mapStride);
              case 2 -> wtile2x4(xp, pixOff, q0, q1, xOff, dyT, m0, mg, acc, at, mapStride);
              default -> wtile1x4(xp, pixOff, q0, q1, xOff, dyT, m0, mg, acc, at, mapStride);
            }
          }
          v += tile;
        }
      }
    }
  }

  /**
   * dw[M][C/groups][KH][KW] (overwritten) = the chunks' partial sums, each {@link #packedSize}
   * floats from chunk·size in {@code partials}, added in chunk order (((p0 + p1) + p2) + ...), as
   * vectors; the maps are shared among the threads (each element's order stays the chunk order).
   * Chunk 0's partial is overwritten with the total.
   */
  static void reduceChunks(
      float[] partials, int chunks, int size, float[] dw, int dwOff, Conv2d.Shape s) {
    int kh = s.kh();
    int kw = s.kw();
    int cg = s.cg();
    int runPad = runPadded(s);
    int mapSize = kh * runPad;
    Parallel.forRange(
        s.m(),
        (long) chunks * size,
        (part, m0, m1) -> {
          int from = m0 * mapSize;
          int to = m1 * mapSize;
          for (int chunk = 1; chunk < chunks; chunk++) {
            int add = chunk * size;
            for (int j = from; j < to; j += L) {
              FloatVector.fromArray(S, partials, j)
                  .add(FloatVector.fromArray(S, partials, add + j))
                  .intoArray(partials, j);
            }
          }
          for (int m = m0; m < m1; m++) {
            for (int ci = 0; ci < cg; ci++) {
              int out = dwOff + (m * cg + ci) * kh * kw;
              for (int ky = 0; ky < kh; ky++) {
                int in = m * mapSize + ky * runPad + ci;
                for (int kx = 0; kx < kw; kx++) {
                  dw[out + ky * kw + kx] = partials[in + kx * cg];
                }
              }
            }
          }
        });
  }

  /**
   * Adds Σ_q xp[pixOff[q] + xOff + j·L + lane]·dyT[q·mg + m0 + i] over pixels q in [from, to) to
   * the accumulator of tap vector j &lt; 6 and map i &lt; 4 at acc[accOff + i·mapStride + j·L].
   */
  static void wtile6x4(
      float[] xp,
      int[] pixOff,
      int from,
      int to,
      int xOff,
      float[] dyT,
      int m0,
      int mg,
      float[] acc,
      int accOff,
      int mapStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 1 * L);
    FloatVector a20 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 2 * L);
    FloatVector a30 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 3 * L);
    FloatVector a40 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 4 * L);
    FloatVector a50 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 5 * L);
    FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 1 * L);
    FloatVector a21 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 2 * L);
    FloatVector a31 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 3 * L);
    FloatVector a41 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 4 * L);
    FloatVector a51 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 5 * L);
    FloatVector a02 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 0 * L);
    FloatVector a12 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 1 * L);
    FloatVector a22 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 2 * L);
    FloatVector a32 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 3 * L);
    FloatVector a42 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 4 * L);
    FloatVector a52 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 5 * L);
    FloatVector a03 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 0 * L);
    FloatVector a13 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 1 * L);
    FloatVector a23 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 2 * L);
    FloatVector a33 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 3 * L);
    FloatVector a43 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 4 * L);
    FloatVector a53 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 5 * L);
    for (int q = from; q < to; q++) {
      int o = pixOff[q] + xOff;
      int d = q * mg + m0;
      FloatVector d0 = FloatVector.broadcast(S, dyT[d + 0]);
      FloatVector d1 = FloatVector.broadcast(S, dyT[d + 1]);
      FloatVector d2 = FloatVector.broadcast(S, dyT[d + 2]);
      FloatVector d3 = FloatVector.broadcast(S, dyT[d + 3]);
      FloatVector x0 = FloatVector.fromArray(S, xp, o + 0 * L);
      a00 = x0.fma(d0, a00);
      a01 = x0.fma(d1, a01);
      a02 = x0.fma(d2, a02);
      a03 = x0.fma(d3, a03);
      FloatVector x1 = FloatVector.fromArray(S, xp, o + 1 * L);
      a10 = x1.fma(d0, a10);
      a11 = x1.fma(d1, a11);
      a12 = x1.fma(d2, a12);
      a13 = x1.fma(d3, a13);
      FloatVector x2 = FloatVector.fromArray(S, xp, o + 2 * L);
      a20 = x2.fma(d0, a20);
      a21 = x2.fma(d1, a21);
      a22 = x2.fma(d2, a22);
      a23 = x2.fma(d3, a23);
      FloatVector x3 = FloatVector.fromArray(S, xp, o + 3 * L);
      a30 = x3.fma(d0, a30);
      a31 = x3.fma(d1, a31);
      a32 = x3.fma(d2, a32);
      a33 = x3.fma(d3, a33);
      FloatVector x4 = FloatVector.fromArray(S, xp, o + 4 * L);
      a40 = x4.fma(d0, a40);
      a41 = x4.fma(d1, a41);
      a42 = x4.fma(d2, a42);
      a43 = x4.fma(d3, a43);
      FloatVector x5 = FloatVector.fromArray(S, xp, o + 5 * L);
      a50 = x5.fma(d0, a50);
      a51 = x5.fma(d1, a51);
      a52 = x5.fma(d2, a52);
      a53 = x5.fma(d3, a53);
    }
    a00.intoArray(acc, accOff + 0 * mapStride + 0 * L);
    a10.intoArray(acc, accOff + 0 * mapStride + 1 * L);
    a20.intoArray(acc, accOff + 0 * mapStride + 2 * L);
    a30.intoArray(acc, accOff + 0 * mapStride + 3 * L);
    a40.intoArray(acc, accOff + 0 * mapStride + 4 * L);
    a50.intoArray(acc, accOff + 0 * mapStride + 5 * L);
    a01.intoArray(acc, accOff + 1 * mapStride + 0 * L);
    a11.intoArray(acc, accOff + 1 * mapStride + 1 * L);
    a21.intoArray(acc, accOff + 1 * mapStride + 2 * L);
    a31.intoArray(acc, accOff + 1 * mapStride + 3 * L);
    a41.intoArray(acc, accOff + 1 * mapStride + 4 * L);
    a51.intoArray(acc, accOff + 1 * mapStride + 5 * L);
    a02.intoArray(acc, accOff + 2 * mapStride + 0 * L);
    a12.intoArray(acc, accOff + 2 * mapStride + 1 * L);
    a22.intoArray(acc, accOff + 2 * mapStride + 2 * L);
    a32.intoArray(acc, accOff + 2 * mapStride + 3 * L);
    a42.intoArray(acc, accOff + 2 * mapStride + 4 * L);
    a52.intoArray(acc, accOff + 2 * mapStride + 5 * L);
    a03.intoArray(acc, accOff + 3 * mapStride + 0 * L);
    a13.intoArray(acc, accOff + 3 * mapStride + 1 * L);
    a23.intoArray(acc, accOff + 3 * mapStride + 2 * L);
    a33.intoArray(acc, accOff + 3 * mapStride + 3 * L);
    a43.intoArray(acc, accOff + 3 * mapStride + 4 * L);
    a53.intoArray(acc, accOff + 3 * mapStride + 5 * L);
  }

  /**
   * Adds Σ_q xp[pixOff[q] + xOff + j·L + lane]·dyT[q·mg + m0 + i] over pixels q in [from, to) to
   * the accumulator of tap vector j &lt; 5 and map i &lt; 4 at acc[accOff + i·mapStride + j·L].
   */
  static void wtile5x4(
      float[] xp,
      int[] pixOff,
      int from,
      int to,
      int xOff,
      float[] dyT,
      int m0,
      int mg,
      float[] acc,
      int accOff,
      int mapStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 1 * L);
    FloatVector a20 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 2 * L);
    FloatVector a30 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 3 * L);
    FloatVector a40 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 4 * L);
    FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 1 * L);
    FloatVector a21 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 2 * L);
    FloatVector a31 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 3 * L);
    FloatVector a41 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 4 * L);
    FloatVector a02 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 0 * L);
    FloatVector a12 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 1 * L);
    FloatVector a22 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 2 * L);
    FloatVector a32 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 3 * L);
    FloatVector a42 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 4 * L);
    FloatVector a03 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 0 * L);
    FloatVector a13 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 1 * L);
    FloatVector a23 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 2 * L);
    FloatVector a33 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 3 * L);
    FloatVector a43 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 4 * L);
    for (int q = from; q < to; q++) {
      int o = pixOff[q] + xOff;
      int d = q * mg + m0;
      FloatVector d0 = FloatVector.broadcast(S, dyT[d + 0]);
      FloatVector d1 = FloatVector.broadcast(S, dyT[d + 1]);
      FloatVector d2 = FloatVector.broadcast(S, dyT[d + 2]);
      FloatVector d3 = FloatVector.broadcast(S, dyT[d + 3]);
      FloatVector x0 = FloatVector.fromArray(S, xp, o + 0 * L);
      a00 = x0.fma(d0, a00);
      a01 = x0.fma(d1, a01);
      a02 = x0.fma(d2, a02);
      a03 = x0.fma(d3, a03);
      FloatVector x1 = FloatVector.fromArray(S, xp, o + 1 * L);
      a10 = x1.fma(d0, a10);
      a11 = x1.fma(d1, a11);
      a12 = x1.fma(d2, a12);
      a13 = x1.fma(d3, a13);
      FloatVector x2 = FloatVector.fromArray(S, xp, o + 2 * L);
      a20 = x2.fma(d0, a20);
      a21 = x2.fma(d1, a21);
      a22 = x2.fma(d2, a22);
      a23 = x2.fma(d3, a23);
      FloatVector x3 = FloatVector.fromArray(S, xp, o + 3 * L);
      a30 = x3.fma(d0, a30);
      a31 = x3.fma(d1, a31);
      a32 = x3.fma(d2, a32);
      a33 = x3.fma(d3, a33);
      FloatVector x4 = FloatVector.fromArray(S, xp, o + 4 * L);
      a40 = x4.fma(d0, a40);
      a41 = x4.fma(d1, a41);
      a42 = x4.fma(d2, a42);
      a43 = x4.fma(d3, a43);
    }
    a00.intoArray(acc, accOff + 0 * mapStride + 0 * L);
    a10.intoArray(acc, accOff + 0 * mapStride + 1 * L);
    a20.intoArray(acc, accOff + 0 * mapStride + 2 * L);
    a30.intoArray(acc, accOff + 0 * mapStride + 3 * L);
    a40.intoArray(acc, accOff + 0 * mapStride + 4 * L);
    a01.intoArray(acc, accOff + 1 * mapStride + 0 * L);
    a11.intoArray(acc, accOff + 1 * mapStride + 1 * L);
    a21.intoArray(acc, accOff + 1 * mapStride + 2 * L);
    a31.intoArray(acc, accOff + 1 * mapStride + 3 * L);
    a41.intoArray(acc, accOff + 1 * mapStride + 4 * L);
    a02.intoArray(acc, accOff + 2 * mapStride + 0 * L);
    a12.intoArray(acc, accOff + 2 * mapStride + 1 * L);
    a22.intoArray(acc, accOff + 2 * mapStride + 2 * L);
    a32.intoArray(acc, accOff + 2 * mapStride + 3 * L);
    a42.intoArray(acc, accOff + 2 * mapStride + 4 * L);
    a03.intoArray(acc, accOff + 3 * mapStride + 0 * L);
    a13.intoArray(acc, accOff + 3 * mapStride + 1 * L);
    a23.intoArray(acc, accOff + 3 * mapStride + 2 * L);
    a33.intoArray(acc, accOff + 3 * mapStride + 3 * L);
    a43.intoArray(acc, accOff + 3 * mapStride + 4 * L);
  }

  /**
   * Adds Σ_q xp[pixOff[q] + xOff + j·L + lane]·dyT[q·mg + m0 + i] over pixels q in [from, to) to
   * the accumulator of tap vector j &lt; 4 and map i &lt; 4 at acc[accOff + i·mapStride + j·L].
   */
  static void wtile4x4(
      float[] xp,
      int[] pixOff,
      int from,
      int to,
      int xOff,
      float[] dyT,
      int m0,
      int mg,
      float[] acc,
      int accOff,
      int mapStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 1 * L);
    FloatVector a20 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 2 * L);
    FloatVector a30 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 3 * L);
    FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 1 * L);
    FloatVector a21 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 2 * L);
    FloatVector a31 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 3 * L);
    FloatVector a02 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 0 * L);
    FloatVector a12 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 1 * L);
    FloatVector a22 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 2 * L);
    FloatVector a32 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 3 * L);
    FloatVector a03 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 0 * L);
    FloatVector a13 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 1 * L);
    FloatVector a23 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 2 * L);
    FloatVector a33 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 3 * L);
    for (int q = from; q < to; q++) {
      int o = pixOff[q] + xOff;
      int d = q * mg + m0;
      FloatVector d0 = FloatVector.broadcast(S, dyT[d + 0]);
      FloatVector d1 = FloatVector.broadcast(S, dyT[d + 1]);
      FloatVector d2 = FloatVector.broadcast(S, dyT[d + 2]);
      FloatVector d3 = FloatVector.broadcast(S, dyT[d + 3]);
      FloatVector x0 = FloatVector.fromArray(S, xp, o + 0 * L);
      a00 = x0.fma(d0, a00);
      a01 = x0.fma(d1, a01);
      a02 = x0.fma(d2, a02);
      a03 = x0.fma(d3, a03);
      FloatVector x1 = FloatVector.fromArray(S, xp, o + 1 * L);
      a10 = x1.fma(d0, a10);
      a11 = x1.fma(d1, a11);
      a12 = x1.fma(d2, a12);
      a13 = x1.fma(d3, a13);
      FloatVector x2 = FloatVector.fromArray(S, xp, o + 2 * L);
      a20 = x2.fma(d0, a20);
      a21 = x2.fma(d1, a21);
      a22 = x2.fma(d2, a22);
      a23 = x2.fma(d3, a23);
      FloatVector x3 = FloatVector.fromArray(S, xp, o + 3 * L);
      a30 = x3.fma(d0, a30);
      a31 = x3.fma(d1, a31);
      a32 = x3.fma(d2, a32);
      a33 = x3.fma(d3, a33);
    }
    a00.intoArray(acc, accOff + 0 * mapStride + 0 * L);
    a10.intoArray(acc, accOff + 0 * mapStride + 1 * L);
    a20.intoArray(acc, accOff + 0 * mapStride + 2 * L);
    a30.intoArray(acc, accOff + 0 * mapStride + 3 * L);
    a01.intoArray(acc, accOff + 1 * mapStride + 0 * L);
    a11.intoArray(acc, accOff + 1 * mapStride + 1 * L);
    a21.intoArray(acc, accOff + 1 * mapStride + 2 * L);
    a31.intoArray(acc, accOff + 1 * mapStride + 3 * L);
    a02.intoArray(acc, accOff + 2 * mapStride + 0 * L);
    a12.intoArray(acc, accOff + 2 * mapStride + 1 * L);
    a22.intoArray(acc, accOff + 2 * mapStride + 2 * L);
    a32.intoArray(acc, accOff + 2 * mapStride + 3 * L);
    a03.intoArray(acc, accOff + 3 * mapStride + 0 * L);
    a13.intoArray(acc, accOff + 3 * mapStride + 1 * L);
    a23.intoArray(acc, accOff + 3 * mapStride + 2 * L);
    a33.intoArray(acc, accOff + 3 * mapStride + 3 * L);
  }

  /**
   * Adds Σ_q xp[pixOff[q] + xOff + j·L + lane]·dyT[q·mg + m0 + i] over pixels q in [from, to) to
   * the accumulator of tap vector j &lt; 3 and map i &lt; 4 at acc[accOff + i·mapStride + j·L].
   */
  static void wtile3x4(
      float[] xp,
      int[] pixOff,
      int from,
      int to,
      int xOff,
      float[] dyT,
      int m0,
      int mg,
      float[] acc,
      int accOff,
      int mapStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 1 * L);
    FloatVector a20 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 2 * L);
    FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 1 * L);
    FloatVector a21 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 2 * L);
    FloatVector a02 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 0 * L);
    FloatVector a12 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 1 * L);
    FloatVector a22 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 2 * L);
    FloatVector a03 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 0 * L);
    FloatVector a13 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 1 * L);
    FloatVector a23 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 2 * L);
    for (int q = from; q < to; q++) {
      int o = pixOff[q] + xOff;
      int d = q * mg + m0;
      FloatVector d0 = FloatVector.broadcast(S, dyT[d + 0]);
      FloatVector d1 = FloatVector.broadcast(S, dyT[d + 1]);
      FloatVector d2 = FloatVector.broadcast(S, dyT[d + 2]);
      FloatVector d3 = FloatVector.broadcast(S, dyT[d + 3]);
      FloatVector x0 = FloatVector.fromArray(S, xp, o + 0 * L);
      a00 = x0.fma(d0, a00);
      a01 = x0.fma(d1, a01);
      a02 = x0.fma(d2, a02);
      a03 = x0.fma(d3, a03);
      FloatVector x1 = FloatVector.fromArray(S, xp, o + 1 * L);
      a10 = x1.fma(d0, a10);
      a11 = x1.fma(d1, a11);
      a12 = x1.fma(d2, a12);
      a13 = x1.fma(d3, a13);
      FloatVector x2 = FloatVector.fromArray(S, xp, o + 2 * L);
      a20 = x2.fma(d0, a20);
      a21 = x2.fma(d1, a21);
      a22 = x2.fma(d2, a22);
      a23 = x2.fma(d3, a23);
    }
    a00.intoArray(acc, accOff + 0 * mapStride + 0 * L);
    a10.intoArray(acc, accOff + 0 * mapStride + 1 * L);
    a20.intoArray(acc, accOff + 0 * mapStride + 2 * L);
    a01.intoArray(acc, accOff + 1 * mapStride + 0 * L);
    a11.intoArray(acc, accOff + 1 * mapStride + 1 * L);
    a21.intoArray(acc, accOff + 1 * mapStride + 2 * L);
    a02.intoArray(acc, accOff + 2 * mapStride + 0 * L);
    a12.intoArray(acc, accOff + 2 * mapStride + 1 * L);
    a22.intoArray(acc, accOff + 2 * mapStride + 2 * L);
    a03.intoArray(acc, accOff + 3 * mapStride + 0 * L);
    a13.intoArray(acc, accOff + 3 * mapStride + 1 * L);
    a23.intoArray(acc, accOff + 3 * mapStride + 2 * L);
  }

  /**
   * Adds Σ_q xp[pixOff[q] + xOff + j·L + lane]·dyT[q·mg + m0 + i] over pixels q in [from, to) to
   * the accumulator of tap vector j &lt; 2 and map i &lt; 4 at acc[accOff + i·mapStride + j·L].
   */
  static void wtile2x4(
      float[] xp,
      int[] pixOff,
      int from,
      int to,
      int xOff,
      float[] dyT,
      int m0,
      int mg,
      float[] acc,
      int accOff,
      int mapStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 1 * L);
    FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 1 * L);
    FloatVector a02 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 0 * L);
    FloatVector a12 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 1 * L);
    FloatVector a03 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 0 * L);
    FloatVector a13 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 1 * L);
    for (int q = from; q < to; q++) {
      int o = pixOff[q] + xOff;
      int d = q * mg + m0;
      FloatVector d0 = FloatVector.broadcast(S, dyT[d + 0]);
      FloatVector d1 = FloatVector.broadcast(S, dyT[d + 1]);
      FloatVector d2 = FloatVector.broadcast(S, dyT[d + 2]);
      FloatVector d3 = FloatVector.broadcast(S, dyT[d + 3]);
      FloatVector x0 = FloatVector.fromArray(S, xp, o + 0 * L);
      a00 = x0.fma(d0, a00);
      a01 = x0.fma(d1, a01);
      a02 = x0.fma(d2, a02);
      a03 = x0.fma(d3, a03);
      FloatVector x1 = FloatVector.fromArray(S, xp, o + 1 * L);
      a10 = x1.fma(d0, a10);
      a11 = x1.fma(d1, a11);
      a12 = x1.fma(d2, a12);
      a13 = x1.fma(d3, a13);
    }
    a00.intoArray(acc, accOff + 0 * mapStride + 0 * L);
    a10.intoArray(acc, accOff + 0 * mapStride + 1 * L);
    a01.intoArray(acc, accOff + 1 * mapStride + 0 * L);
    a11.intoArray(acc, accOff + 1 * mapStride + 1 * L);
    a02.intoArray(acc, accOff + 2 * mapStride + 0 * L);
    a12.intoArray(acc, accOff + 2 * mapStride + 1 * L);
    a03.intoArray(acc, accOff + 3 * mapStride + 0 * L);
    a13.intoArray(acc, accOff + 3 * mapStride + 1 * L);
  }

  /**
   * Adds Σ_q xp[pixOff[q] + xOff + j·L + lane]·dyT[q·mg + m0 + i] over pixels q in [from, to) to
   * the accumulator of tap vector j &lt; 1 and map i &lt; 4 at acc[accOff + i·mapStride + j·L].
   */
  static void wtile1x4(
      float[] xp,
      int[] pixOff,
      int from,
      int to,
      int xOff,
      float[] dyT,
      int m0,
      int mg,
      float[] acc,
      int accOff,
      int mapStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * mapStride + 0 * L);
    FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 1 * mapStride + 0 * L);
    FloatVector a02 = FloatVector.fromArray(S, acc, accOff + 2 * mapStride + 0 * L);
    FloatVector a03 = FloatVector.fromArray(S, acc, accOff + 3 * mapStride + 0 * L);
    for (int q = from; q < to; q++) {
      int o = pixOff[q] + xOff;
      int d = q * mg + m0;
      FloatVector d0 = FloatVector.broadcast(S, dyT[d + 0]);
      FloatVector d1 = FloatVector.broadcast(S, dyT[d + 1]);
      FloatVector d2 = FloatVector.broadcast(S, dyT[d + 2]);
      FloatVector d3 = FloatVector.broadcast(S, dyT[d + 3]);
      FloatVector x0 = FloatVector.fromArray(S, xp, o + 0 * L);
      a00 = x0.fma(d0, a00);
      a01 = x0.fma(d1, a01);
      a02 = x0.fma(d2, a02);
      a03 = x0.fma(d3, a03);
    }
    a00.intoArray(acc, accOff + 0 * mapStride + 0 * L);
    a01.intoArray(acc, accOff + 1 * mapStride + 0 * L);
    a02.intoArray(acc, accOff + 2 * mapStride + 0 * L);
    a03.intoArray(acc, accOff + 3 * mapStride + 0 * L);
  }
}
