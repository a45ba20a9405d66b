package convnet.compiler.gen;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Generates a hidden class with {@code public static void run(float[][] buffers)} that performs a
 * fixed sequence of calls with constant arguments and buffer slots.
 *
 * <p>Targets are {@link MethodHandle}s (library kernels, or generated kernels, which other classes
 * cannot name); they travel as the class data of the program, each loaded by a dynamic constant and
 * called with {@code invokeExact}, which the JIT treats as a direct call and inlines like one.
 */
public final class ProgramGen {
  /** The type of the generated {@code run} method. */
  public static final MethodType RUN_TYPE = MethodType.methodType(void.class, float[][].class);

  private static final Type METHOD_HANDLE = Type.getType(MethodHandle.class);
  private static final Handle CLASS_DATA_AT =
      new Handle(
          Opcodes.H_INVOKESTATIC,
          "java/lang/invoke/MethodHandles",
          "classDataAt",
          "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)Ljava/lang/Object;",
          false);

  /** One argument of a call. */
  public sealed interface Arg permits Buffer, Buffers, IntValue, FloatValue {
    /** The Java type the target's parameter must have. */
    Class<?> type();
  }

  /** {@code buffers[slot]}, a {@code float[]}. */
  public record Buffer(int slot) implements Arg {
    public Buffer {
      if (slot < 0) {
        throw new IllegalArgumentException("negative buffer slot " + slot);
      }
    }

    @Override
    public Class<?> type() {
      return float[].class;
    }
  }

  /** The whole buffer table, a {@code float[][]} (as generated kernels take it). */
  public record Buffers() implements Arg {
    @Override
    public Class<?> type() {
      return float[][].class;
    }
  }

  /** An int constant. */
  public record IntValue(int value) implements Arg {
    @Override
    public Class<?> type() {
      return int.class;
    }
  }

  /** A float constant. */
  public record FloatValue(float value) implements Arg {
    @Override
    public Class<?> type() {
      return float.class;
    }
  }

  /**
   * A call of {@code target} (returning void) with the given arguments; the description goes into
   * dumps.
   */
  public record Call(String description, MethodHandle target, List<Arg> args) {
    public Call {
      args = List.copyOf(args);
      MethodType type = target.type();
      if (type.returnType() != void.class) {
        throw new IllegalArgumentException(
            "call '" + description + "': target returns " + type.returnType() + ", expected void");
      }
      if (type.parameterCount() != args.size()) {
        throw new IllegalArgumentException(
            "call '"
                + description
                + "': target "
                + type
                + " takes "
                + type.parameterCount()
                + " arguments, got "
                + args.size());
      }
      for (int i = 0; i < args.size(); i++) {
        if (type.parameterType(i) != args.get(i).type()) {
          throw new IllegalArgumentException(
              "call '"
                  + description
                  + "': argument "
                  + i
                  + " is "
                  + args.get(i)
                  + " ("
                  + args.get(i).type().getSimpleName()
                  + ") but the target takes "
                  + type.parameterType(i).getSimpleName());
        }
      }
    }

    public static Call of(String description, MethodHandle target, Arg... args) {
      return new Call(description, target, List.of(args));
    }

    /** A call of a public static method of a generated class. */
    public static Call of(String description, GeneratedCode code, String method, Arg... args) {
      return new Call(description, code.method(method), List.of(args));
    }
  }

  /** Generates and loads the program class. */
  public GeneratedCode generate(String name, List<Call> calls) {
    return GeneratedCode.define(
        emit(name, calls, GeneratedCode.commentsRequested()),
        List.copyOf(calls.stream().map(Call::target).toList()));
  }

  ClassGen emit(String name, List<Call> calls, boolean keepComments) {
    KernelChecks.checkName(name);
    List<Integer> indices = new ArrayList<>();
    int slotCount = 0;
    for (int i = 0; i < calls.size(); i++) {
      indices.add(i);
      for (Arg arg : calls.get(i).args()) {
        if (arg instanceof Buffer buffer) {
          slotCount = Math.max(slotCount, buffer.slot() + 1);
        }
      }
    }
    List<List<Integer>> groups =
        indices.isEmpty()
            ? List.of(List.of())
            : MethodSplitter.split(
                indices, group -> measure(calls, group, keepComments), "program " + name);
    ClassGen classGen = new ClassGen("convnet/compiler/gen/Program_" + name, keepComments);
    MethodGen run =
        classGen.staticMethod(
            "run", Type.VOID_TYPE, List.of(ExprEmitter.BUFFERS), List.of("buffers"));
    Block block = run.body();
    block.load(run.parameter(0)).pushInt(slotCount).pushString(name);
    block.invokeStatic(
        Type.getInternalName(GenSupport.class), "checkSlotCount", "([[FILjava/lang/String;)V");
    for (int g = 0; g < groups.size(); g++) {
      MethodGen part =
          classGen.privateStaticMethod(
              "part" + g, Type.VOID_TYPE, List.of(ExprEmitter.BUFFERS), List.of("buffers"));
      emitCalls(part, calls, groups.get(g));
      part.body().returnVoid();
      part.finish();
      block.load(run.parameter(0)).invokeOwnStatic(part);
    }
    block.returnVoid();
    run.finish();
    return classGen;
  }

  private static int measure(List<Call> calls, List<Integer> group, boolean keepComments) {
    ClassGen scratch = new ClassGen("convnet/compiler/gen/Scratch", keepComments);
    MethodGen method =
        scratch.staticMethod(
            "part", Type.VOID_TYPE, List.of(ExprEmitter.BUFFERS), List.of("buffers"));
    emitCalls(method, calls, group);
    return method.estimatedCodeSize();
  }

  private static void emitCalls(MethodGen method, List<Call> calls, List<Integer> group) {
    Block block = method.body();
    Local buffers = method.parameter(0);
    for (int index : group) {
      Call call = calls.get(index);
      block.comment(call.description());
      // classDataAt insists on the name "_"; the index argument tells the handles apart.
      block.pushDynamicConstant(
          new ConstantDynamic("_", METHOD_HANDLE.getDescriptor(), CLASS_DATA_AT, index));
      for (Arg arg : call.args()) {
        if (arg instanceof Buffer buffer) {
          block.load(buffers).pushInt(buffer.slot()).arrayLoad(ExprEmitter.FLOAT_ARRAY);
        } else if (arg instanceof Buffers) {
          block.load(buffers);
        } else if (arg instanceof IntValue value) {
          block.pushInt(value.value());
        } else if (arg instanceof FloatValue value) {
          block.pushFloat(value.value());
        }
      }
      block.invokeVirtual(
          METHOD_HANDLE.getInternalName(),
          "invokeExact",
          call.target().type().toMethodDescriptorString());
    }
  }
}
