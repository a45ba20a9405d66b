package convnet.compiler.gen;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/** One method under construction: its parameters, its locals and its body {@link Block}. */
public final class MethodGen {
  private final ClassGen owner;
  private final String name;
  private final String descriptor;
  private final Type returnType;
  private final MethodVisitor visitor;
  private final List<Local> parameters = new ArrayList<>();
  private final List<Local> locals = new ArrayList<>();
  private final Label start = new Label();
  private final Block body;
  private int nextSlot;
  private boolean finished;

  MethodGen(
      ClassGen owner,
      String name,
      String descriptor,
      Type returnType,
      List<Type> parameterTypes,
      List<String> parameterNames,
      MethodVisitor visitor) {
    this.owner = owner;
    this.name = name;
    this.descriptor = descriptor;
    this.returnType = returnType;
    this.visitor = visitor;
    for (int i = 0; i < parameterTypes.size(); i++) {
      Local parameter = allocate(parameterNames.get(i), parameterTypes.get(i));
      parameters.add(parameter);
    }
    visitor.visitCode();
    this.body = new Block(this, visitor);
    body.mark(start);
  }

  public String name() {
    return name;
  }

  public String descriptor() {
    return descriptor;
  }

  public ClassGen owner() {
    return owner;
  }

  /** The i-th parameter (0-based). */
  public Local parameter(int index) {
    return parameters.get(index);
  }

  /** A fresh local; slots are never reused, so a local has one type for the whole method. */
  public Local newLocal(String localName, Type type) {
    return allocate(localName, type);
  }

  /** The code of this method. */
  public Block body() {
    return body;
  }

  /** Estimated size of the code so far in bytes (an upper bound of the real size). */
  public int estimatedCodeSize() {
    return body.estimatedSize();
  }

  Type returnType() {
    return returnType;
  }

  boolean isFinished() {
    return finished;
  }

  /** Ends the method; the last instruction must already be a return or a throw. */
  public void finish() {
    if (finished) {
      throw new IllegalStateException("method " + name + " finished twice");
    }
    Label end = new Label();
    body.mark(end);
    for (Local local : locals) {
      visitor.visitLocalVariable(
          local.name(), local.type().getDescriptor(), null, start.asm, end.asm, local.slot());
    }
    visitor.visitMaxs(0, 0);
    visitor.visitEnd();
    finished = true;
  }

  private Local allocate(String localName, Type type) {
    if (finished) {
      throw new IllegalStateException("method " + name + " is finished");
    }
    Local local = new Local(localName, type, nextSlot);
    nextSlot += type.getSize();
    locals.add(local);
    return local;
  }
}
