package convnet.compiler;

import convnet.autodiff.Node;
import java.util.List;

/**
 * One kernel of a compiled program: which graph nodes it computes (fused), which of them it writes
 * to buffers, and which materialized values it reads.
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

  /**
   * For REDUCE: the reduction node; for LIBRARY: the op node; for ELEMENTWISE: the first output.
   */
  final Node anchor;

  /**
   * Contiguous ranges of axis 0 the step is cut into (generated kernels; library kernels split
   * themselves).
   */
  final int chunks;

  /**
   * For a LIBRARY convolution: the elementwise step it runs on each image's output as soon as that
   * image is computed (its epilogue), or null. Its nodes and outputs are among this step's.
   */
  final Step epilogue;

  /**
   * For a LIBRARY convolution with an epilogue: the forward pooling step (with its own epilogue, if
   * any) it runs on each image right after the epilogue, reading the epilogue's output, or null.
   * Its nodes and outputs are among this step's.
   */
  final Step pooled;

  int index;

  Step(Kind kind, List<Node> nodes, List<Node> outputs, List<Node> reads, Node anchor, int chunks) {
    this(kind, nodes, outputs, reads, anchor, chunks, null);
  }

  Step(
      Kind kind,
      List<Node> nodes,
      List<Node> outputs,
      List<Node> reads,
      Node anchor,
      int chunks,
      Step epilogue) {
    this(kind, nodes, outputs, reads, anchor, chunks, epilogue, null);
  }

  Step(
      Kind kind,
      List<Node> nodes,
      List<Node> outputs,
      List<Node> reads,
      Node anchor,
      int chunks,
      Step epilogue,
      Step pooled) {
    this.kind = kind;
    this.nodes = List.copyOf(nodes);
    this.outputs = List.copyOf(outputs);
    this.reads = List.copyOf(reads);
    this.anchor = anchor;
    this.chunks = chunks;
    this.epilogue = epilogue;
    this.pooled = pooled;
  }

  /**
   * A short label: the op (with "+elementwise" when it runs an epilogue, then its pooling step's
   * label), or "elementwise".
   */
  String label() {
    return switch (kind) {
      case ELEMENTWISE -> "elementwise";
      case REDUCE -> anchor.kind().symbol();
      case LIBRARY ->
          anchor.kind().symbol()
              + (epilogue != null ? "+elementwise" : "")
              + (pooled != null ? "+" + pooled.label() : "");
    };
  }

  /**
   * Floating-point operations of one run of a library kernel, as its op counts them (0 for the
   * fused kernels, whose cost is memory traffic, and for copies).
   */
  long flops() {
    return kind == Kind.LIBRARY ? anchor.kind().rule().flops(anchor) : 0L;
  }
}
