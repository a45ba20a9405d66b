package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import convnet.autodiff.ScalarOp;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Generated kernels hold no state, so two threads can each run a range of the batch at once. */
class ThreadSplitTest {

  @Test
  void batchHalvesOnTwoThreadsEqualOneCall() throws Throwable {
    Dims shape = Dims.of(8, 3, 50);
    Expr x = Expr.load(0, shape);
    Expr y = Expr.apply(ScalarOp.TANH, Expr.apply(ScalarOp.ADD, x, Expr.load(1, Dims.of(3, 1))));
    MethodHandle forward =
        new ElementwiseKernelGen()
            .generate(
                new ElementwiseKernel("split", shape, List.of(new ElementwiseKernel.Output(2, y))))
            .method("run");
    MethodHandle biasGrad =
        new ReduceKernelGen()
            .generate(
                new ReduceKernel(
                    "splitGrad",
                    shape,
                    List.of(0, 2),
                    List.of(
                        new ReduceKernel.Reduction(
                            3, ReduceKernel.Combine.SUM, Expr.load(2, shape)))))
            .method("run");
    float[][] single = {new float[1200], new float[3], new float[1200], new float[3]};
    for (int i = 0; i < 1200; i++) {
      single[0][i] = (i % 17 - 8) / 4f;
    }
    single[1] = new float[] {0.5f, -0.25f, 1f};
    float[][] split = RandomKernels.copy(single);
    split[3] = new float[6];
    forward.invokeExact(single, 0, 8);
    biasGrad.invokeExact(single, 0, 8, 0);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> first = pool.submit(() -> call(forward, biasGrad, split, 0, 4, 0));
      Future<?> second = pool.submit(() -> call(forward, biasGrad, split, 4, 8, 3));
      first.get();
      second.get();
    } finally {
      pool.shutdown();
    }
    assertArrayEquals(single[2], split[2], "forward values from two threads");
    float[] combined = new float[3];
    for (int c = 0; c < 3; c++) {
      // A fixed order of combining the partial sums keeps the result reproducible.
      combined[c] = split[3][c] + split[3][3 + c];
    }
    assertArrayEquals(single[3], combined, 1e-4f, "bias gradient from two partial buffers");
  }

  private static Void call(
      MethodHandle forward,
      MethodHandle biasGrad,
      float[][] buffers,
      int from,
      int to,
      int offset) {
    try {
      forward.invokeExact(buffers, from, to);
      biasGrad.invokeExact(buffers, from, to, offset);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
    return null;
  }
}
