package convnet.autodiff.ops;

import convnet.autodiff.Shape;

/** Index arithmetic shared by the reference implementations. */
final class Indexing {
  private Indexing() {}

  /**
   * For every element of {@code out} (row-major), the flat index of the element of {@code in} that
   * numpy broadcasting reads there. {@code in} must broadcast to {@code out}.
   */
  static int[] broadcastMap(Shape in, Shape out) {
    int r = out.rank();
    int off = r - in.rank();
    int[] inStrides = in.strides();
    int[] stride = new int[r];
    int[] dims = out.dims();
    for (int i = 0; i < r; i++) {
      stride[i] = i < off || in.dim(i - off) == 1 ? 0 : inStrides[i - off];
    }
    int[] map = new int[out.size()];
    int[] idx = new int[r];
    int cur = 0;
    for (int f = 0; f < map.length; f++) {
      map[f] = cur;
      for (int a = r - 1; a >= 0; a--) {
        idx[a]++;
        cur += stride[a];
        if (idx[a] < dims[a]) {
          break;
        }
        cur -= stride[a] * idx[a];
        idx[a] = 0;
      }
    }
    return map;
  }

  /**
   * Copies the block of size {@code extent} starting at {@code srcStart} in {@code src} to {@code
   * dstStart} in {@code dst}, one contiguous last-axis row at a time (shared by pad and slice).
   */
  static void copyBlock(
      double[] src,
      Shape srcShape,
      int[] srcStart,
      double[] dst,
      Shape dstShape,
      int[] dstStart,
      int[] extent) {
    int r = extent.length;
    for (int e : extent) {
      if (e == 0) {
        return;
      }
    }
    if (r == 0) {
      dst[0] = src[0];
      return;
    }
    int[] ss = srcShape.strides();
    int[] ds = dstShape.strides();
    int rows = 1;
    for (int a = 0; a < r - 1; a++) {
      rows *= extent[a];
    }
    int[] idx = new int[Math.max(r - 1, 0)];
    for (int row = 0; row < rows; row++) {
      int so = srcStart[r - 1];
      int dof = dstStart[r - 1];
      for (int a = 0; a < r - 1; a++) {
        so += (idx[a] + srcStart[a]) * ss[a];
        dof += (idx[a] + dstStart[a]) * ds[a];
      }
      System.arraycopy(src, so, dst, dof, extent[r - 1]);
      for (int a = r - 2; a >= 0; a--) {
        if (++idx[a] < extent[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
  }

  static int[] ints(java.util.List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  static void requireRank(Shape s, int rank, String what) {
    if (s.rank() != rank) {
      throw new convnet.autodiff.ShapeException(what + " must have rank " + rank + ", got " + s);
    }
  }
}
