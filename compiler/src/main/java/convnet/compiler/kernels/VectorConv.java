package convnet.compiler.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution with the output maps in the vector lanes (loaded only when the Vector API is
 * present), for groups whose output maps are a multiple of the lane count.
 *
 * <p>Each image's group is copied into a zero-padded NHWC plane, so that for one kernel row the
 * window of an output pixel is one contiguous run of KW·C/groups floats; weights are packed once
 * per call as [map block][ky][kx][input map][lane]. A register tile of 8 (or 4) pixels of one
 * output row × one or two lane blocks of maps accumulates with one FMA per (pixel, block) for each
 * run element; the 1 to 3 pixels a row leaves over are gathered across rows into tiles of 8 through
 * offset tables. Results go to a pixel-major tile that is transposed into the NCHW output at the
 * end. The weight gradient uses the same layouts the other way round: dy transposed pixel-major, 8
 * taps × lane blocks of maps in registers, summed over the pixels of an image.
 *
 * <p>Every kernel method has a single loop: on Java 17, C2 boxed vector accumulators carried across
 * nested loops (measured 7 GFLOP/s instead of 160), so accumulators are reloaded once per kernel
 * row.
 */
final class VectorConv {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  static final int T = 8;

  private static final ThreadLocal<int[]> PIXELS = ThreadLocal.withInitial(() -> new int[0]);
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  private VectorConv() {}

  /** Whether a group with this many output maps fills whole vectors. */
  static boolean accepts(int mapsPerGroup) {
    return mapsPerGroup % L == 0;
  }

  /** w [M][C/groups][KH][KW] → [group][map block][ky][kx][input map][lane]. */
  static float[] packWeights(float[] w, int wOff, int groups, int mg, int cg, int kh, int kw) {
    int kd = cg * kh * kw;
    float[] packed = new float[groups * mg * kd];
    for (int g = 0; g < groups; g++) {
      for (int m = 0; m < mg; m++) {
        int block = g * mg * kd + (m / L) * kd * L + m % L;
        for (int ci = 0; ci < cg; ci++) {
          for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
              packed[block + ((ky * kw + kx) * cg + ci) * L] =
                  w[wOff + ((g * mg + m) * cg + ci) * kh * kw + ky * kw + kx];
            }
          }
        }
      }
    }
    return packed;
  }

  /**
   * One image's group: y planes [mg][OH·OW] at yAt = the convolution of the cg planes of x at xAt.
   */
  static void forwardGroup(
      float[] x, int xAt, float[] packed, int packedAt, float[] y, int yAt, Conv2d.Shape s) {
    int cg = s.cg();
    int mg = s.mg();
    int wpad = s.w() + 2 * s.padW();
    float[][] scratch = SCRATCH.get();
    float[] xp = paddedNhwc(x, xAt, s, scratch);
    if (scratch[1].length < s.p() * mg) {
      scratch[1] = new float[s.p() * mg];
    }
    float[] out = scratch[1];
    int kd = s.kd();
    int run = s.kw() * cg;
    int rowStride = wpad * cg;
    java.util.Arrays.fill(out, 0, s.p() * mg, 0f);
    int p = s.p();
    int oh = s.oh();
    int ow = s.ow();
    int ps = s.strideW() * cg;
    // Each row: tiles of 8 pixels, then one of 4 when 4 to 7 are left; each output sums its taps
    // kernel row by kernel row, in the order of the packed run.
    int rowTiled = ow / (T / 2) * (T / 2);
    for (int oy = 0; oy < oh; oy++) {
      for (int ky = 0; ky < s.kh(); ky++) {
        int rowBase = (oy * s.strideH() + ky) * rowStride;
        int wRow = packedAt + ky * run * L;
        int ox = 0;
        for (; ox + T <= ow; ox += T) {
          int base = rowBase + ox * ps;
          int o = (oy * ow + ox) * mg;
          int mb = 0;
          for (; mb + 2 * L <= mg; mb += 2 * L) {
            tile2(xp, base, ps, run, packed, wRow + mb * kd, kd * L, out, o + mb, mg);
          }
          for (; mb < mg; mb += L) {
            tile1(xp, base, ps, run, packed, wRow + mb * kd, kd * L, out, o + mb, mg);
          }
        }
        if (ox + T / 2 <= ow) {
          int base = rowBase + ox * ps;
          int o = (oy * ow + ox) * mg;
          int mb = 0;
          for (; mb + 2 * L <= mg; mb += 2 * L) {
            tile2Half(xp, base, ps, run, packed, wRow + mb * kd, kd * L, out, o + mb, mg);
          }
          for (; mb < mg; mb += L) {
            tile1Half(xp, base, ps, run, packed, wRow + mb * kd, kd * L, out, o + mb, mg);
          }
        }
      }
    }
    if (rowTiled < ow) {
      // The 1 to 3 pixels left at the end of every row, gathered across rows into tiles of 8
      // through
      // tables of their window and output offsets; one by one (a single accumulator chain per lane
      // block, bound by the FMA latency) only for the last fewer than 8.
      int rest = ow - rowTiled;
      int count = oh * rest;
      int[] pix = PIXELS.get();
      if (pix.length < count) {
        pix = new int[count];
        PIXELS.set(pix);
      }
      int[] at = new int[count];
      for (int j = 0; j < count; j++) {
        int oy = j / rest;
        int ox = rowTiled + j % rest;
        pix[j] = oy * s.strideH() * rowStride + ox * ps;
        at[j] = oy * ow + ox;
      }
      int q = 0;
      for (; q + T <= count; q += T) {
        for (int ky = 0; ky < s.kh(); ky++) {
          int wRow = packedAt + ky * run * L;
          int mb = 0;
          for (; mb + 2 * L <= mg; mb += 2 * L) {
            tile2Across(
                xp, pix, at, q, ky * rowStride, run, packed, wRow + mb * kd, kd * L, out, mb, mg);
          }
          for (; mb < mg; mb += L) {
            tile1Across(
                xp, pix, at, q, ky * rowStride, run, packed, wRow + mb * kd, kd * L, out, mb, mg);
          }
        }
      }
      for (; q < count; q++) {
        for (int ky = 0; ky < s.kh(); ky++) {
          for (int mb = 0; mb < mg; mb += L) {
            pixel(
                xp,
                pix[q] + ky * rowStride,
                run,
                packed,
                packedAt + ky * run * L + mb * kd,
                out,
                at[q] * mg + mb);
          }
        }
      }
    }
    for (int m = 0; m < mg; m++) {
      int dst = yAt + m * p;
      for (int q = 0; q < p; q++) {
        y[dst + q] = out[q * mg + m];
      }
    }
  }

  /**
   * Per output pixel (row-major), where its window starts in the padded NHWC plane; a per-thread
   * table.
   */
  private static int[] pixelOffsets(Conv2d.Shape s, int rowStride) {
    int p = s.p();
    int[] pixOff = PIXELS.get();
    if (pixOff.length < p) {
      pixOff = new int[p];
      PIXELS.set(pixOff);
    }
    for (int oy = 0; oy < s.oh(); oy++) {
      for (int ox = 0; ox < s.ow(); ox++) {
        pixOff[oy * s.ow() + ox] = oy * s.strideH() * rowStride + ox * s.strideW() * s.cg();
      }
    }
    return pixOff;
  }

  /** Copies the cg planes of x at xAt into the zero-padded NHWC scratch plane and returns it. */
  private static float[] paddedNhwc(float[] x, int xAt, Conv2d.Shape s, float[][] scratch) {
    int cg = s.cg();
    int h = s.h();
    int w = s.w();
    int hp = h + 2 * s.padH();
    int wpad = w + 2 * s.padW();
    if (scratch[0].length < hp * wpad * cg) {
      scratch[0] = new float[hp * wpad * cg];
    }
    float[] xp = scratch[0];
    java.util.Arrays.fill(xp, 0, hp * wpad * cg, 0f);
    for (int ci = 0; ci < cg; ci++) {
      for (int iy = 0; iy < h; iy++) {
        int src = xAt + (ci * h + iy) * w;
        int dst = ((iy + s.padH()) * wpad + s.padW()) * cg + ci;
        for (int ix = 0; ix < w; ix++) {
          xp[dst + ix * cg] = x[src + ix];
        }
      }
    }
    return xp;
  }

  /**
   * Adds one image's group to a weight gradient kept in the packed weight layout:
   * acc[block][ky][kx][ci][lane] += Σ_pixels dy[map][pixel] · xpad[ci][pixel shifted by (ky, kx)].
   * dy is first transposed pixel-major so that a pixel's maps are one vector; the pixel loop is a
   * single loop over a table of window offsets.
   */
  static void backwardWeightGroup(
      float[] x, int xAt, float[] dy, int dyAt, float[] acc, int accAt, Conv2d.Shape s) {
    int cg = s.cg();
    int mg = s.mg();
    int p = s.p();
    float[][] scratch = SCRATCH.get();
    float[] xp = paddedNhwc(x, xAt, s, scratch);
    if (scratch[1].length < p * mg) {
      scratch[1] = new float[p * mg];
    }
    float[] dyT = scratch[1];
    for (int m = 0; m < mg; m++) {
      for (int q = 0; q < p; q++) {
        dyT[q * mg + m] = dy[dyAt + m * p + q];
      }
    }
    int wpad = s.w() + 2 * s.padW();
    int rowStride = wpad * cg;
    int[] pixOff = pixelOffsets(s, rowStride);
    int kd = s.kd();
    int run = s.kw() * cg;
    for (int ky = 0; ky < s.kh(); ky++) {
      int r = 0;
      for (; r + T <= run; r += T) {
        int xOff = ky * rowStride + r;
        int mb = 0;
        for (; mb + 2 * L <= mg; mb += 2 * L) {
          wgrad2(
              xp, pixOff, p, xOff, dyT, mb, mg, acc, accAt + mb * kd + (ky * run + r) * L, kd * L);
        }
        for (; mb < mg; mb += L) {
          wgrad1(
              xp, pixOff, p, xOff, dyT, mb, mg, acc, accAt + mb * kd + (ky * run + r) * L, kd * L);
        }
      }
      for (; r < run; r++) {
        for (int mb = 0; mb < mg; mb += L) {
          wgradTap(
              xp,
              pixOff,
              p,
              ky * rowStride + r,
              dyT,
              mb,
              mg,
              acc,
              accAt + mb * kd + (ky * run + r) * L,
              kd * L);
        }
      }
    }
  }

  /** acc[block][tap][lane] → dw[M][C/groups][KH][KW], adding when {@code add}, else overwriting. */
  static void unpackWeights(
      float[] acc, float[] dw, int dwOff, int groups, int mg, int cg, int kh, int kw, boolean add) {
    int kd = cg * kh * kw;
    for (int g = 0; g < groups; g++) {
      for (int m = 0; m < mg; m++) {
        int block = g * mg * kd + (m / L) * kd * L + m % L;
        for (int ci = 0; ci < cg; ci++) {
          for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
              float v = acc[block + ((ky * kw + kx) * cg + ci) * L];
              int at = dwOff + ((g * mg + m) * cg + ci) * kh * kw + ky * kw + kx;
              dw[at] = add ? dw[at] + v : v;
            }
          }
        }
      }
    }
  }

  /** One output pixel × one lane block of maps. */
  static void pixel(float[] xp, int xr, int run, float[] wp, int w, float[] out, int outOff) {
    FloatVector a = FloatVector.fromArray(S, out, outOff);
    for (int r = 0; r < run; r++) {
      a = FloatVector.broadcast(S, xp[xr + r]).fma(FloatVector.fromArray(S, wp, w + r * L), a);
    }
    a.intoArray(out, outOff);
  }

  /**
   * As {@link #tile1}, for 8 pixels anywhere in the output: pixel i's window starts at pix[q + i] +
   * rowOff and its maps at at[q + i]·mg + outOff of out.
   */
  static void tile1Across(
      float[] xp,
      int[] pix,
      int[] at,
      int q,
      int rowOff,
      int run,
      float[] wp,
      int w,
      int blockStride,
      float[] out,
      int outOff,
      int mg) {
    int o0 = at[q + 0] * mg + outOff;
    int o1 = at[q + 1] * mg + outOff;
    int o2 = at[q + 2] * mg + outOff;
    int o3 = at[q + 3] * mg + outOff;
    int o4 = at[q + 4] * mg + outOff;
    int o5 = at[q + 5] * mg + outOff;
    int o6 = at[q + 6] * mg + outOff;
    int o7 = at[q + 7] * mg + outOff;
    int b0 = pix[q + 0] + rowOff;
    int b1 = pix[q + 1] + rowOff;
    int b2 = pix[q + 2] + rowOff;
    int b3 = pix[q + 3] + rowOff;
    int b4 = pix[q + 4] + rowOff;
    int b5 = pix[q + 5] + rowOff;
    int b6 = pix[q + 6] + rowOff;
    int b7 = pix[q + 7] + rowOff;
    FloatVector a00 = FloatVector.fromArray(S, out, o0 + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, o1 + 0 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, o2 + 0 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, o3 + 0 * L);
    FloatVector a40 = FloatVector.fromArray(S, out, o4 + 0 * L);
    FloatVector a50 = FloatVector.fromArray(S, out, o5 + 0 * L);
    FloatVector a60 = FloatVector.fromArray(S, out, o6 + 0 * L);
    FloatVector a70 = FloatVector.fromArray(S, out, o7 + 0 * L);
    for (int r = 0; r < run; r++) {
      FloatVector w0 = FloatVector.fromArray(S, wp, w + r * L);
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

  /** As {@link #tile1Across}, for two lane blocks of maps. */
  static void tile2Across(
      float[] xp,
      int[] pix,
      int[] at,
      int q,
      int rowOff,
      int run,
      float[] wp,
      int w,
      int blockStride,
      float[] out,
      int outOff,
      int mg) {
    int o0 = at[q + 0] * mg + outOff;
    int o1 = at[q + 1] * mg + outOff;
    int o2 = at[q + 2] * mg + outOff;
    int o3 = at[q + 3] * mg + outOff;
    int o4 = at[q + 4] * mg + outOff;
    int o5 = at[q + 5] * mg + outOff;
    int o6 = at[q + 6] * mg + outOff;
    int o7 = at[q + 7] * mg + outOff;
    int b0 = pix[q + 0] + rowOff;
    int b1 = pix[q + 1] + rowOff;
    int b2 = pix[q + 2] + rowOff;
    int b3 = pix[q + 3] + rowOff;
    int b4 = pix[q + 4] + rowOff;
    int b5 = pix[q + 5] + rowOff;
    int b6 = pix[q + 6] + rowOff;
    int b7 = pix[q + 7] + rowOff;
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
      FloatVector w0 = FloatVector.fromArray(S, wp, w + r * L);
      FloatVector w1 = FloatVector.fromArray(S, wp, w + blockStride + r * L);
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
   * Adds one kernel row's taps to 8 output pixels × 1 lane block of output maps, held in registers.
   * A single loop: vector accumulators carried across nested loops were boxed by C2 on Java 17 (10x
   * slower).
   */
  static void tile1(
      float[] xp,
      int xr,
      int ps,
      int run,
      float[] wp,
      int w,
      int blockStride,
      float[] out,
      int outOff,
      int mg) {
    FloatVector a00 = FloatVector.fromArray(S, out, outOff + 0 * mg + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, outOff + 1 * mg + 0 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, outOff + 2 * mg + 0 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, outOff + 3 * mg + 0 * L);
    FloatVector a40 = FloatVector.fromArray(S, out, outOff + 4 * mg + 0 * L);
    FloatVector a50 = FloatVector.fromArray(S, out, outOff + 5 * mg + 0 * L);
    FloatVector a60 = FloatVector.fromArray(S, out, outOff + 6 * mg + 0 * L);
    FloatVector a70 = FloatVector.fromArray(S, out, outOff + 7 * mg + 0 * L);
    for (int r = 0; r < run; r++) {
      FloatVector w0 = FloatVector.fromArray(S, wp, w + r * L);
      FloatVector x0 = FloatVector.broadcast(S, xp[xr + 0 * ps + r]);
      a00 = x0.fma(w0, a00);
      FloatVector x1 = FloatVector.broadcast(S, xp[xr + 1 * ps + r]);
      a10 = x1.fma(w0, a10);
      FloatVector x2 = FloatVector.broadcast(S, xp[xr + 2 * ps + r]);
      a20 = x2.fma(w0, a20);
      FloatVector x3 = FloatVector.broadcast(S, xp[xr + 3 * ps + r]);
      a30 = x3.fma(w0, a30);
      FloatVector x4 = FloatVector.broadcast(S, xp[xr + 4 * ps + r]);
      a40 = x4.fma(w0, a40);
      FloatVector x5 = FloatVector.broadcast(S, xp[xr + 5 * ps + r]);
      a50 = x5.fma(w0, a50);
      FloatVector x6 = FloatVector.broadcast(S, xp[xr + 6 * ps + r]);
      a60 = x6.fma(w0, a60);
      FloatVector x7 = FloatVector.broadcast(S, xp[xr + 7 * ps + r]);
      a70 = x7.fma(w0, a70);
    }
    a00.intoArray(out, outOff + 0 * mg + 0 * L);
    a10.intoArray(out, outOff + 1 * mg + 0 * L);
    a20.intoArray(out, outOff + 2 * mg + 0 * L);
    a30.intoArray(out, outOff + 3 * mg + 0 * L);
    a40.intoArray(out, outOff + 4 * mg + 0 * L);
    a50.intoArray(out, outOff + 5 * mg + 0 * L);
    a60.intoArray(out, outOff + 6 * mg + 0 * L);
    a70.intoArray(out, outOff + 7 * mg + 0 * L);
  }

  /**
   * Adds one kernel row's taps to 8 output pixels × 2 lane blocks of output maps, held in
   * registers. A single loop: vector accumulators carried across nested loops were boxed by C2 on
   * Java 17 (10x slower).
   */
  static void tile2(
      float[] xp,
      int xr,
      int ps,
      int run,
      float[] wp,
      int w,
      int blockStride,
      float[] out,
      int outOff,
      int mg) {
    FloatVector a00 = FloatVector.fromArray(S, out, outOff + 0 * mg + 0 * L);
    FloatVector a01 = FloatVector.fromArray(S, out, outOff + 0 * mg + 1 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, outOff + 1 * mg + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, out, outOff + 1 * mg + 1 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, outOff + 2 * mg + 0 * L);
    FloatVector a21 = FloatVector.fromArray(S, out, outOff + 2 * mg + 1 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, outOff + 3 * mg + 0 * L);
    FloatVector a31 = FloatVector.fromArray(S, out, outOff + 3 * mg + 1 * L);
    FloatVector a40 = FloatVector.fromArray(S, out, outOff + 4 * mg + 0 * L);
    FloatVector a41 = FloatVector.fromArray(S, out, outOff + 4 * mg + 1 * L);
    FloatVector a50 = FloatVector.fromArray(S, out, outOff + 5 * mg + 0 * L);
    FloatVector a51 = FloatVector.fromArray(S, out, outOff + 5 * mg + 1 * L);
    FloatVector a60 = FloatVector.fromArray(S, out, outOff + 6 * mg + 0 * L);
    FloatVector a61 = FloatVector.fromArray(S, out, outOff + 6 * mg + 1 * L);
    FloatVector a70 = FloatVector.fromArray(S, out, outOff + 7 * mg + 0 * L);
    FloatVector a71 = FloatVector.fromArray(S, out, outOff + 7 * mg + 1 * L);
    for (int r = 0; r < run; r++) {
      FloatVector w0 = FloatVector.fromArray(S, wp, w + r * L);
      FloatVector w1 = FloatVector.fromArray(S, wp, w + blockStride + r * L);
      FloatVector x0 = FloatVector.broadcast(S, xp[xr + 0 * ps + r]);
      a00 = x0.fma(w0, a00);
      a01 = x0.fma(w1, a01);
      FloatVector x1 = FloatVector.broadcast(S, xp[xr + 1 * ps + r]);
      a10 = x1.fma(w0, a10);
      a11 = x1.fma(w1, a11);
      FloatVector x2 = FloatVector.broadcast(S, xp[xr + 2 * ps + r]);
      a20 = x2.fma(w0, a20);
      a21 = x2.fma(w1, a21);
      FloatVector x3 = FloatVector.broadcast(S, xp[xr + 3 * ps + r]);
      a30 = x3.fma(w0, a30);
      a31 = x3.fma(w1, a31);
      FloatVector x4 = FloatVector.broadcast(S, xp[xr + 4 * ps + r]);
      a40 = x4.fma(w0, a40);
      a41 = x4.fma(w1, a41);
      FloatVector x5 = FloatVector.broadcast(S, xp[xr + 5 * ps + r]);
      a50 = x5.fma(w0, a50);
      a51 = x5.fma(w1, a51);
      FloatVector x6 = FloatVector.broadcast(S, xp[xr + 6 * ps + r]);
      a60 = x6.fma(w0, a60);
      a61 = x6.fma(w1, a61);
      FloatVector x7 = FloatVector.broadcast(S, xp[xr + 7 * ps + r]);
      a70 = x7.fma(w0, a70);
      a71 = x7.fma(w1, a71);
    }
    a00.intoArray(out, outOff + 0 * mg + 0 * L);
    a01.intoArray(out, outOff + 0 * mg + 1 * L);
    a10.intoArray(out, outOff + 1 * mg + 0 * L);
    a11.intoArray(out, outOff + 1 * mg + 1 * L);
    a20.intoArray(out, outOff + 2 * mg + 0 * L);
    a21.intoArray(out, outOff + 2 * mg + 1 * L);
    a30.intoArray(out, outOff + 3 * mg + 0 * L);
    a31.intoArray(out, outOff + 3 * mg + 1 * L);
    a40.intoArray(out, outOff + 4 * mg + 0 * L);
    a41.intoArray(out, outOff + 4 * mg + 1 * L);
    a50.intoArray(out, outOff + 5 * mg + 0 * L);
    a51.intoArray(out, outOff + 5 * mg + 1 * L);
    a60.intoArray(out, outOff + 6 * mg + 0 * L);
    a61.intoArray(out, outOff + 6 * mg + 1 * L);
    a70.intoArray(out, outOff + 7 * mg + 0 * L);
    a71.intoArray(out, outOff + 7 * mg + 1 * L);
  }

  /** As {@link #tile1}, for the last 4 pixels of a row whose width leaves 4 to 7. */
  static void tile1Half(
      float[] xp,
      int xr,
      int ps,
      int run,
      float[] wp,
      int w,
      int blockStride,
      float[] out,
      int outOff,
      int mg) {
    FloatVector a00 = FloatVector.fromArray(S, out, outOff + 0 * mg + 0 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, outOff + 1 * mg + 0 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, outOff + 2 * mg + 0 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, outOff + 3 * mg + 0 * L);
    for (int r = 0; r < run; r++) {
      FloatVector w0 = FloatVector.fromArray(S, wp, w + r * L);
      FloatVector x0 = FloatVector.broadcast(S, xp[xr + 0 * ps + r]);
      a00 = x0.fma(w0, a00);
      FloatVector x1 = FloatVector.broadcast(S, xp[xr + 1 * ps + r]);
      a10 = x1.fma(w0, a10);
      FloatVector x2 = FloatVector.broadcast(S, xp[xr + 2 * ps + r]);
      a20 = x2.fma(w0, a20);
      FloatVector x3 = FloatVector.broadcast(S, xp[xr + 3 * ps + r]);
      a30 = x3.fma(w0, a30);
    }
    a00.intoArray(out, outOff + 0 * mg + 0 * L);
    a10.intoArray(out, outOff + 1 * mg + 0 * L);
    a20.intoArray(out, outOff + 2 * mg + 0 * L);
    a30.intoArray(out, outOff + 3 * mg + 0 * L);
  }

  /** As {@link #tile2}, for the last 4 pixels of a row whose width leaves 4 to 7. */
  static void tile2Half(
      float[] xp,
      int xr,
      int ps,
      int run,
      float[] wp,
      int w,
      int blockStride,
      float[] out,
      int outOff,
      int mg) {
    FloatVector a00 = FloatVector.fromArray(S, out, outOff + 0 * mg + 0 * L);
    FloatVector a01 = FloatVector.fromArray(S, out, outOff + 0 * mg + 1 * L);
    FloatVector a10 = FloatVector.fromArray(S, out, outOff + 1 * mg + 0 * L);
    FloatVector a11 = FloatVector.fromArray(S, out, outOff + 1 * mg + 1 * L);
    FloatVector a20 = FloatVector.fromArray(S, out, outOff + 2 * mg + 0 * L);
    FloatVector a21 = FloatVector.fromArray(S, out, outOff + 2 * mg + 1 * L);
    FloatVector a30 = FloatVector.fromArray(S, out, outOff + 3 * mg + 0 * L);
    FloatVector a31 = FloatVector.fromArray(S, out, outOff + 3 * mg + 1 * L);
    for (int r = 0; r < run; r++) {
      FloatVector w0 = FloatVector.fromArray(S, wp, w + r * L);
      FloatVector w1 = FloatVector.fromArray(S, wp, w + blockStride + r * L);
      FloatVector x0 = FloatVector.broadcast(S, xp[xr + 0 * ps + r]);
      a00 = x0.fma(w0, a00);
      a01 = x0.fma(w1, a01);
      FloatVector x1 = FloatVector.broadcast(S, xp[xr + 1 * ps + r]);
      a10 = x1.fma(w0, a10);
      a11 = x1.fma(w1, a11);
      FloatVector x2 = FloatVector.broadcast(S, xp[xr + 2 * ps + r]);
      a20 = x2.fma(w0, a20);
      a21 = x2.fma(w1, a21);
      FloatVector x3 = FloatVector.broadcast(S, xp[xr + 3 * ps + r]);
      a30 = x3.fma(w0, a30);
      a31 = x3.fma(w1, a31);
    }
    a00.intoArray(out, outOff + 0 * mg + 0 * L);
    a01.intoArray(out, outOff + 0 * mg + 1 * L);
    a10.intoArray(out, outOff + 1 * mg + 0 * L);
    a11.intoArray(out, outOff + 1 * mg + 1 * L);
    a20.intoArray(out, outOff + 2 * mg + 0 * L);
    a21.intoArray(out, outOff + 2 * mg + 1 * L);
    a30.intoArray(out, outOff + 3 * mg + 0 * L);
    a31.intoArray(out, outOff + 3 * mg + 1 * L);
  }

  /**
   * Weight gradient of 8 consecutive taps × 2 lane block(s) of maps, summed over an image's pixels.
   */
  static void wgrad2(
      float[] xp,
      int[] pixOff,
      int pixels,
      int xOff,
      float[] dyT,
      int mb,
      int mg,
      float[] acc,
      int accOff,
      int blockStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * L + 0 * blockStride);
    FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 0 * L + 1 * blockStride);
    FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 1 * L + 0 * blockStride);
    FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 1 * L + 1 * blockStride);
    FloatVector a20 = FloatVector.fromArray(S, acc, accOff + 2 * L + 0 * blockStride);
    FloatVector a21 = FloatVector.fromArray(S, acc, accOff + 2 * L + 1 * blockStride);
    FloatVector a30 = FloatVector.fromArray(S, acc, accOff + 3 * L + 0 * blockStride);
    FloatVector a31 = FloatVector.fromArray(S, acc, accOff + 3 * L + 1 * blockStride);
    FloatVector a40 = FloatVector.fromArray(S, acc, accOff + 4 * L + 0 * blockStride);
    FloatVector a41 = FloatVector.fromArray(S, acc, accOff + 4 * L + 1 * blockStride);
    FloatVector a50 = FloatVector.fromArray(S, acc, accOff + 5 * L + 0 * blockStride);
    FloatVector a51 = FloatVector.fromArray(S, acc, accOff + 5 * L + 1 * blockStride);
    FloatVector a60 = FloatVector.fromArray(S, acc, accOff + 6 * L + 0 * blockStride);
    FloatVector a61 = FloatVector.fromArray(S, acc, accOff + 6 * L + 1 * blockStride);
    FloatVector a70 = FloatVector.fromArray(S, acc, accOff + 7 * L + 0 * blockStride);
    FloatVector a71 = FloatVector.fromArray(S, acc, accOff + 7 * L + 1 * blockStride);
    for (int q = 0; q < pixels; q++) {
      int o = pixOff[q] + xOff;
      FloatVector d0 = FloatVector.fromArray(S, dyT, q * mg + mb);
      FloatVector d1 = FloatVector.fromArray(S, dyT, q * mg + mb + L);
      FloatVector x0 = FloatVector.broadcast(S, xp[o + 0]);
      a00 = x0.fma(d0, a00);
      a01 = x0.fma(d1, a01);
      FloatVector x1 = FloatVector.broadcast(S, xp[o + 1]);
      a10 = x1.fma(d0, a10);
      a11 = x1.fma(d1, a11);
      FloatVector x2 = FloatVector.broadcast(S, xp[o + 2]);
      a20 = x2.fma(d0, a20);
      a21 = x2.fma(d1, a21);
      FloatVector x3 = FloatVector.broadcast(S, xp[o + 3]);
      a30 = x3.fma(d0, a30);
      a31 = x3.fma(d1, a31);
      FloatVector x4 = FloatVector.broadcast(S, xp[o + 4]);
      a40 = x4.fma(d0, a40);
      a41 = x4.fma(d1, a41);
      FloatVector x5 = FloatVector.broadcast(S, xp[o + 5]);
      a50 = x5.fma(d0, a50);
      a51 = x5.fma(d1, a51);
      FloatVector x6 = FloatVector.broadcast(S, xp[o + 6]);
      a60 = x6.fma(d0, a60);
      a61 = x6.fma(d1, a61);
      FloatVector x7 = FloatVector.broadcast(S, xp[o + 7]);
      a70 = x7.fma(d0, a70);
      a71 = x7.fma(d1, a71);
    }
    a00.intoArray(acc, accOff + 0 * L + 0 * blockStride);
    a01.intoArray(acc, accOff + 0 * L + 1 * blockStride);
    a10.intoArray(acc, accOff + 1 * L + 0 * blockStride);
    a11.intoArray(acc, accOff + 1 * L + 1 * blockStride);
    a20.intoArray(acc, accOff + 2 * L + 0 * blockStride);
    a21.intoArray(acc, accOff + 2 * L + 1 * blockStride);
    a30.intoArray(acc, accOff + 3 * L + 0 * blockStride);
    a31.intoArray(acc, accOff + 3 * L + 1 * blockStride);
    a40.intoArray(acc, accOff + 4 * L + 0 * blockStride);
    a41.intoArray(acc, accOff + 4 * L + 1 * blockStride);
    a50.intoArray(acc, accOff + 5 * L + 0 * blockStride);
    a51.intoArray(acc, accOff + 5 * L + 1 * blockStride);
    a60.intoArray(acc, accOff + 6 * L + 0 * blockStride);
    a61.intoArray(acc, accOff + 6 * L + 1 * blockStride);
    a70.intoArray(acc, accOff + 7 * L + 0 * blockStride);
    a71.intoArray(acc, accOff + 7 * L + 1 * blockStride);
  }

  /**
   * Weight gradient of 8 consecutive taps × 1 lane block(s) of maps, summed over an image's pixels.
   */
  static void wgrad1(
      float[] xp,
      int[] pixOff,
      int pixels,
      int xOff,
      float[] dyT,
      int mb,
      int mg,
      float[] acc,
      int accOff,
      int blockStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * L + 0 * blockStride);
    FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 1 * L + 0 * blockStride);
    FloatVector a20 = FloatVector.fromArray(S, acc, accOff + 2 * L + 0 * blockStride);
    FloatVector a30 = FloatVector.fromArray(S, acc, accOff + 3 * L + 0 * blockStride);
    FloatVector a40 = FloatVector.fromArray(S, acc, accOff + 4 * L + 0 * blockStride);
    FloatVector a50 = FloatVector.fromArray(S, acc, accOff + 5 * L + 0 * blockStride);
    FloatVector a60 = FloatVector.fromArray(S, acc, accOff + 6 * L + 0 * blockStride);
    FloatVector a70 = FloatVector.fromArray(S, acc, accOff + 7 * L + 0 * blockStride);
    for (int q = 0; q < pixels; q++) {
      int o = pixOff[q] + xOff;
      FloatVector d0 = FloatVector.fromArray(S, dyT, q * mg + mb);
      FloatVector x0 = FloatVector.broadcast(S, xp[o + 0]);
      a00 = x0.fma(d0, a00);
      FloatVector x1 = FloatVector.broadcast(S, xp[o + 1]);
      a10 = x1.fma(d0, a10);
      FloatVector x2 = FloatVector.broadcast(S, xp[o + 2]);
      a20 = x2.fma(d0, a20);
      FloatVector x3 = FloatVector.broadcast(S, xp[o + 3]);
      a30 = x3.fma(d0, a30);
      FloatVector x4 = FloatVector.broadcast(S, xp[o + 4]);
      a40 = x4.fma(d0, a40);
      FloatVector x5 = FloatVector.broadcast(S, xp[o + 5]);
      a50 = x5.fma(d0, a50);
      FloatVector x6 = FloatVector.broadcast(S, xp[o + 6]);
      a60 = x6.fma(d0, a60);
      FloatVector x7 = FloatVector.broadcast(S, xp[o + 7]);
      a70 = x7.fma(d0, a70);
    }
    a00.intoArray(acc, accOff + 0 * L + 0 * blockStride);
    a10.intoArray(acc, accOff + 1 * L + 0 * blockStride);
    a20.intoArray(acc, accOff + 2 * L + 0 * blockStride);
    a30.intoArray(acc, accOff + 3 * L + 0 * blockStride);
    a40.intoArray(acc, accOff + 4 * L + 0 * blockStride);
    a50.intoArray(acc, accOff + 5 * L + 0 * blockStride);
    a60.intoArray(acc, accOff + 6 * L + 0 * blockStride);
    a70.intoArray(acc, accOff + 7 * L + 0 * blockStride);
  }

  /**
   * Weight gradient of 1 consecutive taps × 1 lane block(s) of maps, summed over an image's pixels.
   */
  static void wgradTap(
      float[] xp,
      int[] pixOff,
      int pixels,
      int xOff,
      float[] dyT,
      int mb,
      int mg,
      float[] acc,
      int accOff,
      int blockStride) {
    FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * L + 0 * blockStride);
    for (int q = 0; q < pixels; q++) {
      int o = pixOff[q] + xOff;
      FloatVector d0 = FloatVector.fromArray(S, dyT, q * mg + mb);
      FloatVector x0 = FloatVector.broadcast(S, xp[o + 0]);
      a00 = x0.fma(d0, a00);
    }
    a00.intoArray(acc, accOff + 0 * L + 0 * blockStride);
  }
}
