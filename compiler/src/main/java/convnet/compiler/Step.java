package convnet.compiler;

import convnet.autodiff.Node;
import java.util.List;

/**
 * One kernel of a compiled program: which graph nodes it computes (fused), which of them it writes to
 * buffers, and which materialized values it reads.
 */
final class Step {
    /** What runs. */
    enum Kind {
        /** A generated fused elementwise kernel with one or more outputs. */
        ELEMENTWISE,
        /** A generated reduction with its elementwise producers fused in. */
        REDUCE,
        /** A library kernel call (convolution, matrix product, pooling) or a layout copy. */
        LIBRARY
    }

    final Kind kind;
    /** Every graph node computed by this step, in graph order (for a library step, its one node). */
    final List<Node> nodes;
    /** The nodes whose values the step writes to buffers. */
    final List<Node> outputs;
    /** The materialized nodes it reads (reshape views resolved to their source). */
    final List<Node> reads;
    /** For REDUCE: the reduction node; for LIBRARY: the op node; for ELEMENTWISE: the first output. */
    final Node anchor;
    /** Contiguous ranges of axis 0 the step is cut into (generated kernels; library kernels split themselves). */
    final int chunks;
    int index;

    Step(Kind kind, List<Node> nodes, List<Node> outputs, List<Node> reads, Node anchor, int chunks) {
        this.kind = kind;
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
        this.reads = List.copyOf(reads);
        this.anchor = anchor;
        this.chunks = chunks;
    }

    /** A short label: the op, or "elementwise"/"reduce". */
    String label() {
        return switch (kind) {
            case ELEMENTWISE -> "elementwise";
            case REDUCE -> anchor.kind().symbol();
            case LIBRARY -> anchor.kind().symbol();
        };
    }

    /** Floating-point operations of one run, for the convolution and matrix kernels (0 for the rest). */
    long flops() {
        Node n = anchor;
        return switch (n.kind()) {
            case CONV2D -> convFlops(n.input(0).shape().dims(), n.input(1).shape().dims(), n.shape().dims());
            case CONV2D_BACKWARD_INPUT -> {
                int[] w = n.input(1).shape().dims();
                yield convFlops(n.shape().dims(), w, n.input(0).shape().dims());
            }
            case CONV2D_BACKWARD_WEIGHT -> convFlops(n.input(0).shape().dims(), n.shape().dims(), n.input(1).shape().dims());
            case MATMUL -> 2L * n.shape().dim(0) * n.shape().dim(1) * n.input(0).shape().dim(1);
            default -> 0L;
        };
    }

    /** 2·N·M·OH·OW·(C/groups)·KH·KW, with w [M, C/groups, KH, KW] and y [N, M, OH, OW]. */
    private static long convFlops(int[] x, int[] w, int[] y) {
        return 2L * y[0] * y[1] * y[2] * y[3] * w[1] * w[2] * w[3];
    }
}
