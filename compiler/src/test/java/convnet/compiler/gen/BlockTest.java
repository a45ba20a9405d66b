package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.ScalarOp;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Type;

class BlockTest {

  /** static float sum(float[] a, int step): Σ a[i] for i = 0, step, 2·step, … < a.length. */
  static GeneratedCode stridedSum(boolean keepComments) {
    ClassGen classGen = new ClassGen("convnet/compiler/gen/StridedSum", keepComments);
    MethodGen method =
        classGen.staticMethod(
            "sum",
            Type.FLOAT_TYPE,
            List.of(Type.getType(float[].class), Type.INT_TYPE),
            List.of("a", "step"));
    Block block = method.body();
    Local sum = method.newLocal("sum", Type.FLOAT_TYPE);
    Local i = method.newLocal("i", Type.INT_TYPE);
    Local length = method.newLocal("length", Type.INT_TYPE);
    block.comment("sum := 0");
    block.pushFloat(0f).store(sum);
    block.load(method.parameter(0)).arrayLength().store(length);
    block.forRange(
        i,
        b -> b.pushInt(0),
        b -> b.load(length),
        1,
        body -> {
          // The step is only known at run time, so skip indices that are not multiples of it by a
          // branch.
          Label skip = new Label();
          body.load(i)
              .load(method.parameter(1))
              .invokeStatic("java/lang/Math", "floorMod", "(II)I")
              .pushInt(0);
          body.jumpIfInt(Block.IntCondition.NE, skip);
          body.load(sum)
              .load(method.parameter(0))
              .load(i)
              .arrayLoad(Type.FLOAT_TYPE)
              .floatAdd()
              .store(sum);
          body.mark(skip);
        });
    block.load(sum).returnValue();
    method.finish();
    int estimate = method.estimatedCodeSize();
    GeneratedCode code = Verification.verified(GeneratedCode.define(classGen, null));
    int real = CodeSize.of(code.bytes(), "sum");
    assertTrue(estimate >= real, "estimate " + estimate + " must bound the real size " + real);
    return code;
  }

  @Test
  void loopsBranchesAndLocalsRunAsWritten() throws Throwable {
    for (boolean comments : new boolean[] {false, true}) {
      MethodHandle sum = stridedSum(comments).method("sum");
      float[] values = {1, 2, 3, 4, 5, 6, 7};
      assertEquals(28f, (float) sum.invokeExact(values, 1), "comments " + comments);
      assertEquals(1f + 4 + 7, (float) sum.invokeExact(values, 3), "comments " + comments);
      assertEquals(0f, (float) sum.invokeExact(new float[0], 2), "comments " + comments);
    }
  }

  @Test
  void constantsRoundTripBitExactly() throws Throwable {
    float[] constants = {
      0f, -0f, 1f, 2f, 0.1f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE
    };
    int[] ints = {-1, 0, 5, 6, -128, 127, 128, -32768, 32767, 40000, Integer.MIN_VALUE};
    ClassGen classGen = new ClassGen("convnet/compiler/gen/Constants", false);
    MethodGen floats =
        classGen.staticMethod("floats", Type.getType(float[].class), List.of(), List.of());
    Local array = floats.newLocal("array", Type.getType(float[].class));
    Block block = floats.body();
    block
        .pushInt(constants.length)
        .invokeStatic("convnet/compiler/gen/BlockTest", "newFloats", "(I)[F")
        .store(array);
    for (int i = 0; i < constants.length; i++) {
      block.load(array).pushInt(i).pushFloat(constants[i]).arrayStore(Type.FLOAT_TYPE);
    }
    block.load(array).returnValue();
    floats.finish();
    MethodGen sum = classGen.staticMethod("ints", Type.getType(int[].class), List.of(), List.of());
    Local intArray = sum.newLocal("array", Type.getType(int[].class));
    Block intBlock = sum.body();
    intBlock
        .pushInt(ints.length)
        .invokeStatic("convnet/compiler/gen/BlockTest", "newInts", "(I)[I")
        .store(intArray);
    for (int i = 0; i < ints.length; i++) {
      intBlock.load(intArray).pushInt(i).pushInt(ints[i]).arrayStore(Type.INT_TYPE);
    }
    intBlock.load(intArray).returnValue();
    sum.finish();
    GeneratedCode code = Verification.verified(GeneratedCode.define(classGen, null));
    float[] got = (float[]) code.method("floats").invoke();
    for (int i = 0; i < constants.length; i++) {
      assertEquals(
          Float.floatToRawIntBits(constants[i]),
          Float.floatToRawIntBits(got[i]),
          "float constant " + constants[i]);
    }
    int[] gotInts = (int[]) code.method("ints").invoke();
    for (int i = 0; i < ints.length; i++) {
      assertEquals(ints[i], gotInts[i], "int constant " + ints[i]);
    }
  }

  public static float[] newFloats(int length) {
    return new float[length];
  }

  public static int[] newInts(int length) {
    return new int[length];
  }

  @Test
  void misuseIsReportedWhereItHappens() {
    ClassGen classGen = new ClassGen("convnet/compiler/gen/Misuse", false);
    MethodGen method =
        classGen.staticMethod("m", Type.VOID_TYPE, List.of(Type.FLOAT_TYPE), List.of("x"));
    IllegalArgumentException notInt =
        assertThrows(
            IllegalArgumentException.class,
            () -> method.body().forRange(method.parameter(0), 0, 3, 1, b -> {}));
    assertEquals("local 'x' is F, expected int", notInt.getMessage());
    Local i = method.newLocal("i", Type.INT_TYPE);
    assertThrows(IllegalArgumentException.class, () -> method.body().forRange(i, 0, 3, 0, b -> {}));
    IllegalStateException unfinished = assertThrows(IllegalStateException.class, classGen::toBytes);
    assertEquals(
        "method m of convnet/compiler/gen/Misuse was not finished", unfinished.getMessage());
  }

  @Test
  void aSingleOutputTooLargeForOneMethodIsRefused() {
    Dims shape = Dims.of(4, 16);
    Expr value = Expr.load(0, shape);
    for (int i = 0; i < 400; i++) {
      value = Expr.apply(ScalarOp.TANH, Expr.apply(ScalarOp.ADD, value, Expr.constant(i)));
    }
    ElementwiseKernel kernel =
        new ElementwiseKernel("huge", shape, List.of(new ElementwiseKernel.Output(1, value)));
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> new ElementwiseKernelGen(true).generate(kernel));
    assertTrue(
        error.getMessage().startsWith("elementwise kernel huge: one output needs about "),
        error.getMessage());
  }

  @Test
  void manyReductionsAreSplitAndStillCorrect() throws Throwable {
    Dims shape = Dims.of(3, 40);
    List<ReduceKernel.Reduction> reductions = new ArrayList<>();
    Expr value = Expr.load(0, shape);
    for (int r = 0; r < 30; r++) {
      value = Expr.apply(ScalarOp.SIGMOID, Expr.apply(ScalarOp.MUL, value, Expr.constant(1.5f)));
      reductions.add(new ReduceKernel.Reduction(1 + r, ReduceKernel.Combine.SUM, value));
    }
    ReduceKernel kernel = new ReduceKernel("manySums", shape, List.of(1), reductions);
    GeneratedCode code = Verification.verified(new ReduceKernelGen(true).generate(kernel));
    long parts =
        java.util.Arrays.stream(code.type().getDeclaredMethods())
            .filter(m -> m.getName().startsWith("part"))
            .count();
    assertTrue(parts >= 2, "expected several part methods, got " + parts);
    float[][] buffers = new float[31][];
    buffers[0] = new float[120];
    for (int i = 0; i < 120; i++) {
      buffers[0][i] = (i % 13 - 6) / 3f;
    }
    for (int r = 1; r <= 30; r++) {
      buffers[r] = new float[3];
    }
    double[][][] expected = KernelInterpreter.reduce(kernel, buffers, 0, 3);
    code.method("run").invokeExact(buffers, 0, 3, 0);
    for (int r = 0; r < 30; r++) {
      for (int row = 0; row < 3; row++) {
        assertEquals(
            expected[r][row][0],
            buffers[1 + r][row],
            1e-4 * expected[r][row][1],
            "reduction " + r + " row " + row);
      }
    }
  }
}
