package convnet.compiler.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct stride-1 convolution with pixels in the vector lanes (loaded only when the Vector API is
 * present), forward and weight gradient, for groups with few input maps: the first layer of a
 * network, whose 1 or 3 input maps make the GEMM's reduction (C·KH·KW = 25 or 27) too short to pay
 * for im2col.
 *
 * <p>Each image's input maps are copied into zero-padded planes of width Wp = W + 2·padW, one after
 * the other. Output pixel (oy, ox) reads xpad at q + off[t] with q = oy·Wp + ox, for tap t = (ci·KH
 * + ky)·KW + kx and off[t] = ci·plane + ky·Wp + kx, so L consecutive pixels of an output row read,
 * for each tap, one contiguous run of input.
 *
 * <p>Forward: a tile is 4 output maps × 4 vectors of L pixels, 16 accumulators in registers over
 * the single loop of taps; y[m][pixel] = Σ_t w[m][t]·xpad[q + off[t]] summed in tap order t = 0, 1,
 * …, one fused multiply-add per tap, whatever the thread count (images are independent). When
 * output rows are at least L wide, the vectors are L-column pieces of rows (a row's last piece ends
 * at its end, overlapping the one before, which computes the same values) stored straight into y.
 * Narrower rows are computed on the padded width, positions q = 0, 1, … rounded up to whole tiles,
 * into a scratch block whose valid columns are then copied out (the columns ox ≥ OW are thrown
 * away).
 *
 * <p>Weight gradient: dy is copied onto the padded width, zeros in columns ox ≥ OW and behind the
 * last row up to whole tiles (the planes carry enough zeros behind them for those reads), so
 * dw[m][t] = Σ_q dy[m][q]·xpad[q + off[t]] is a dot product of two contiguous runs. A tile is 4
 * maps × 4 taps of vector accumulators over the positions. The reduction order, fixed by the batch
 * size and the vector length L only: the batch is cut into {@link Parallel#reductionChunks(int)}
 * chunks; lane l of a chunk's accumulator sums, by fused multiply-adds, the positions q ≡ l (mod L)
 * of the chunk's images, image by image in batch order and q ascending; a chunk's sum is its lanes
 * added in lane order; dw is the chunks' sums added in chunk order. An input holding ±∞ or NaN in
 * the window of a zero column of dy would multiply a zero into the sum (NaN where the reference has
 * a number); such an input makes the forward pass non-finite anyway.
 */
final class VectorPlaneConv {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  /** Vectors of positions per tile. */
  static final int VECTORS = 4;

  /** Output maps (forward) or maps and taps (weight gradient) per tile. */
  static final int MAPS = 4;

  /** Per thread: [0] padded input planes, [1] output rows or dy on the padded width. */
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  private VectorPlaneConv() {}

  /** The layout of one image's group on the padded planes, derived from a convolution shape. */
  record Planes(
      int wp,
      int plane,
      int positions,
      int[] off,
      int xpSize,
      boolean direct,
      int[] unitX,
      int[] unitY) {

    static Planes of(Conv2d.Shape s) {
      int hp = s.h() + 2 * s.padH();
      int wp = s.w() + 2 * s.padW();
      int plane = hp * wp;
      int tile = VECTORS * L;
      int positions = (s.oh() * wp + tile - 1) / tile * tile;
      int[] off = new int[s.kd()];
      int t = 0;
      for (int ci = 0; ci < s.cg(); ci++) {
        for (int ky = 0; ky < s.kh(); ky++) {
          for (int kx = 0; kx < s.kw(); kx++) {
            off[t++] = ci * plane + ky * wp + kx;
          }
        }
      }
      int ow = s.ow();
      boolean direct = ow >= L;
      int[] unitX;
      int[] unitY;
      if (direct) {
        // Vectors of L output columns within a row, the last one ending at the row's end (it may
        // overlap the one before: both compute the same values); whole tiles by repeating the last.
        int perRow = (ow + L - 1) / L;
        int units = s.oh() * perRow;
        int count = (units + VECTORS - 1) / VECTORS * VECTORS;
        unitX = new int[count];
        unitY = new int[count];
        for (int u = 0; u < count; u++) {
          int unit = Math.min(u, units - 1);
          int oy = unit / perRow;
          int col = Math.min(unit % perRow * L, ow - L);
          unitX[u] = oy * wp + col;
          unitY[u] = oy * ow + col;
        }
      } else {
        unitX = new int[positions / L];
        for (int u = 0; u < unitX.length; u++) {
          unitX[u] = u * L;
        }
        unitY = unitX;
      }
      // The last tap's reads end at off[kd − 1] + positions.
      return new Planes(
          wp,
          plane,
          positions,
          off,
          Math.max(s.cg() * plane, off[s.kd() - 1] + positions),
          direct,
          unitX,
          unitY);
    }
  }

  /**
   * Copies the cg input maps at xAt into zero-padded planes, zeros behind them, and returns the
   * array.
   */
  private static float[] pad(float[] x, int xAt, Conv2d.Shape s, Planes pl, float[][] scratch) {
    if (scratch[0].length < pl.xpSize()) {
      scratch[0] = new float[pl.xpSize()];
    }
    float[] xp = scratch[0];
    Arrays.fill(xp, 0, pl.xpSize(), 0f);
    int h = s.h();
    int w = s.w();
    for (int ci = 0; ci < s.cg(); ci++) {
      for (int iy = 0; iy < h; iy++) {
        System.arraycopy(
            x,
            xAt + (ci * h + iy) * w,
            xp,
            ci * pl.plane() + (iy + s.padH()) * pl.wp() + s.padW(),
            w);
      }
    }
    return xp;
  }

  /**
   * One image's group: the mg output planes at yAt from the cg input planes at xAt and the weights
   * at wAt. Rows at least L wide are written straight into y, vector by vector; narrower ones are
   * computed on the padded width into a scratch block and their valid columns copied out.
   */
  static void forwardGroup(
      float[] x, int xAt, float[] wt, int wAt, float[] y, int yAt, Conv2d.Shape s, Planes pl) {
    float[][] scratch = SCRATCH.get();
    float[] xp = pad(x, xAt, s, pl, scratch);
    int positions = pl.positions();
    float[] out = y;
    int mapStride = s.p();
    if (!pl.direct()) {
      if (scratch[1].length < MAPS * positions) {
        scratch[1] = new float[MAPS * positions];
      }
      out = scratch[1];
      mapStride = positions;
    }
    int kd = s.kd();
    int mg = s.mg();
    int[] off = pl.off();
    int[] ux = pl.unitX();
    int[] uy = pl.unitY();
    for (int m = 0; m < mg; m += MAPS) {
      int maps = Math.min(MAPS, mg - m);
      int outAt = pl.direct() ? yAt + m * mapStride : 0;
      for (int u = 0; u < ux.length; u += VECTORS) {
        if (maps == MAPS) {
          forwardTile(
              xp,
              ux[u],
              ux[u + 1],
              ux[u + 2],
              ux[u + 3],
              off,
              kd,
              wt,
              wAt + m * kd,
              out,
              outAt + uy[u],
              outAt + uy[u + 1],
              outAt + uy[u + 2],
              outAt + uy[u + 3],
              mapStride);
        } else {
          for (int i = 0; i < maps; i++) {
            int at = outAt + i * mapStride;
            forwardTileOneMap(
                xp,
                ux[u],
                ux[u + 1],
                ux[u + 2],
                ux[u + 3],
                off,
                kd,
                wt,
                wAt + (m + i) * kd,
                out,
                at + uy[u],
                at + uy[u + 1],
                at + uy[u + 2],
                at + uy[u + 3]);
          }
        }
      }
      if (!pl.direct()) {
        for (int i = 0; i < maps; i++) {
          for (int oy = 0; oy < s.oh(); oy++) {
            System.arraycopy(
                out,
                i * positions + oy * pl.wp(),
                y,
                yAt + ((m + i) * s.oh() + oy) * s.ow(),
                s.ow());
          }
        }
      }
    }
  }

  /** Adds one image's group to a chunk's accumulators acc[mg][kd][L] (at accAt). */
  static void backwardWeightGroup(
      float[] x, int xAt, float[] dy, int dyAt, float[] acc, int accAt, Conv2d.Shape s, Planes pl) {
    float[][] scratch = SCRATCH.get();
    float[] xp = pad(x, xAt, s, pl, scratch);
    int positions = pl.positions();
    int mg = s.mg();
    // L floats of slack: the zeros stored behind the last row of the last map may reach past it.
    if (scratch[1].length < mg * positions + L) {
      scratch[1] = new float[mg * positions + L];
    }
    float[] dyp = scratch[1];
    dyOnPaddedWidth(dy, dyAt, s, pl, dyp);
    int kd = s.kd();
    int[] off = pl.off();
    for (int m = 0; m < mg; m += MAPS) {
      int maps = Math.min(MAPS, mg - m);
      int t = 0;
      if (maps == MAPS) {
        for (; t + MAPS <= kd; t += MAPS) {
          wgradTile(
              xp,
              off[t],
              off[t + 1],
              off[t + 2],
              off[t + 3],
              dyp,
              m * positions,
              positions,
              acc,
              accAt + (m * kd + t) * L,
              kd * L);
        }
      }
      if (maps == MAPS) {
        for (; t < kd; t++) {
          wgradMapsTap(
              xp, off[t], dyp, m * positions, positions, acc, accAt + (m * kd + t) * L, kd * L);
        }
      }
      for (int i = 0; i < maps; i++) {
        for (int u = t; u < kd; u++) {
          wgradTap(
              xp, off[u], dyp, (m + i) * positions, positions, acc, accAt + ((m + i) * kd + u) * L);
        }
      }
    }
  }

  /**
   * Copies the mg maps of dy at dyAt onto the padded width: dyp[m·positions + oy·Wp + ox] =
   * dy[m][oy][ox] for ox &lt; OW, zero in the columns ox ≥ OW and from OH·Wp to the end of the
   * map's positions. Rows at least L wide are copied by vectors (the last one ending at the row's
   * end) and followed by a vector of zeros, which the next row then overwrites where it reaches
   * into it; this replaced clearing the whole block and one {@code System.arraycopy} per row
   * (measured 0.9 of B5's 2.8 ms first-layer weight gradient). dyp needs L floats of slack behind
   * the last map.
   */
  static void dyOnPaddedWidth(float[] dy, int dyAt, Conv2d.Shape s, Planes pl, float[] dyp) {
    int mg = s.mg();
    int oh = s.oh();
    int ow = s.ow();
    int wp = pl.wp();
    int positions = pl.positions();
    int p = s.p();
    FloatVector zero = FloatVector.zero(S);
    for (int m = 0; m < mg; m++) {
      int to = m * positions;
      int from = dyAt + m * p;
      if (ow >= L) {
        for (int oy = 0; oy < oh; oy++) {
          int src = from + oy * ow;
          int dst = to + oy * wp;
          for (int col = 0; col < ow - L; col += L) {
            FloatVector.fromArray(S, dy, src + col).intoArray(dyp, dst + col);
          }
          FloatVector.fromArray(S, dy, src + ow - L).intoArray(dyp, dst + ow - L);
          zero.intoArray(dyp, dst + ow);
          if (wp - ow > L) {
            // Kernels wider than L + 1 leave a wider gap.
            Arrays.fill(dyp, dst + ow + L, dst + wp, 0f);
          }
        }
      } else {
        for (int oy = 0; oy < oh; oy++) {
          int dst = to + oy * wp;
          System.arraycopy(dy, from + oy * ow, dyp, dst, ow);
          Arrays.fill(dyp, dst + ow, dst + wp, 0f);
        }
      }
      Arrays.fill(dyp, to + oh * wp, to + positions, 0f);
    }
  }

  /**
   * dw[j] (overwritten) = Σ_chunks (the L lanes of acc[chunk·size + j·L …] summed in lane order),
   * the chunks added in chunk order, for j &lt; wSize: the order of the Javadoc above, bitwise that
   * of adding each chunk's lane sums to dw one chunk after the other. The elements are shared among
   * the threads, and each thread sums 4 of them at a time (4 independent chains of additions).
   */
  static void reduceChunks(float[] acc, int chunks, int size, float[] dw, int dwOff, int wSize) {
    Parallel.forRange(
        wSize,
        (long) chunks * size,
        (part, j0, j1) -> {
          int j = j0;
          for (; j + 4 <= j1; j += 4) {
            float t0 = 0f;
            float t1 = 0f;
            float t2 = 0f;
            float t3 = 0f;
            for (int chunk = 0; chunk < chunks; chunk++) {
              int at = chunk * size + j * L;
              float s0 = 0f;
              float s1 = 0f;
              float s2 = 0f;
              float s3 = 0f;
              for (int l = 0; l < L; l++) {
                s0 += acc[at + l];
                s1 += acc[at + L + l];
                s2 += acc[at + 2 * L + l];
                s3 += acc[at + 3 * L + l];
              }
              t0 = chunk == 0 ? s0 : t0 + s0;
              t1 = chunk == 0 ? s1 : t1 + s1;
              t2 = chunk == 0 ? s2 : t2 + s2;
              t3 = chunk == 0 ? s3 : t3 + s3;
            }
            dw[dwOff + j] = t0;
            dw[dwOff + j + 1] = t1;
            dw[dwOff + j + 2] = t2;
            dw[dwOff + j + 3] = t3;
          }
          for (; j < j1; j++) {
            float t = 0f;
            for (int chunk = 0; chunk < chunks; chunk++) {
              int at = chunk * size + j * L;
              float sum = 0f;
              for (int l = 0; l < L; l++) {
                sum += acc[at + l];
              }
              t = chunk == 0 ? sum : t + sum;
            }
            dw[dwOff + j] = t;
          }
        });
  }

  /**
   * 4 output maps × 4 vectors of positions, vector j reading xp from x_j + off[t] and written at
   * o_j (map i at o_j + i·mapStride). A single loop: on Java 17, C2 boxes vector accumulators
   * carried across nested loops.
   */
  static void forwardTile(
      float[] xp,
      int x0,
      int x1,
      int x2,
      int x3,
      int[] off,
      int kd,
      float[] wt,
      int w,
      float[] out,
      int o0,
      int o1,
      int o2,
      int o3,
      int mapStride) {
    FloatVector a00 = FloatVector.zero(S);
    FloatVector a01 = FloatVector.zero(S);
    FloatVector a02 = FloatVector.zero(S);
    FloatVector a03 = FloatVector.zero(S);
    FloatVector a10 = FloatVector.zero(S);
    FloatVector a11 = FloatVector.zero(S);
    FloatVector a12 = FloatVector.zero(S);
    FloatVector a13 = FloatVector.zero(S);
    FloatVector a20 = FloatVector.zero(S);
    FloatVector a21 = FloatVector.zero(S);
    FloatVector a22 = FloatVector.zero(S);
    FloatVector a23 = FloatVector.zero(S);
    FloatVector a30 = FloatVector.zero(S);
    FloatVector a31 = FloatVector.zero(S);
    FloatVector a32 = FloatVector.zero(S);
    FloatVector a33 = FloatVector.zero(S);
    for (int t = 0; t < kd; t++) {
      int o = off[t];
      FloatVector v0 = FloatVector.fromArray(S, xp, x0 + o);
      FloatVector v1 = FloatVector.fromArray(S, xp, x1 + o);
      FloatVector v2 = FloatVector.fromArray(S, xp, x2 + o);
      FloatVector v3 = FloatVector.fromArray(S, xp, x3 + o);
      FloatVector w0 = FloatVector.broadcast(S, wt[w + t]);
      a00 = v0.fma(w0, a00);
      a01 = v1.fma(w0, a01);
      a02 = v2.fma(w0, a02);
      a03 = v3.fma(w0, a03);
      FloatVector w1 = FloatVector.broadcast(S, wt[w + kd + t]);
      a10 = v0.fma(w1, a10);
      a11 = v1.fma(w1, a11);
      a12 = v2.fma(w1, a12);
      a13 = v3.fma(w1, a13);
      FloatVector w2 = FloatVector.broadcast(S, wt[w + 2 * kd + t]);
      a20 = v0.fma(w2, a20);
      a21 = v1.fma(w2, a21);
      a22 = v2.fma(w2, a22);
      a23 = v3.fma(w2, a23);
      FloatVector w3 = FloatVector.broadcast(S, wt[w + 3 * kd + t]);
      a30 = v0.fma(w3, a30);
      a31 = v1.fma(w3, a31);
      a32 = v2.fma(w3, a32);
      a33 = v3.fma(w3, a33);
    }
    a00.intoArray(out, o0);
    a01.intoArray(out, o1);
    a02.intoArray(out, o2);
    a03.intoArray(out, o3);
    a10.intoArray(out, o0 + mapStride);
    a11.intoArray(out, o1 + mapStride);
    a12.intoArray(out, o2 + mapStride);
    a13.intoArray(out, o3 + mapStride);
    a20.intoArray(out, o0 + 2 * mapStride);
    a21.intoArray(out, o1 + 2 * mapStride);
    a22.intoArray(out, o2 + 2 * mapStride);
    a23.intoArray(out, o3 + 2 * mapStride);
    a30.intoArray(out, o0 + 3 * mapStride);
    a31.intoArray(out, o1 + 3 * mapStride);
    a32.intoArray(out, o2 + 3 * mapStride);
    a33.intoArray(out, o3 + 3 * mapStride);
  }

  /** As {@link #forwardTile} for one output map (the maps left over after whole tiles). */
  static void forwardTileOneMap(
      float[] xp,
      int x0,
      int x1,
      int x2,
      int x3,
      int[] off,
      int kd,
      float[] wt,
      int w,
      float[] out,
      int o0,
      int o1,
      int o2,
      int o3) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector a2 = FloatVector.zero(S);
    FloatVector a3 = FloatVector.zero(S);
    for (int t = 0; t < kd; t++) {
      int o = off[t];
      FloatVector w0 = FloatVector.broadcast(S, wt[w + t]);
      a0 = FloatVector.fromArray(S, xp, x0 + o).fma(w0, a0);
      a1 = FloatVector.fromArray(S, xp, x1 + o).fma(w0, a1);
      a2 = FloatVector.fromArray(S, xp, x2 + o).fma(w0, a2);
      a3 = FloatVector.fromArray(S, xp, x3 + o).fma(w0, a3);
    }
    a0.intoArray(out, o0);
    a1.intoArray(out, o1);
    a2.intoArray(out, o2);
    a3.intoArray(out, o3);
  }

  /**
   * Adds Σ_q dyp[map i][q]·xp[o_j + q] to the accumulator of (map i, tap j), for 4 maps (rows of
   * dyp {@code positions} apart from d) × 4 taps at input offsets o0..o3; accumulators of
   * consecutive taps are L apart, of consecutive maps {@code mapStride}.
   */
  static void wgradTile(
      float[] xp,
      int o0,
      int o1,
      int o2,
      int o3,
      float[] dyp,
      int d,
      int positions,
      float[] acc,
      int accAt,
      int mapStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accAt);
    FloatVector a01 = FloatVector.fromArray(S, acc, accAt + L);
    FloatVector a02 = FloatVector.fromArray(S, acc, accAt + 2 * L);
    FloatVector a03 = FloatVector.fromArray(S, acc, accAt + 3 * L);
    FloatVector a10 = FloatVector.fromArray(S, acc, accAt + mapStride);
    FloatVector a11 = FloatVector.fromArray(S, acc, accAt + mapStride + L);
    FloatVector a12 = FloatVector.fromArray(S, acc, accAt + mapStride + 2 * L);
    FloatVector a13 = FloatVector.fromArray(S, acc, accAt + mapStride + 3 * L);
    FloatVector a20 = FloatVector.fromArray(S, acc, accAt + 2 * mapStride);
    FloatVector a21 = FloatVector.fromArray(S, acc, accAt + 2 * mapStride + L);
    FloatVector a22 = FloatVector.fromArray(S, acc, accAt + 2 * mapStride + 2 * L);
    FloatVector a23 = FloatVector.fromArray(S, acc, accAt + 2 * mapStride + 3 * L);
    FloatVector a30 = FloatVector.fromArray(S, acc, accAt + 3 * mapStride);
    FloatVector a31 = FloatVector.fromArray(S, acc, accAt + 3 * mapStride + L);
    FloatVector a32 = FloatVector.fromArray(S, acc, accAt + 3 * mapStride + 2 * L);
    FloatVector a33 = FloatVector.fromArray(S, acc, accAt + 3 * mapStride + 3 * L);
    for (int q = 0; q < positions; q += L) {
      FloatVector x0 = FloatVector.fromArray(S, xp, o0 + q);
      FloatVector x1 = FloatVector.fromArray(S, xp, o1 + q);
      FloatVector x2 = FloatVector.fromArray(S, xp, o2 + q);
      FloatVector x3 = FloatVector.fromArray(S, xp, o3 + q);
      FloatVector d0 = FloatVector.fromArray(S, dyp, d + q);
      a00 = d0.fma(x0, a00);
      a01 = d0.fma(x1, a01);
      a02 = d0.fma(x2, a02);
      a03 = d0.fma(x3, a03);
      FloatVector d1 = FloatVector.fromArray(S, dyp, d + positions + q);
      a10 = d1.fma(x0, a10);
      a11 = d1.fma(x1, a11);
      a12 = d1.fma(x2, a12);
      a13 = d1.fma(x3, a13);
      FloatVector d2 = FloatVector.fromArray(S, dyp, d + 2 * positions + q);
      a20 = d2.fma(x0, a20);
      a21 = d2.fma(x1, a21);
      a22 = d2.fma(x2, a22);
      a23 = d2.fma(x3, a23);
      FloatVector d3 = FloatVector.fromArray(S, dyp, d + 3 * positions + q);
      a30 = d3.fma(x0, a30);
      a31 = d3.fma(x1, a31);
      a32 = d3.fma(x2, a32);
      a33 = d3.fma(x3, a33);
    }
    a00.intoArray(acc, accAt);
    a01.intoArray(acc, accAt + L);
    a02.intoArray(acc, accAt + 2 * L);
    a03.intoArray(acc, accAt + 3 * L);
    a10.intoArray(acc, accAt + mapStride);
    a11.intoArray(acc, accAt + mapStride + L);
    a12.intoArray(acc, accAt + mapStride + 2 * L);
    a13.intoArray(acc, accAt + mapStride + 3 * L);
    a20.intoArray(acc, accAt + 2 * mapStride);
    a21.intoArray(acc, accAt + 2 * mapStride + L);
    a22.intoArray(acc, accAt + 2 * mapStride + 2 * L);
    a23.intoArray(acc, accAt + 2 * mapStride + 3 * L);
    a30.intoArray(acc, accAt + 3 * mapStride);
    a31.intoArray(acc, accAt + 3 * mapStride + L);
    a32.intoArray(acc, accAt + 3 * mapStride + 2 * L);
    a33.intoArray(acc, accAt + 3 * mapStride + 3 * L);
  }

  /** As {@link #wgradTile} for 4 maps and one tap (the taps left over after whole tiles). */
  static void wgradMapsTap(
      float[] xp, int o, float[] dyp, int d, int positions, float[] acc, int accAt, int mapStride) {
    FloatVector a0 = FloatVector.fromArray(S, acc, accAt);
    FloatVector a1 = FloatVector.fromArray(S, acc, accAt + mapStride);
    FloatVector a2 = FloatVector.fromArray(S, acc, accAt + 2 * mapStride);
    FloatVector a3 = FloatVector.fromArray(S, acc, accAt + 3 * mapStride);
    for (int q = 0; q < positions; q += L) {
      FloatVector x0 = FloatVector.fromArray(S, xp, o + q);
      a0 = FloatVector.fromArray(S, dyp, d + q).fma(x0, a0);
      a1 = FloatVector.fromArray(S, dyp, d + positions + q).fma(x0, a1);
      a2 = FloatVector.fromArray(S, dyp, d + 2 * positions + q).fma(x0, a2);
      a3 = FloatVector.fromArray(S, dyp, d + 3 * positions + q).fma(x0, a3);
    }
    a0.intoArray(acc, accAt);
    a1.intoArray(acc, accAt + mapStride);
    a2.intoArray(acc, accAt + 2 * mapStride);
    a3.intoArray(acc, accAt + 3 * mapStride);
  }

  /** As {@link #wgradTile} for one map and one tap (the maps left over after whole tiles). */
  static void wgradTap(
      float[] xp, int o, float[] dyp, int d, int positions, float[] acc, int accAt) {
    FloatVector a0 = FloatVector.fromArray(S, acc, accAt);
    for (int q = 0; q < positions; q += L) {
      a0 = FloatVector.fromArray(S, dyp, d + q).fma(FloatVector.fromArray(S, xp, o + q), a0);
    }
    a0.intoArray(acc, accAt);
  }
}
