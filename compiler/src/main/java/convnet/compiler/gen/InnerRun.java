package convnet.compiler.gen;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.objectweb.asm.Type;

/** Emits the innermost run of a kernel: a vector loop of whole vectors, then a scalar tail. */
final class InnerRun {
  private InnerRun() {}

  /**
   * @param lanes vector width, or 0 for a scalar loop only
   * @param beforeVector emitted once before the vector loop (broadcast invariants)
   * @param vectorBody body for the lanes starting at the index local
   * @param scalarBody body for one element at the index local
   */
  static void emit(
      Block block,
      LoopPlan.Axis inner,
      Local from,
      Local to,
      int lanes,
      Consumer<Block> beforeVector,
      BiConsumer<Block, Local> vectorBody,
      BiConsumer<Block, Local> scalarBody) {
    MethodGen method = block.method();
    Local j = method.newLocal("j", Type.INT_TYPE);
    Local k = method.newLocal("k", Type.INT_TYPE);
    if (inner.ranged()) {
      // The run is axis 0 itself: its bounds are the caller's range, known only at run time.
      if (lanes > 0) {
        Local vectorEnd = method.newLocal("vectorEnd", Type.INT_TYPE);
        block
            .load(from)
            .load(to)
            .load(from)
            .intSub()
            .pushInt(-lanes)
            .intAnd()
            .intAdd()
            .store(vectorEnd);
        beforeVector.accept(block);
        block.forRange(j, from, vectorEnd, lanes, b -> vectorBody.accept(b, j));
        block.forRange(k, vectorEnd, to, 1, b -> scalarBody.accept(b, k));
      } else {
        block.forRange(k, from, to, 1, b -> scalarBody.accept(b, k));
      }
      return;
    }
    int size = inner.size();
    int vectorEnd = lanes > 0 ? size - size % lanes : 0;
    if (vectorEnd > 0) {
      beforeVector.accept(block);
      block.forRange(j, 0, vectorEnd, lanes, b -> vectorBody.accept(b, j));
    }
    if (vectorEnd < size) {
      block.forRange(k, vectorEnd, size, 1, b -> scalarBody.accept(b, k));
    }
  }
}
