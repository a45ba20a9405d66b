package convnet.compiler.gen;

import java.util.Map;
import org.objectweb.asm.Type;

/** Emits the calls to {@link GenSupport} at the entry of a generated kernel. */
final class EntryChecks {
  private static final String SUPPORT = Type.getInternalName(GenSupport.class);

  private EntryChecks() {}

  /**
   * @param minLengths slot → floats it must hold
   * @param minAfterOffset slot → floats it must hold after {@code offset}
   * @param offset output offset parameter, or null
   */
  static void emit(
      Block block,
      String kernel,
      int axis0Size,
      Local buffers,
      Local from,
      Local to,
      Map<Integer, Integer> minLengths,
      Map<Integer, Integer> minAfterOffset,
      Local offset) {
    block.comment("entry checks");
    block.load(from).load(to).pushInt(axis0Size).pushString(kernel);
    block.invokeStatic(SUPPORT, "checkRange", "(IIILjava/lang/String;)V");
    if (offset != null) {
      block.load(offset).pushString(kernel);
      block.invokeStatic(SUPPORT, "checkOffset", "(ILjava/lang/String;)V");
    }
    for (Map.Entry<Integer, Integer> entry : minLengths.entrySet()) {
      block.load(buffers).pushInt(entry.getKey()).pushInt(entry.getValue()).pushString(kernel);
      block.invokeStatic(SUPPORT, "buffer", "([[FIILjava/lang/String;)[F").pop();
    }
    for (Map.Entry<Integer, Integer> entry : minAfterOffset.entrySet()) {
      block
          .load(buffers)
          .pushInt(entry.getKey())
          .load(offset)
          .pushInt(entry.getValue())
          .intAdd()
          .pushString(kernel);
      block.invokeStatic(SUPPORT, "buffer", "([[FIILjava/lang/String;)[F").pop();
    }
  }
}
