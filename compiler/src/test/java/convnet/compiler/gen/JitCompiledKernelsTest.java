package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.autodiff.ScalarOp;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The differential tests mostly run generated code in the bytecode interpreter, where the Vector
 * API uses its Java fallbacks; these run kernels until the JIT has compiled them (intrinsics such
 * as the vector math library take over) and compare again.
 */
class JitCompiledKernelsTest {
  private static final int WARM_CALLS = 20_000;

  @ParameterizedTest(name = "seed {0}, vector {1}")
  @CsvSource({"3, true", "17, true", "29, true", "41, true", "3, false", "17, false"})
  void elementwiseKernelsAgreeAfterCompilation(long seed, boolean vector) throws Throwable {
    RandomKernels random = new RandomKernels(seed, 300);
    List<Expr> roots = random.roots(2);
    List<ElementwiseKernel.Output> outputs = new ArrayList<>();
    for (int o = 0; o < roots.size(); o++) {
      outputs.add(new ElementwiseKernel.Output(random.inputCount + o, roots.get(o)));
    }
    ElementwiseKernel kernel = new ElementwiseKernel("jit" + seed, random.shape, outputs);
    MethodHandle run = new ElementwiseKernelGen(vector).generate(kernel).method("run");
    float[][] buffers = random.buffers(outputs.size(), random.shape.elementCount());
    float[][] expected = RandomKernels.copy(buffers);
    KernelInterpreter.runElementwise(kernel, expected, 0, random.shape.size(0));
    for (int call = 0; call < WARM_CALLS; call++) {
      run.invokeExact(buffers, 0, random.shape.size(0));
    }
    for (int slot = random.inputCount; slot < buffers.length; slot++) {
      for (int i = 0; i < buffers[slot].length; i++) {
        ElementwiseKernelGenTest.assertClose(
            expected[slot][i],
            buffers[slot][i],
            "seed "
                + seed
                + " vector "
                + vector
                + " compiled, slot "
                + slot
                + " element "
                + i
                + " kernel "
                + kernel);
      }
    }
  }

  @ParameterizedTest(name = "vector {0}")
  @CsvSource({"true", "false"})
  void reduceKernelsAgreeAfterCompilation(boolean vector) throws Throwable {
    Dims shape = Dims.of(3, 5, 37);
    Expr x = Expr.load(0, shape);
    ReduceKernel kernel =
        new ReduceKernel(
            "jitReduce",
            shape,
            List.of(0, 2),
            List.of(
                new ReduceKernel.Reduction(
                    1, ReduceKernel.Combine.SUM, Expr.apply(ScalarOp.TANH, x)),
                new ReduceKernel.Reduction(
                    2, ReduceKernel.Combine.MAX, Expr.apply(ScalarOp.EXP, x))));
    MethodHandle run = new ReduceKernelGen(vector).generate(kernel).method("run");
    float[][] buffers = {new float[shape.elementCount()], new float[5], new float[5]};
    for (int i = 0; i < buffers[0].length; i++) {
      buffers[0][i] = (i % 23 - 11) / 5f;
    }
    double[][][] expected = KernelInterpreter.reduce(kernel, buffers, 0, 3);
    for (int call = 0; call < WARM_CALLS; call++) {
      run.invokeExact(buffers, 0, 3, 0);
    }
    for (int c = 0; c < 5; c++) {
      assertEquals(
          expected[0][c][0],
          buffers[1][c],
          ReduceKernelGenTest.TOLERANCE * expected[0][c][1],
          "sum, channel " + c);
      assertEquals(
          expected[1][c][0],
          buffers[2][c],
          ReduceKernelGenTest.TOLERANCE * expected[1][c][0],
          "max, channel " + c);
    }
  }
}
