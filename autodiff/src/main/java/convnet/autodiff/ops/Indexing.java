package convnet.autodiff.ops;

import convnet.autodiff.Shape;

/** Index arithmetic shared by the reference implementations. */
final class Indexing {
    private Indexing() {
    }

    /**
     * For every element of {@code out} (row-major), the flat index of the element of {@code in} that numpy
     * broadcasting reads there. {@code in} must broadcast to {@code out}.
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

    /** Unravels a flat row-major index. */
    static int[] unravel(int flat, int[] dims) {
        int[] idx = new int[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            if (dims[a] > 0) {
                idx[a] = flat % dims[a];
                flat /= dims[a];
            }
        }
        return idx;
    }

    static void requireRank(Shape s, int rank, String what) {
        if (s.rank() != rank) {
            throw new convnet.autodiff.ShapeException(what + " must have rank " + rank + ", got " + s);
        }
    }
}
