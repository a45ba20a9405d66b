package convnet.compiler.gen;

import java.util.function.Consumer;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The code of one generated method, written as typed stack-machine steps; generators use this
 * instead of ASM's {@code MethodVisitor}.
 *
 * <p>Every step adds an upper bound of its encoded size to {@link #estimatedSize()}, so a generator
 * can split a kernel into several methods before the JIT refuses to compile a big one.
 */
public final class Block {
  /** Integer comparisons for conditional jumps. */
  public enum IntCondition {
    LT,
    LE,
    GT,
    GE,
    EQ,
    NE
  }

  private final MethodGen method;
  private final MethodVisitor visitor;
  private int size;

  Block(MethodGen method, MethodVisitor visitor) {
    this.method = method;
    this.visitor = visitor;
  }

  public MethodGen method() {
    return method;
  }

  int estimatedSize() {
    return size;
  }

  /** Leaves the text in the bytecode as {@code ldc "text"; pop} when dumps are on, else nothing. */
  public Block comment(String text) {
    if (method.owner().keepComments()) {
      visitor.visitLdcInsn("// " + text);
      visitor.visitInsn(Opcodes.POP);
      size += 4;
    }
    return this;
  }

  // ---- constants ----

  /** Pushes an int constant. */
  public Block pushInt(int value) {
    if (value >= -1 && value <= 5) {
      visitor.visitInsn(Opcodes.ICONST_0 + value);
      size += 1;
    } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
      visitor.visitIntInsn(Opcodes.BIPUSH, value);
      size += 2;
    } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
      visitor.visitIntInsn(Opcodes.SIPUSH, value);
      size += 3;
    } else {
      visitor.visitLdcInsn(value);
      size += 3;
    }
    return this;
  }

  /** Pushes a float constant (bit-exact, including NaN payloads and -0). */
  public Block pushFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (bits == Float.floatToRawIntBits(0f)) {
      visitor.visitInsn(Opcodes.FCONST_0);
      size += 1;
    } else if (value == 1f) {
      visitor.visitInsn(Opcodes.FCONST_1);
      size += 1;
    } else if (value == 2f) {
      visitor.visitInsn(Opcodes.FCONST_2);
      size += 1;
    } else {
      visitor.visitLdcInsn(value);
      size += 3;
    }
    return this;
  }

  /** Pushes a string constant. */
  public Block pushString(String value) {
    visitor.visitLdcInsn(value);
    size += 3;
    return this;
  }

  /** Pushes a constant computed once per class by a bootstrap method (condy). */
  public Block pushDynamicConstant(ConstantDynamic constant) {
    visitor.visitLdcInsn(constant);
    size += 3;
    return this;
  }

  // ---- locals ----

  /** Pushes a local. */
  public Block load(Local local) {
    visitor.visitVarInsn(local.type().getOpcode(Opcodes.ILOAD), local.slot());
    size += local.slot() < 256 ? 2 : 4;
    return this;
  }

  /** Pops the top of the stack into a local. */
  public Block store(Local local) {
    visitor.visitVarInsn(local.type().getOpcode(Opcodes.ISTORE), local.slot());
    size += local.slot() < 256 ? 2 : 4;
    return this;
  }

  /** Adds a constant to an int local in place. */
  public Block increment(Local local, int delta) {
    requireInt(local);
    visitor.visitIincInsn(local.slot(), delta);
    size += 6;
    return this;
  }

  // ---- arrays ----

  /** array, index → element. */
  public Block arrayLoad(Type elementType) {
    visitor.visitInsn(elementType.getOpcode(Opcodes.IALOAD));
    size += 1;
    return this;
  }

  /** array, index, value → (nothing). */
  public Block arrayStore(Type elementType) {
    visitor.visitInsn(elementType.getOpcode(Opcodes.IASTORE));
    size += 1;
    return this;
  }

  /** array → length. */
  public Block arrayLength() {
    visitor.visitInsn(Opcodes.ARRAYLENGTH);
    size += 1;
    return this;
  }

  // ---- arithmetic ----

  public Block intAdd() {
    return insn(Opcodes.IADD);
  }

  public Block intSub() {
    return insn(Opcodes.ISUB);
  }

  public Block intMul() {
    return insn(Opcodes.IMUL);
  }

  public Block intAnd() {
    return insn(Opcodes.IAND);
  }

  public Block floatAdd() {
    return insn(Opcodes.FADD);
  }

  public Block floatSub() {
    return insn(Opcodes.FSUB);
  }

  public Block floatMul() {
    return insn(Opcodes.FMUL);
  }

  public Block floatDiv() {
    return insn(Opcodes.FDIV);
  }

  public Block floatNeg() {
    return insn(Opcodes.FNEG);
  }

  public Block floatToDouble() {
    return insn(Opcodes.F2D);
  }

  public Block doubleToFloat() {
    return insn(Opcodes.D2F);
  }

  public Block dup() {
    return insn(Opcodes.DUP);
  }

  public Block pop() {
    return insn(Opcodes.POP);
  }

  /** Pushes {@code local * factor}, skipping the multiply for factor 1. */
  public Block loadScaled(Local local, int factor) {
    requireInt(local);
    load(local);
    if (factor != 1) {
      pushInt(factor);
      intMul();
    }
    return this;
  }

  // ---- fields and calls ----

  public Block getStatic(String owner, String name, Type type) {
    visitor.visitFieldInsn(Opcodes.GETSTATIC, owner, name, type.getDescriptor());
    size += 3;
    return this;
  }

  public Block invokeStatic(String owner, String name, String descriptor) {
    visitor.visitMethodInsn(Opcodes.INVOKESTATIC, owner, name, descriptor, false);
    size += 3;
    return this;
  }

  public Block invokeVirtual(String owner, String name, String descriptor) {
    visitor.visitMethodInsn(Opcodes.INVOKEVIRTUAL, owner, name, descriptor, false);
    size += 3;
    return this;
  }

  /** Calls a static method of the class being generated. */
  public Block invokeOwnStatic(MethodGen target) {
    return invokeStatic(method.owner().internalName(), target.name(), target.descriptor());
  }

  // ---- control flow ----

  public Block mark(Label label) {
    if (label.marked) {
      throw new IllegalStateException("label marked twice in " + method.name());
    }
    label.marked = true;
    visitor.visitLabel(label.asm);
    return this;
  }

  public Block jump(Label target) {
    visitor.visitJumpInsn(Opcodes.GOTO, target.asm);
    size += 3;
    return this;
  }

  /** left, right → (nothing); jumps when {@code left <cond> right}. */
  public Block jumpIfInt(IntCondition condition, Label target) {
    int opcode =
        switch (condition) {
          case LT -> Opcodes.IF_ICMPLT;
          case LE -> Opcodes.IF_ICMPLE;
          case GT -> Opcodes.IF_ICMPGT;
          case GE -> Opcodes.IF_ICMPGE;
          case EQ -> Opcodes.IF_ICMPEQ;
          case NE -> Opcodes.IF_ICMPNE;
        };
    visitor.visitJumpInsn(opcode, target.asm);
    size += 3;
    return this;
  }

  public Block returnVoid() {
    return insn(Opcodes.RETURN);
  }

  /** value → (returns it). */
  public Block returnValue() {
    visitor.visitInsn(method.returnType().getOpcode(Opcodes.IRETURN));
    size += 1;
    return this;
  }

  /**
   * {@code for (index = from; index < to; index += step) body}, the test at the bottom; from and to
   * each push one int.
   */
  public Block forRange(
      Local index, Consumer<Block> from, Consumer<Block> to, int step, Consumer<Block> body) {
    requireInt(index);
    if (step <= 0) {
      throw new IllegalArgumentException("loop step must be positive, got " + step);
    }
    Label top = new Label();
    Label test = new Label();
    from.accept(this);
    store(index);
    jump(test);
    mark(top);
    body.accept(this);
    increment(index, step);
    mark(test);
    load(index);
    to.accept(this);
    jumpIfInt(IntCondition.LT, top);
    return this;
  }

  /** {@link #forRange(Local, Consumer, Consumer, int, Consumer)} over constant bounds. */
  public Block forRange(Local index, int from, int to, int step, Consumer<Block> body) {
    return forRange(index, b -> b.pushInt(from), b -> b.pushInt(to), step, body);
  }

  /** {@link #forRange(Local, Consumer, Consumer, int, Consumer)} over bounds held in int locals. */
  public Block forRange(Local index, Local from, Local to, int step, Consumer<Block> body) {
    requireInt(from);
    requireInt(to);
    return forRange(index, b -> b.load(from), b -> b.load(to), step, body);
  }

  private Block insn(int opcode) {
    visitor.visitInsn(opcode);
    size += 1;
    return this;
  }

  private static void requireInt(Local local) {
    if (local.type().getSort() != Type.INT) {
      throw new IllegalArgumentException(
          "local '" + local.name() + "' is " + local.type() + ", expected int");
    }
  }
}
