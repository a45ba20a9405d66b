package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution with the output maps in the vector lanes (loaded only when the Vector API is
 * present), for groups whose output maps are a multiple of the lane count.
 *
 * <p>Each image's group is copied into a zero-padded NHWC plane, so that for one kernel row the
 * window of an output pixel is one contiguous run of KW·C/groups floats; weights are packed once
 * per call as [ky][kx][input map][output map], so that the lane blocks of one tap are adjacent (one
 * base address for all of them). The output pixels are cut, kernel row by kernel row, into register
 * tiles through offset tables ({@link Tiles}) that leave out the pixels and kernel columns that
 * read only zero padding: 6 pixels × 4 lane blocks of maps (24 accumulators) when the group has
 * that many maps, else 8 pixels × 2 or 1 blocks; each run element costs one weight load per block,
 * one broadcast per pixel and one FMA per (pixel, block). Results go to a pixel-major tile that is
 * transposed into the NCHW output at the end. The weight gradient ({@link VectorConvWeight}) uses
 * the same padded plane the other way round.
 *
 * <p>Every kernel method has a single loop: on Java 17, C2 boxed vector accumulators carried across
 * nested loops (measured 7 GFLOP/s instead of 160), so accumulators are reloaded once per kernel
 * row.
 */
final class VectorConv {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  private VectorConv() {}

  /** Whether a group with this many output maps fills whole vectors. */
  static boolean accepts(int mapsPerGroup) {
    return mapsPerGroup % L == 0;
  }

  /** w [M][C/groups][KH][KW] → [group][ky][kx][input map][output map]. */
  static float[] packWeights(float[] w, int wOff, int groups, int mg, int cg, int kh, int kw) {
    int kk = kh * kw;
    int kd = cg * kk;
    float[] packed = new float[groups * mg * kd];
    for (int g = 0; g < groups; g++) {
      for (int m = 0; m < mg; m++) {
        for (int ci = 0; ci < cg; ci++) {
          int from = wOff + ((g * mg + m) * cg + ci) * kk;
          for (int t = 0; t < kk; t++) {
            packed[g * mg * kd + (t * cg + ci) * mg + m] = w[from + t];
          }
        }
      }
    }
    return packed;
  }

  /**
   * The output pixels of one convolution shape cut into register tiles of {@link #size} pixels,
   * kernel row by kernel row, so that no tile multiplies zero padding where its pixels can avoid
   * it. For kernel row ky, only the output rows whose window row ky is an input row (not padding)
   * take part; their pixels go in column classes (runs of columns whose windows cover the same
   * input columns, i.e. the same kernel-column range), each class row-major, and are cut into tiles
   * either class by class (a class's last tile filled up with copies of its last pixel, which
   * compute and store the same value twice) or straight across the classes (a tile that straddles
   * two classes takes the union of their ranges), whichever multiplies fewer zeros. For an input
   * gradient of an unpadded convolution (a full correlation of dy padded by K−1) this leaves no
   * zero work at all, where tiles across rows with one kernel range each did 1.55x the useful work
   * (B1's second convolution). A tile's pixels read zeros only in the columns outside their own
   * range, and adding 0·w leaves an accumulator bitwise unchanged for finite weights, so the result
   * is that of the full sum.
   */
  static final class Tiles {
    final int size;
    final int count;

    /** The tiles of kernel row ky are those from kyStart[ky] to kyStart[ky + 1]. */
    final int[] kyStart;

    /** Per slot: where the pixel's window starts in the padded NHWC plane. */
    final int[] pix;

    /** Per slot: the pixel's index times the maps per group (its maps in the pixel-major tile). */
    final int[] at;

    /** Per tile: the kernel columns its pixels read, from kxFrom (inclusive) to kxTo. */
    final int[] kxFrom;

    final int[] kxTo;

    private Tiles(Conv2d.Shape s) {
      int mg = s.mg();
      int ow = s.ow();
      int rowStride = (s.w() + 2 * s.padW()) * s.cg();
      // Four lane blocks of maps take 6 pixels (24 accumulators), fewer take 8.
      size = mg >= 4 * L ? 6 : 8;
      // Kernel column kx of output column ox reads padded column ox·strideW + kx, an input column
      // if in [padW, padW + W): a range of kernel columns per output column, the same for runs of
      // columns (both ends fall as ox grows).
      int[] colFrom = new int[ow];
      int[] colTo = new int[ow];
      for (int ox = 0; ox < ow; ox++) {
        colFrom[ox] = Math.max(0, s.padW() - ox * s.strideW());
        colTo[ox] = Math.min(s.kw(), s.padW() + s.w() - ox * s.strideW());
      }
      kyStart = new int[s.kh() + 1];
      java.util.List<int[]> slots = new java.util.ArrayList<>();
      java.util.List<int[]> ranges = new java.util.ArrayList<>();
      for (int ky = 0; ky < s.kh(); ky++) {
        kyStart[ky] = ranges.size();
        // Output rows whose window row ky is an input row: padH <= oy·strideH + ky < padH + H.
        int oyFrom = 0;
        while (oyFrom < s.oh() && oyFrom * s.strideH() + ky < s.padH()) {
          oyFrom++;
        }
        int oyTo = oyFrom;
        while (oyTo < s.oh() && oyTo * s.strideH() + ky < s.padH() + s.h()) {
          oyTo++;
        }
        if (oyFrom == oyTo) {
          continue;
        }
        // The band's pixels, class by class (columns with an empty range read only padding).
        java.util.List<int[]> classes = new java.util.ArrayList<>();
        for (int ox = 0; ox < ow; ) {
          int end = ox + 1;
          while (end < ow && colFrom[end] == colFrom[ox] && colTo[end] == colTo[ox]) {
            end++;
          }
          if (colFrom[ox] < colTo[ox]) {
            int[] pixels = new int[(oyTo - oyFrom) * (end - ox)];
            for (int oy = oyFrom, j = 0; oy < oyTo; oy++) {
              for (int c = ox; c < end; c++) {
                pixels[j++] = oy * ow + c;
              }
            }
            classes.add(pixels);
          }
          ox = end;
        }
        java.util.List<int[]> byClass = cut(classes, true);
        java.util.List<int[]> across = cut(classes, false);
        java.util.List<int[]> chosen =
            cost(across, colFrom, colTo, ow) < cost(byClass, colFrom, colTo, ow) ? across : byClass;
        for (int[] tile : chosen) {
          int from = Integer.MAX_VALUE;
          int to = Integer.MIN_VALUE;
          int[] pixOff = new int[size];
          int[] atOff = new int[size];
          for (int j = 0; j < size; j++) {
            int q = tile[j];
            int oy = q / ow;
            int ox = q % ow;
            from = Math.min(from, colFrom[ox]);
            to = Math.max(to, colTo[ox]);
            pixOff[j] = oy * s.strideH() * rowStride + ox * s.strideW() * s.cg();
            atOff[j] = q * mg;
          }
          slots.add(pixOff);
          slots.add(atOff);
          ranges.add(new int[] {from, to});
        }
      }
      kyStart[s.kh()] = ranges.size();
      count = ranges.size();
      pix = new int[count * size];
      at = new int[count * size];
      kxFrom = new int[count];
      kxTo = new int[count];
      for (int t = 0; t < count; t++) {
        System.arraycopy(slots.get(2 * t), 0, pix, t * size, size);
        System.arraycopy(slots.get(2 * t + 1), 0, at, t * size, size);
        kxFrom[t] = ranges.get(t)[0];
        kxTo[t] = ranges.get(t)[1];
      }
    }

    /**
     * The pixels of the classes cut into tiles of {@link #size}, restarting at each class when
     * {@code byClass}; a last partial tile is filled up with copies of its last pixel.
     */
    private java.util.List<int[]> cut(java.util.List<int[]> classes, boolean byClass) {
      java.util.List<int[]> tiles = new java.util.ArrayList<>();
      int[] tile = new int[size];
      int filled = 0;
      for (int k = 0; k < classes.size(); k++) {
        for (int q : classes.get(k)) {
          tile[filled++] = q;
          if (filled == size) {
            tiles.add(tile);
            tile = new int[size];
            filled = 0;
          }
        }
        if (filled > 0 && (byClass || k == classes.size() - 1)) {
          java.util.Arrays.fill(tile, filled, size, tile[filled - 1]);
          tiles.add(tile);
          tile = new int[size];
          filled = 0;
        }
      }
      return tiles;
    }

    /** Multiply-adds per input map of a tiling: each tile's slots times its kernel-column range. */
    private long cost(java.util.List<int[]> tiles, int[] colFrom, int[] colTo, int ow) {
      long total = 0;
      for (int[] tile : tiles) {
        int from = Integer.MAX_VALUE;
        int to = Integer.MIN_VALUE;
        for (int q : tile) {
          from = Math.min(from, colFrom[q % ow]);
          to = Math.max(to, colTo[q % ow]);
        }
        total += (long) size * (to - from);
      }
      return total;
    }

    /**
     * The tiles of a shape whose output maps per group fill whole vectors. Kept per shape (all but
     * the batch size matter): building them took 17-106 µs on B1-B5's layers, 2% of B1's input
     * gradient. A program has few shapes; the cache is emptied if it ever holds {@value #CACHED} of
     * them.
     */
    static Tiles of(Conv2d.Shape s) {
      Key key =
          new Key(
              s.cg(),
              s.mg(),
              s.h(),
              s.w(),
              s.kh(),
              s.kw(),
              s.strideH(),
              s.strideW(),
              s.padH(),
              s.padW());
      Tiles tiles = CACHE.get(key);
      if (tiles == null) {
        if (CACHE.size() >= CACHED) {
          CACHE.clear();
        }
        tiles = new Tiles(s);
        CACHE.put(key, tiles);
      }
      return tiles;
    }

    private static final int CACHED = 256;

    private static final java.util.concurrent.ConcurrentHashMap<Key, Tiles> CACHE =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** What tiles depend on: a convolution shape without its batch size and group count. */
    private record Key(
        int cg,
        int mg,
        int h,
        int w,
        int kh,
        int kw,
        int strideH,
        int strideW,
        int padH,
        int padW) {}
  }

  /**
   * One image's group: y planes [mg][OH·OW] at yAt = the convolution of the cg planes of x at xAt.
   * Each register tile holds the maps of {@code tiles.size} pixels; each output sums its taps
   * kernel row by kernel row (ascending), each row's taps in the packed order (kx, then input map),
   * by fused multiply-adds from +0.0, skipping kernel rows that read zero padding and kernel
   * columns that read zero padding for every pixel of its tile (which would add 0·w: no change).
   */
  static void forwardGroup(
      float[] x,
      int xAt,
      float[] packed,
      int packedAt,
      float[] y,
      int yAt,
      Conv2d.Shape s,
      Tiles tiles) {
    int cg = s.cg();
    int mg = s.mg();
    int p = s.p();
    float[][] scratch = SCRATCH.get();
    float[] xp = paddedNhwc(x, xAt, s, scratch);
    if (scratch[1].length < p * mg) {
      scratch[1] = new float[p * mg];
    }
    float[] out = scratch[1];
    java.util.Arrays.fill(out, 0, p * mg, 0f);
    int run = s.kw() * cg;
    int rowStride = (s.w() + 2 * s.padW()) * cg;
    int[] pix = tiles.pix;
    int[] at = tiles.at;
    int size = tiles.size;
    // Lane blocks of maps outermost, then kernel rows, then tiles: the weights of one block group
    // and kernel row (run · 4L floats: 40 KB for B5's second convolution) stay in cache while every
    // tile uses them; with the tiles outermost, B3's 5 MB of weights were read again for every tile
    // (0.6x the old speed). Each output still sums its kernel rows in ascending order.
    int blocks = size == 6 ? 4 : 2;
    for (int mb = 0; mb < mg; ) {
      int width = Math.min(blocks, (mg - mb) / L);
      if (width == 3) {
        width = 2;
      }
      for (int ky = 0; ky < s.kh(); ky++) {
        for (int t = tiles.kyStart[ky], q = t * size; t < tiles.kyStart[ky + 1]; t++, q += size) {
          int from = tiles.kxFrom[t] * cg;
          int len = tiles.kxTo[t] * cg - from;
          int xOff = ky * rowStride + from;
          int w = packedAt + (ky * run + from) * mg + mb;
          if (size == 6) {
            if (width == 4) {
              tile6x4(xp, pix, at, q, xOff, len, packed, w, mg, out, mb);
            } else if (width == 2) {
              tile6x2(xp, pix, at, q, xOff, len, packed, w, mg, out, mb);
            } else {
              tile6x1(xp, pix, at, q, xOff, len, packed, w, mg, out, mb);
            }
          } else if (width == 2) {
            tile8x2(xp, pix, at, q, xOff, len, packed, w, mg, out, mb);
          } else {
            tile8x1(xp, pix, at, q, xOff, len, packed, w, mg, out, mb);
          }
        }
      }
      mb += width * L;
    }
    transpose(out, 0, mg, p, mg, y, yAt, p);
  }

  /**
   * dst[dstAt + j·dstStride + i] = src[srcAt + i·srcStride + j] for i &lt; rows, j &lt; cols: L
   * rows at a time by one gather and one contiguous store (measured 1.5x faster than element by
   * element on the layouts here), the last rows % L element by element.
   */
  static void transpose(
      float[] src,
      int srcAt,
      int srcStride,
      int rows,
      int cols,
      float[] dst,
      int dstAt,
      int dstStride) {
    int[] index = new int[L];
    for (int l = 0; l < L; l++) {
      index[l] = l * srcStride;
    }
    int vectorRows = rows - rows % L;
    for (int j = 0; j < cols; j++) {
      int to = dstAt + j * dstStride;
      int from = srcAt + j;
      int i = 0;
      for (; i < vectorRows; i += L) {
        FloatVector.fromArray(S, src, from + i * srcStride, index, 0).intoArray(dst, to + i);
      }
      for (; i < rows; i++) {
        dst[to + i] = src[from + i * srcStride];
      }
    }
  }

  /**
   * Copies the cg planes of x at xAt into a zero-padded NHWC plane of xp at xpAt (xp is grown when
   * needed and returned).
   */
  static void paddedNhwc(float[] x, int xAt, Conv2d.Shape s, float[] xp, int xpAt) {
    int cg = s.cg();
    int h = s.h();
    int w = s.w();
    int hp = h + 2 * s.padH();
    int wpad = w + 2 * s.padW();
    java.util.Arrays.fill(xp, xpAt, xpAt + hp * wpad * cg, 0f);
    for (int iy = 0; iy < h; iy++) {
      transpose(
          x, xAt + iy * w, h * w, cg, w, xp, xpAt + ((iy + s.padH()) * wpad + s.padW()) * cg, cg);
    }
  }

  /** Copies the cg planes of x at xAt into the zero-padded NHWC scratch plane and returns it. */
  private static float[] paddedNhwc(float[] x, int xAt, Conv2d.Shape s, float[][] scratch) {
    int size = (s.h() + 2 * s.padH()) * (s.w() + 2 * s.padW()) * s.cg();
    if (scratch[0].length < size) {
      scratch[0] = new float[size];
    }
    paddedNhwc(x, xAt, s, scratch[0], 0);
    return scratch[0];
  }

  /**
   * One kernel row's taps added to 6 pixels × 4 lane blocks of output maps (see {@link
   * #forwardGroup}).
   */
  static void tile6x4(
      float[] xp,
      int[] pix,
      int[] at,
      int q,
      int xOff,
      int run,
      float[] wp,
      int w,
      int mg,
      float[] out,
      int outOff) {
    int b0 = pix[q + 0] + xOff;
    int b1 = pix[q + 1] + xOff;
    int b2 = pix[q + 2] + xOff;
    int b3 = pix[q + 3] + xOff;
    int b4 = pix[q + 4] + xOff;
    int b5 = pix[q + 5] + xOff;
    int o0 = at[q + 0] + outOff;
    int o1 = at[q + 1] + outOff;
    int o2 = at[q + 2] + outOff;
    int o3 = at[q + 3] + outOff;
    int o4 = at[q + 4] + outOff;
    int o5 = at[q + 5] + outOff;
    FloatVector a00 = FloatVector.fromArray(S, out, o0 + 0 * L);
    FloatVector a01 = FloatVector.fromArray(S, out, o0 + 1 * L);
    FloatVector a02 = FloatVector.fromArray(S, out, o0 + 2 * L);
    FloatVector a03 = FloatVector.fromArray(S, out, o0 + 3 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, o1 + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, out, o1 + 1 * L);
    FloatVector a12 = FloatVector.fromArray(S, out, o1 + 2 * L);
    FloatVector a13 = FloatVector.fromArray(S, out, o1 + 3 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, o2 + 0 * L);
    FloatVector a21 = FloatVector.fromArray(S, out, o2 + 1 * L);
    FloatVector a22 = FloatVector.fromArray(S, out, o2 + 2 * L);
    FloatVector a23 = FloatVector.fromArray(S, out, o2 + 3 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, o3 + 0 * L);
    FloatVector a31 = FloatVector.fromArray(S, out, o3 + 1 * L);
    FloatVector a32 = FloatVector.fromArray(S, out, o3 + 2 * L);
    FloatVector a33 = FloatVector.fromArray(S, out, o3 + 3 * L);
    FloatVector a40 = FloatVector.fromArray(S, out, o4 + 0 * L);
    FloatVector a41 = FloatVector.fromArray(S, out, o4 + 1 * L);
    FloatVector a42 = FloatVector.fromArray(S, out, o4 + 2 * L);
    FloatVector a43 = FloatVector.fromArray(S, out, o4 + 3 * L);
    FloatVector a50 = FloatVector.fromArray(S, out, o5 + 0 * L);
    FloatVector a51 = FloatVector.fromArray(S, out, o5 + 1 * L);
    FloatVector a52 = FloatVector.fromArray(S, out, o5 + 2 * L);
    FloatVector a53 = FloatVector.fromArray(S, out, o5 + 3 * L);
    for (int r = 0; r < run; r++) {
      int wr = w + r * mg;
      FloatVector w0 = FloatVector.fromArray(S, wp, wr + 0 * L);
      FloatVector w1 = FloatVector.fromArray(S, wp, wr + 1 * L);
      FloatVector w2 = FloatVector.fromArray(S, wp, wr + 2 * L);
      FloatVector w3 = FloatVector.fromArray(S, wp, wr + 3 * L);
      FloatVector x0 = FloatVector.broadcast(S, xp[b0 + r]);
      a00 = x0.fma(w0, a00);
      a01 = x0.fma(w1, a01);
      a02 = x0.fma(w2, a02);
      a03 = x0.fma(w3, a03);
      FloatVector x1 = FloatVector.broadcast(S, xp[b1 + r]);
      a10 = x1.fma(w0, a10);
      a11 = x1.fma(w1, a11);
      a12 = x1.fma(w2, a12);
      a13 = x1.fma(w3, a13);
      FloatVector x2 = FloatVector.broadcast(S, xp[b2 + r]);
      a20 = x2.fma(w0, a20);
      a21 = x2.fma(w1, a21);
      a22 = x2.fma(w2, a22);
      a23 = x2.fma(w3, a23);
      FloatVector x3 = FloatVector.broadcast(S, xp[b3 + r]);
      a30 = x3.fma(w0, a30);
      a31 = x3.fma(w1, a31);
      a32 = x3.fma(w2, a32);
      a33 = x3.fma(w3, a33);
      FloatVector x4 = FloatVector.broadcast(S, xp[b4 + r]);
      a40 = x4.fma(w0, a40);
      a41 = x4.fma(w1, a41);
      a42 = x4.fma(w2, a42);
      a43 = x4.fma(w3, a43);
      FloatVector x5 = FloatVector.broadcast(S, xp[b5 + r]);
      a50 = x5.fma(w0, a50);
      a51 = x5.fma(w1, a51);
      a52 = x5.fma(w2, a52);
      a53 = x5.fma(w3, a53);
    }
    a00.intoArray(out, o0 + 0 * L);
    a01.intoArray(out, o0 + 1 * L);
    a02.intoArray(out, o0 + 2 * L);
    a03.intoArray(out, o0 + 3 * L);
    a10.intoArray(out, o1 + 0 * L);
    a11.intoArray(out, o1 + 1 * L);
    a12.intoArray(out, o1 + 2 * L);
    a13.intoArray(out, o1 + 3 * L);
    a20.intoArray(out, o2 + 0 * L);
    a21.intoArray(out, o2 + 1 * L);
    a22.intoArray(out, o2 + 2 * L);
    a23.intoArray(out, o2 + 3 * L);
    a30.intoArray(out, o3 + 0 * L);
    a31.intoArray(out, o3 + 1 * L);
    a32.intoArray(out, o3 + 2 * L);
    a33.intoArray(out, o3 + 3 * L);
    a40.intoArray(out, o4 + 0 * L);
    a41.intoArray(out, o4 + 1 * L);
    a42.intoArray(out, o4 + 2 * L);
    a43.intoArray(out, o4 + 3 * L);
    a50.intoArray(out, o5 + 0 * L);
    a51.intoArray(out, o5 + 1 * L);
    a52.intoArray(out, o5 + 2 * L);
    a53.intoArray(out, o5 + 3 * L);
  }

  /**
   * One kernel row's taps added to 6 pixels × 2 lane blocks of output maps (see {@link
   * #forwardGroup}).
   */
  static void tile6x2(
      float[] xp,
      int[] pix,
      int[] at,
      int q,
      int xOff,
      int run,
      float[] wp,
      int w,
      int mg,
      float[] out,
      int outOff) {
    int b0 = pix[q + 0] + xOff;
    int b1 = pix[q + 1] + xOff;
    int b2 = pix[q + 2] + xOff;
    int b3 = pix[q + 3] + xOff;
    int b4 = pix[q + 4] + xOff;
    int b5 = pix[q + 5] + xOff;
    int o0 = at[q + 0] + outOff;
    int o1 = at[q + 1] + outOff;
    int o2 = at[q + 2] + outOff;
    int o3 = at[q + 3] + outOff;
    int o4 = at[q + 4] + outOff;
    int o5 = at[q + 5] + outOff;
    FloatVector a00 = FloatVector.fromArray(S, out, o0 + 0 * L);
    FloatVector a01 = FloatVector.fromArray(S, out, o0 + 1 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, o1 + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, out, o1 + 1 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, o2 + 0 * L);
    FloatVector a21 = FloatVector.fromArray(S, out, o2 + 1 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, o3 + 0 * L);
    FloatVector a31 = FloatVector.fromArray(S, out, o3 + 1 * L);
    FloatVector a40 = FloatVector.fromArray(S, out, o4 + 0 * L);
    FloatVector a41 = FloatVector.fromArray(S, out, o4 + 1 * L);
    FloatVector a50 = FloatVector.fromArray(S, out, o5 + 0 * L);
    FloatVector a51 = FloatVector.fromArray(S, out, o5 + 1 * L);
    for (int r = 0; r < run; r++) {
      int wr = w + r * mg;
      FloatVector w0 = FloatVector.fromArray(S, wp, wr + 0 * L);
      FloatVector w1 = FloatVector.fromArray(S, wp, wr + 1 * L);
      FloatVector x0 = FloatVector.broadcast(S, xp[b0 + r]);
      a00 = x0.fma(w0, a00);
      a01 = x0.fma(w1, a01);
      FloatVector x1 = FloatVector.broadcast(S, xp[b1 + r]);
      a10 = x1.fma(w0, a10);
      a11 = x1.fma(w1, a11);
      FloatVector x2 = FloatVector.broadcast(S, xp[b2 + r]);
      a20 = x2.fma(w0, a20);
      a21 = x2.fma(w1, a21);
      FloatVector x3 = FloatVector.broadcast(S, xp[b3 + r]);
      a30 = x3.fma(w0, a30);
      a31 = x3.fma(w1, a31);
      FloatVector x4 = FloatVector.broadcast(S, xp[b4 + r]);
      a40 = x4.fma(w0, a40);
      a41 = x4.fma(w1, a41);
      FloatVector x5 = FloatVector.broadcast(S, xp[b5 + r]);
      a50 = x5.fma(w0, a50);
      a51 = x5.fma(w1, a51);
    }
    a00.intoArray(out, o0 + 0 * L);
    a01.intoArray(out, o0 + 1 * L);
    a10.intoArray(out, o1 + 0 * L);
    a11.intoArray(out, o1 + 1 * L);
    a20.intoArray(out, o2 + 0 * L);
    a21.intoArray(out, o2 + 1 * L);
    a30.intoArray(out, o3 + 0 * L);
    a31.intoArray(out, o3 + 1 * L);
    a40.intoArray(out, o4 + 0 * L);
    a41.intoArray(out, o4 + 1 * L);
    a50.intoArray(out, o5 + 0 * L);
    a51.intoArray(out, o5 + 1 * L);
  }

  /**
   * One kernel row's taps added to 6 pixels × one lane block of output maps (see {@link
   * #forwardGroup}).
   */
  static void tile6x1(
      float[] xp,
      int[] pix,
      int[] at,
      int q,
      int xOff,
      int run,
      float[] wp,
      int w,
      int mg,
      float[] out,
      int outOff) {
    int b0 = pix[q + 0] + xOff;
    int b1 = pix[q + 1] + xOff;
    int b2 = pix[q + 2] + xOff;
    int b3 = pix[q + 3] + xOff;
    int b4 = pix[q + 4] + xOff;
    int b5 = pix[q + 5] + xOff;
    int o0 = at[q + 0] + outOff;
    int o1 = at[q + 1] + outOff;
    int o2 = at[q + 2] + outOff;
    int o3 = at[q + 3] + outOff;
    int o4 = at[q + 4] + outOff;
    int o5 = at[q + 5] + outOff;
    FloatVector a00 = FloatVector.fromArray(S, out, o0 + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, o1 + 0 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, o2 + 0 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, o3 + 0 * L);
    FloatVector a40 = FloatVector.fromArray(S, out, o4 + 0 * L);
    FloatVector a50 = FloatVector.fromArray(S, out, o5 + 0 * L);
    for (int r = 0; r < run; r++) {
      int wr = w + r * mg;
      FloatVector w0 = FloatVector.fromArray(S, wp, wr + 0 * L);
      FloatVector x0 = FloatVector.broadcast(S, xp[b0 + r]);
      a00 = x0.fma(w0, a00);
      FloatVector x1 = FloatVector.broadcast(S, xp[b1 + r]);
      a10 = x1.fma(w0, a10);
      FloatVector x2 = FloatVector.broadcast(S, xp[b2 + r]);
      a20 = x2.fma(w0, a20);
      FloatVector x3 = FloatVector.broadcast(S, xp[b3 + r]);
      a30 = x3.fma(w0, a30);
      FloatVector x4 = FloatVector.broadcast(S, xp[b4 + r]);
      a40 = x4.fma(w0, a40);
      FloatVector x5 = FloatVector.broadcast(S, xp[b5 + r]);
      a50 = x5.fma(w0, a50);
    }
    a00.intoArray(out, o0 + 0 * L);
    a10.intoArray(out, o1 + 0 * L);
    a20.intoArray(out, o2 + 0 * L);
    a30.intoArray(out, o3 + 0 * L);
    a40.intoArray(out, o4 + 0 * L);
    a50.intoArray(out, o5 + 0 * L);
  }

  /**
   * One kernel row's taps added to 8 pixels × 2 lane blocks of output maps (see {@link
   * #forwardGroup}).
   */
  static void tile8x2(
      float[] xp,
      int[] pix,
      int[] at,
      int q,
      int xOff,
      int run,
      float[] wp,
      int w,
      int mg,
      float[] out,
      int outOff) {
    int b0 = pix[q + 0] + xOff;
    int b1 = pix[q + 1] + xOff;
    int b2 = pix[q + 2] + xOff;
    int b3 = pix[q + 3] + xOff;
    int b4 = pix[q + 4] + xOff;
    int b5 = pix[q + 5] + xOff;
    int b6 = pix[q + 6] + xOff;
    int b7 = pix[q + 7] + xOff;
    int o0 = at[q + 0] + outOff;
    int o1 = at[q + 1] + outOff;
    int o2 = at[q + 2] + outOff;
    int o3 = at[q + 3] + outOff;
    int o4 = at[q + 4] + outOff;
    int o5 = at[q + 5] + outOff;
    int o6 = at[q + 6] + outOff;
    int o7 = at[q + 7] + outOff;
    FloatVector a00 = FloatVector.fromArray(S, out, o0 + 0 * L);
    FloatVector a01 = FloatVector.fromArray(S, out, o0 + 1 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, o1 + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, out, o1 + 1 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, o2 + 0 * L);
    FloatVector a21 = FloatVector.fromArray(S, out, o2 + 1 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, o3 + 0 * L);
    FloatVector a31 = FloatVector.fromArray(S, out, o3 + 1 * L);
    FloatVector a40 = FloatVector.fromArray(S, out, o4 + 0 * L);
    FloatVector a41 = FloatVector.fromArray(S, out, o4 + 1 * L);
    FloatVector a50 = FloatVector.fromArray(S, out, o5 + 0 * L);
    FloatVector a51 = FloatVector.fromArray(S, out, o5 + 1 * L);
    FloatVector a60 = FloatVector.fromArray(S, out, o6 + 0 * L);
    FloatVector a61 = FloatVector.fromArray(S, out, o6 + 1 * L);
    FloatVector a70 = FloatVector.fromArray(S, out, o7 + 0 * L);
    FloatVector a71 = FloatVector.fromArray(S, out, o7 + 1 * L);
    for (int r = 0; r < run; r++) {
      int wr = w + r * mg;
      FloatVector w0 = FloatVector.fromArray(S, wp, wr + 0 * L);
      FloatVector w1 = FloatVector.fromArray(S, wp, wr + 1 * L);
      FloatVector x0 = FloatVector.broadcast(S, xp[b0 + r]);
      a00 = x0.fma(w0, a00);
      a01 = x0.fma(w1, a01);
      FloatVector x1 = FloatVector.broadcast(S, xp[b1 + r]);
      a10 = x1.fma(w0, a10);
      a11 = x1.fma(w1, a11);
      FloatVector x2 = FloatVector.broadcast(S, xp[b2 + r]);
      a20 = x2.fma(w0, a20);
      a21 = x2.fma(w1, a21);
      FloatVector x3 = FloatVector.broadcast(S, xp[b3 + r]);
      a30 = x3.fma(w0, a30);
      a31 = x3.fma(w1, a31);
      FloatVector x4 = FloatVector.broadcast(S, xp[b4 + r]);
      a40 = x4.fma(w0, a40);
      a41 = x4.fma(w1, a41);
      FloatVector x5 = FloatVector.broadcast(S, xp[b5 + r]);
      a50 = x5.fma(w0, a50);
      a51 = x5.fma(w1, a51);
      FloatVector x6 = FloatVector.broadcast(S, xp[b6 + r]);
      a60 = x6.fma(w0, a60);
      a61 = x6.fma(w1, a61);
      FloatVector x7 = FloatVector.broadcast(S, xp[b7 + r]);
      a70 = x7.fma(w0, a70);
      a71 = x7.fma(w1, a71);
    }
    a00.intoArray(out, o0 + 0 * L);
    a01.intoArray(out, o0 + 1 * L);
    a10.intoArray(out, o1 + 0 * L);
    a11.intoArray(out, o1 + 1 * L);
    a20.intoArray(out, o2 + 0 * L);
    a21.intoArray(out, o2 + 1 * L);
    a30.intoArray(out, o3 + 0 * L);
    a31.intoArray(out, o3 + 1 * L);
    a40.intoArray(out, o4 + 0 * L);
    a41.intoArray(out, o4 + 1 * L);
    a50.intoArray(out, o5 + 0 * L);
    a51.intoArray(out, o5 + 1 * L);
    a60.intoArray(out, o6 + 0 * L);
    a61.intoArray(out, o6 + 1 * L);
    a70.intoArray(out, o7 + 0 * L);
    a71.intoArray(out, o7 + 1 * L);
  }

  /**
   * One kernel row's taps added to 8 pixels × one lane block of output maps (see {@link
   * #forwardGroup}).
   */
  static void tile8x1(
      float[] xp,
      int[] pix,
      int[] at,
      int q,
      int xOff,
      int run,
      float[] wp,
      int w,
      int mg,
      float[] out,
      int outOff) {
    int b0 = pix[q + 0] + xOff;
    int b1 = pix[q + 1] + xOff;
    int b2 = pix[q + 2] + xOff;
    int b3 = pix[q + 3] + xOff;
    int b4 = pix[q + 4] + xOff;
    int b5 = pix[q + 5] + xOff;
    int b6 = pix[q + 6] + xOff;
    int b7 = pix[q + 7] + xOff;
    int o0 = at[q + 0] + outOff;
    int o1 = at[q + 1] + outOff;
    int o2 = at[q + 2] + outOff;
    int o3 = at[q + 3] + outOff;
    int o4 = at[q + 4] + outOff;
    int o5 = at[q + 5] + outOff;
    int o6 = at[q + 6] + outOff;
    int o7 = at[q + 7] + outOff;
    FloatVector a00 = FloatVector.fromArray(S, out, o0 + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, o1 + 0 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, o2 + 0 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, o3 + 0 * L);
    FloatVector a40 = FloatVector.fromArray(S, out, o4 + 0 * L);
    FloatVector a50 = FloatVector.fromArray(S, out, o5 + 0 * L);
    FloatVector a60 = FloatVector.fromArray(S, out, o6 + 0 * L);
    FloatVector a70 = FloatVector.fromArray(S, out, o7 + 0 * L);
    for (int r = 0; r < run; r++) {
      int wr = w + r * mg;
      FloatVector w0 = FloatVector.fromArray(S, wp, wr + 0 * L);
      FloatVector x0 = FloatVector.broadcast(S, xp[b0 + r]);
      a00 = x0.fma(w0, a00);
      FloatVector x1 = FloatVector.broadcast(S, xp[b1 + r]);
      a10 = x1.fma(w0, a10);
      FloatVector x2 = FloatVector.broadcast(S, xp[b2 + r]);
      a20 = x2.fma(w0, a20);
      FloatVector x3 = FloatVector.broadcast(S, xp[b3 + r]);
      a30 = x3.fma(w0, a30);
      FloatVector x4 = FloatVector.broadcast(S, xp[b4 + r]);
      a40 = x4.fma(w0, a40);
      FloatVector x5 = FloatVector.broadcast(S, xp[b5 + r]);
      a50 = x5.fma(w0, a50);
      FloatVector x6 = FloatVector.broadcast(S, xp[b6 + r]);
      a60 = x6.fma(w0, a60);
      FloatVector x7 = FloatVector.broadcast(S, xp[b7 + r]);
      a70 = x7.fma(w0, a70);
    }
    a00.intoArray(out, o0 + 0 * L);
    a10.intoArray(out, o1 + 0 * L);
    a20.intoArray(out, o2 + 0 * L);
    a30.intoArray(out, o3 + 0 * L);
    a40.intoArray(out, o4 + 0 * L);
    a50.intoArray(out, o5 + 0 * L);
    a60.intoArray(out, o6 + 0 * L);
    a70.intoArray(out, o7 + 0 * L);
  }
}
