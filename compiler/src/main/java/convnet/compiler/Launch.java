package convnet.compiler;

import convnet.autodiff.ops.Windows;
import convnet.compiler.kernels.Conv2d;
import convnet.compiler.kernels.Parallel;
import convnet.compiler.kernels.Pooling;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * The library methods a generated program calls besides the compute kernels: the thread split of
 * generated kernels, convolutions and pooling kernels with an epilogue, layout copies, max-pool
 * selection and profile marks. Constant arrays are bound into the method handles, so every call in
 * the program takes only buffers and int constants.
 */
final class Launch {
  private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

  private Launch() {}

  static MethodHandle handle(String name, MethodType type) {
    try {
      return LOOKUP.findStatic(Launch.class, name, type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("missing launcher " + name + type, e);
    }
  }

  /** Runs a generated elementwise kernel over axis 0 cut into {@code chunks} contiguous ranges. */
  static void elementwise(MethodHandle kernel, int outer, int chunks, float[][] buffers)
      throws Throwable {
    if (chunks == 1) {
      kernel.invokeExact(buffers, 0, outer);
      return;
    }
    Parallel.forChunks(
        outer,
        chunks,
        (chunk, from, to) -> {
          try {
            kernel.invokeExact(buffers, from, to);
          } catch (RuntimeException | Error e) {
            throw e;
          } catch (Throwable e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /**
   * A forward convolution ({@link Conv2d#forwardThen}) that runs a generated elementwise kernel
   * over each image's range of axis 0, [i, i + 1), right after computing image i, on the same
   * thread. Unless {@code keepOutput}, y is not stored: each image lands in its thread's one-image
   * scratch, which the kernel reads in place of {@code buffers[ySlot]} (as broadcast over axis 0).
   * Then, with a {@code pool}, the forward pooling of that image of the kernel's output.
   */
  static void convThen(
      MethodHandle kernel,
      boolean keepOutput,
      int ySlot,
      PoolImage pool,
      float[][] buffers,
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
    Conv2d.forwardThen(
        x,
        xOff,
        w,
        wOff,
        keepOutput ? y : null,
        yOff,
        n,
        c,
        h,
        wd,
        m,
        kh,
        kw,
        strideH,
        strideW,
        padH,
        padW,
        groups,
        (image, output, offset) -> {
          float[][] b = buffers;
          if (!keepOutput) {
            b = buffers.clone();
            b[ySlot] = output;
          }
          try {
            kernel.invokeExact(b, image, image + 1);
          } catch (RuntimeException | Error e) {
            throw e;
          } catch (Throwable e) {
            throw new IllegalStateException(e);
          }
          if (pool != null) {
            pool.run(buffers, image);
          }
        });
  }

  /**
   * A forward pooling kernel run by a convolution on each image right after its epilogue ({@link
   * Pooling#oneImageThen}), reading the epilogue's output x from {@code buffers[xSlot]}, writing
   * {@code buffers[outSlot]}, then running its own epilogue kernel (or none: null) on that image,
   * as {@link #poolThen} does. geometry = {N, C, H, W, kh, kw, strideH, strideW, padH, padW}.
   */
  record PoolImage(
      Pooling.Kernel kernel,
      int xSlot,
      int outSlot,
      boolean keepOutput,
      int[] geometry,
      boolean ceil,
      MethodHandle epilogue) {

    void run(float[][] buffers, int image) {
      int[] g = geometry;
      Pooling.oneImageThen(
          kernel,
          buffers[xSlot],
          null,
          keepOutput ? buffers[outSlot] : null,
          g[0],
          g[1],
          g[2],
          g[3],
          g[4],
          g[5],
          g[6],
          g[7],
          g[8],
          g[9],
          ceil,
          image,
          epilogue == null
              ? null
              : (i, output, offset) -> {
                float[][] b = buffers;
                if (!keepOutput) {
                  b = buffers.clone();
                  b[outSlot] = output;
                }
                try {
                  epilogue.invokeExact(b, i, i + 1);
                } catch (RuntimeException | Error e) {
                  throw e;
                } catch (Throwable e) {
                  throw new IllegalStateException(e);
                }
              });
    }
  }

  /**
   * A pooling kernel ({@link Pooling#eachImageThen}) that runs a generated elementwise kernel over
   * each image's range of axis 0, [i, i + 1), right after writing image i's output, on the same
   * thread. Unless {@code keepOutput}, the output is not stored: each image lands in its thread's
   * one-image scratch, which the kernel reads in place of {@code buffers[outSlot]} (as broadcast
   * over axis 0). x is unused by the average's gradient, dy by the forward kernels (the program
   * passes some buffer there).
   */
  static void poolThen(
      MethodHandle kernel,
      Pooling.Kernel pooling,
      boolean keepOutput,
      int outSlot,
      boolean ceil,
      float[][] buffers,
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
      int padW) {
    Pooling.eachImageThen(
        pooling,
        x,
        dy,
        keepOutput ? out : null,
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
        ceil,
        (image, output, offset) -> {
          float[][] b = buffers;
          if (!keepOutput) {
            b = buffers.clone();
            b[outSlot] = output;
          }
          try {
            kernel.invokeExact(b, image, image + 1);
          } catch (RuntimeException | Error e) {
            throw e;
          } catch (Throwable e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /**
   * Runs a generated reduce kernel over axis 0 cut into {@code chunks} ranges. When axis 0 is
   * reduced ({@code partial}), chunk c writes its partial result at offset c·keptSize of each
   * output, and the partials are then combined in chunk order into the first keptSize elements: the
   * order of operations depends only on the shapes and the chunk count, so the result is the same
   * run to run.
   */
  static void reduce(
      MethodHandle kernel,
      int outer,
      int chunks,
      boolean partial,
      int[] outputSlots,
      boolean[] isMax,
      int keptSize,
      float[][] buffers)
      throws Throwable {
    if (chunks == 1) {
      kernel.invokeExact(buffers, 0, outer, 0);
      return;
    }
    Parallel.forChunks(
        outer,
        chunks,
        (chunk, from, to) -> {
          try {
            kernel.invokeExact(buffers, from, to, partial ? chunk * keptSize : 0);
          } catch (RuntimeException | Error e) {
            throw e;
          } catch (Throwable e) {
            throw new IllegalStateException(e);
          }
        });
    if (!partial) {
      return;
    }
    for (int r = 0; r < outputSlots.length; r++) {
      float[] out = buffers[outputSlots[r]];
      for (int chunk = 1; chunk < chunks; chunk++) {
        int at = chunk * keptSize;
        if (Parallel.chunkStart(outer, chunks, chunk)
            == Parallel.chunkStart(outer, chunks, chunk + 1)) {
          continue;
        }
        if (isMax[r]) {
          for (int k = 0; k < keptSize; k++) {
            out[k] = Math.max(out[k], out[at + k]);
          }
        } else {
          for (int k = 0; k < keptSize; k++) {
            out[k] += out[at + k];
          }
        }
      }
    }
  }

  /**
   * dst[dstOffset + Σ i_a·dstStrides[a]] = src[srcOffset + Σ i_a·srcStrides[a]] over the index box
   * {@code dims}; with {@code zeroFirst} the whole of dst (dstSize elements) is zeroed first
   * (padding).
   */
  static void copy(
      int[] dims,
      int[] srcStrides,
      int srcOffset,
      int[] dstStrides,
      int dstOffset,
      boolean zeroFirst,
      int dstSize,
      float[] src,
      float[] dst) {
    if (zeroFirst) {
      Arrays.fill(dst, 0, dstSize, 0f);
    }
    int rank = dims.length;
    for (int d : dims) {
      if (d == 0) {
        return;
      }
    }
    if (rank == 0) {
      dst[dstOffset] = src[srcOffset];
      return;
    }
    int inner = dims[rank - 1];
    int innerSrc = srcStrides[rank - 1];
    int innerDst = dstStrides[rank - 1];
    int[] index = new int[rank];
    int s = srcOffset;
    int t = dstOffset;
    while (true) {
      if (innerSrc == 1 && innerDst == 1) {
        System.arraycopy(src, s, dst, t, inner);
      } else {
        for (int k = 0; k < inner; k++) {
          dst[t + k * innerDst] = src[s + k * innerSrc];
        }
      }
      int axis = rank - 2;
      while (axis >= 0) {
        index[axis]++;
        s += srcStrides[axis];
        t += dstStrides[axis];
        if (index[axis] < dims[axis]) {
          break;
        }
        s -= srcStrides[axis] * dims[axis];
        t -= dstStrides[axis] * dims[axis];
        index[axis] = 0;
        axis--;
      }
      if (axis < 0) {
        return;
      }
    }
  }

  /**
   * Max-pool selection: for each window, v at the argmax of x ({@link Windows#displacesMax}, the
   * autodiff MAX_POOL_SELECT), padding never winning. geometry = {n·c, h, w, outH, outW, kh, kw,
   * strideH, strideW, padH, padW}.
   */
  static void maxPoolSelect(int[] geometry, float[] x, float[] v, float[] y) {
    int planes = geometry[0];
    int h = geometry[1];
    int w = geometry[2];
    int oh = geometry[3];
    int ow = geometry[4];
    int kh = geometry[5];
    int kw = geometry[6];
    int sh = geometry[7];
    int sw = geometry[8];
    int ph = geometry[9];
    int pw = geometry[10];
    for (int p = 0; p < planes; p++) {
      int base = p * h * w;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int best = -1;
          float bestValue = 0;
          for (int ky = 0; ky < kh; ky++) {
            int iy = Windows.windowStart(oy, sh, ph) + ky;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int kx = 0; kx < kw; kx++) {
              int ix = Windows.windowStart(ox, sw, pw) + kx;
              if (ix < 0 || ix >= w) {
                continue;
              }
              int i = base + iy * w + ix;
              if (best < 0 || Windows.displacesMax(x[i], bestValue)) {
                best = i;
                bestValue = x[i];
              }
            }
          }
          y[(p * oh + oy) * ow + ox] = best < 0 ? 0f : v[best];
        }
      }
    }
  }

  /** Adds the time since the previous mark to {@code times[index]} (profile mode). */
  static void mark(long[] times, int index) {
    long now = System.nanoTime();
    if (index >= 0) {
      times[index] += now - times[times.length - 1];
    }
    times[times.length - 1] = now;
  }
}
