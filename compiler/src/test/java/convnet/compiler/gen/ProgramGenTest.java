package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.ScalarOp;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramGenTest {

  /** A stand-in for a library kernel: y[i] = a·x[i] + b. */
  public static void affine(float[] x, float[] y, float a, int b) {
    for (int i = 0; i < x.length; i++) {
      y[i] = a * x[i] + b;
    }
  }

  static MethodHandle affine() throws ReflectiveOperationException {
    return MethodHandles.lookup()
        .findStatic(
            ProgramGenTest.class,
            "affine",
            MethodType.methodType(
                void.class, float[].class, float[].class, float.class, int.class));
  }

  static void run(GeneratedCode program, float[][] buffers) {
    try {
      program.method("run").invokeExact(buffers);
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void callsLibraryMethodsAndGeneratedKernelsInOrder() throws ReflectiveOperationException {
    Dims shape = Dims.of(2, 20);
    GeneratedCode relu =
        new ElementwiseKernelGen()
            .generate(
                new ElementwiseKernel(
                    "relu",
                    shape,
                    List.of(
                        new ElementwiseKernel.Output(
                            2, Expr.apply(ScalarOp.RELU, Expr.load(1, shape))))));
    GeneratedCode rowSum =
        new ReduceKernelGen()
            .generate(
                new ReduceKernel(
                    "rowSum",
                    shape,
                    List.of(1),
                    List.of(
                        new ReduceKernel.Reduction(
                            3, ReduceKernel.Combine.SUM, Expr.load(2, shape)))));
    List<ProgramGen.Call> calls =
        List.of(
            ProgramGen.Call.of(
                "y = 2x - 10",
                affine(),
                new ProgramGen.Buffer(0),
                new ProgramGen.Buffer(1),
                new ProgramGen.FloatValue(2f),
                new ProgramGen.IntValue(-10)),
            ProgramGen.Call.of(
                "relu, first sample",
                relu,
                "run",
                new ProgramGen.Buffers(),
                new ProgramGen.IntValue(0),
                new ProgramGen.IntValue(1)),
            ProgramGen.Call.of(
                "relu, second sample",
                relu,
                "run",
                new ProgramGen.Buffers(),
                new ProgramGen.IntValue(1),
                new ProgramGen.IntValue(2)),
            ProgramGen.Call.of(
                "row sums",
                rowSum,
                "run",
                new ProgramGen.Buffers(),
                new ProgramGen.IntValue(0),
                new ProgramGen.IntValue(2),
                new ProgramGen.IntValue(0)));
    GeneratedCode program = Verification.verified(new ProgramGen().generate("step", calls));
    float[][] buffers = {new float[40], new float[40], new float[40], new float[2]};
    for (int i = 0; i < 40; i++) {
      buffers[0][i] = i % 20;
    }
    run(program, buffers);
    float expectedRow = 0;
    for (int i = 0; i < 20; i++) {
      float y = 2f * i - 10;
      assertEquals(y, buffers[1][i], "affine at " + i);
      assertEquals(Math.max(y, 0f), buffers[2][i], "relu at " + i);
      assertEquals(Math.max(y, 0f), buffers[2][20 + i], "relu at " + (20 + i));
      expectedRow += Math.max(y, 0f);
    }
    assertArrayEquals(new float[] {expectedRow, expectedRow}, buffers[3]);
  }

  @Test
  void longProgramsAreSplitAndKeepTheirOrder() throws ReflectiveOperationException {
    List<ProgramGen.Call> calls = new ArrayList<>();
    // y := 1·x + 1 repeatedly through alternating buffers: after 300 calls the value is x + 300.
    for (int i = 0; i < 300; i++) {
      calls.add(
          ProgramGen.Call.of(
              "step " + i,
              affine(),
              new ProgramGen.Buffer(i % 2),
              new ProgramGen.Buffer(1 - i % 2),
              new ProgramGen.FloatValue(1f),
              new ProgramGen.IntValue(1)));
    }
    GeneratedCode program = Verification.verified(new ProgramGen().generate("long", calls));
    long parts =
        java.util.Arrays.stream(program.type().getDeclaredMethods())
            .filter(m -> m.getName().startsWith("part"))
            .count();
    assertTrue(parts >= 2, "300 calls should need several methods, got " + parts);
    byte[] bytes = program.bytes();
    for (int p = 0; p < parts; p++) {
      int size = CodeSize.of(bytes, "part" + p);
      assertTrue(size <= MethodSplitter.SOFT_LIMIT, "part" + p + " has " + size + " bytes");
    }
    float[][] buffers = {new float[] {5f}, new float[1]};
    run(program, buffers);
    assertEquals(305f, buffers[0][0]);
  }

  @Test
  void mismatchedArgumentsAreRejectedWithTheCallNamed() throws ReflectiveOperationException {
    MethodHandle target = affine();
    IllegalArgumentException wrongType =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ProgramGen.Call.of(
                    "scale",
                    target,
                    new ProgramGen.Buffer(0),
                    new ProgramGen.Buffer(1),
                    new ProgramGen.IntValue(2),
                    new ProgramGen.IntValue(1)));
    assertEquals(
        "call 'scale': argument 2 is IntValue[value=2] (int) but the target takes float",
        wrongType.getMessage());
    IllegalArgumentException count =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProgramGen.Call.of("scale", target, new ProgramGen.Buffer(0)));
    assertTrue(count.getMessage().startsWith("call 'scale': target"), count.getMessage());
    GeneratedCode program =
        new ProgramGen()
            .generate(
                "tiny",
                List.of(
                    ProgramGen.Call.of(
                        "a",
                        target,
                        new ProgramGen.Buffer(0),
                        new ProgramGen.Buffer(3),
                        new ProgramGen.FloatValue(1f),
                        new ProgramGen.IntValue(0))));
    IllegalArgumentException slots =
        assertThrows(IllegalArgumentException.class, () -> run(program, new float[2][1]));
    assertEquals("program tiny: needs 4 buffer slots, got 2", slots.getMessage());
  }
}
