package convnet.compiler.gen;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** Builds one generated class: static methods and fields, frames computed by ASM. */
public final class ClassGen {
  private final String internalName;
  private final ClassWriter writer;
  private final boolean keepComments;
  private final List<MethodGen> methods = new ArrayList<>();
  private boolean finished;

  /**
   * Starts a public final class.
   *
   * @param internalName slash-separated name, e.g. {@code convnet/compiler/gen/Kernel_relu}
   * @param keepComments whether {@link Block#comment(String)} leaves visible no-op bytecode
   */
  public ClassGen(String internalName, boolean keepComments) {
    this.internalName = internalName;
    this.keepComments = keepComments;
    // Generated code only merges identical reference types at join points (arrays, vectors),
    // so the common super class never needs a class to be loaded.
    this.writer =
        new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
          @Override
          protected String getCommonSuperClass(String type1, String type2) {
            return type1.equals(type2) ? type1 : "java/lang/Object";
          }
        };
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER,
        internalName,
        null,
        "java/lang/Object",
        null);
    writer.visitSource(internalName.substring(internalName.lastIndexOf('/') + 1) + ".gen", null);
  }

  /** Starts a class whose comments are kept when a bytecode dump is requested. */
  public ClassGen(String internalName) {
    this(internalName, GeneratedCode.commentsRequested());
  }

  public String internalName() {
    return internalName;
  }

  boolean keepComments() {
    return keepComments;
  }

  /** Starts a {@code public static} method with named parameters. */
  public MethodGen staticMethod(
      String name, Type returnType, List<Type> parameterTypes, List<String> parameterNames) {
    return method(
        Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, returnType, parameterTypes, parameterNames);
  }

  /** Starts a {@code private static} method with named parameters. */
  public MethodGen privateStaticMethod(
      String name, Type returnType, List<Type> parameterTypes, List<String> parameterNames) {
    return method(
        Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, name, returnType, parameterTypes, parameterNames);
  }

  private MethodGen method(
      int access,
      String name,
      Type returnType,
      List<Type> parameterTypes,
      List<String> parameterNames) {
    checkOpen();
    if (parameterTypes.size() != parameterNames.size()) {
      throw new IllegalArgumentException(
          "method "
              + name
              + ": "
              + parameterTypes.size()
              + " parameter types but "
              + parameterNames.size()
              + " names");
    }
    String descriptor = Type.getMethodDescriptor(returnType, parameterTypes.toArray(Type[]::new));
    MethodVisitor visitor = writer.visitMethod(access, name, descriptor, null, null);
    MethodGen method =
        new MethodGen(this, name, descriptor, returnType, parameterTypes, parameterNames, visitor);
    methods.add(method);
    return method;
  }

  /** The class file; every method must have been finished. */
  public byte[] toBytes() {
    for (MethodGen method : methods) {
      if (!method.isFinished()) {
        throw new IllegalStateException(
            "method " + method.name() + " of " + internalName + " was not finished");
      }
    }
    if (!finished) {
      writer.visitEnd();
      finished = true;
    }
    return writer.toByteArray();
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("class " + internalName + " is already finished");
    }
  }
}
