package convnet.compiler.gen;

import org.objectweb.asm.Type;

/** A typed local variable slot of a generated method. */
public record Local(String name, Type type, int slot) {
  public Local {
    if (slot < 0) {
      throw new IllegalArgumentException("negative local slot " + slot + " for '" + name + "'");
    }
  }
}
