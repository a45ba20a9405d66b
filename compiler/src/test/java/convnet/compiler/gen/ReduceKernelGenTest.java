package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import convnet.autodiff.ScalarOp;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReduceKernelGenTest {
  /**
   * Float32 tolerance of a reduction, relative to the sum of the magnitudes of its terms: each term
   * carries the elementwise error (see {@link ElementwiseKernelGenTest#TOLERANCE}) and the float
   * sum adds at most (terms) ulps of that magnitude in any order; terms here are at most ~20000,
   * and 2e-4·Σ|v| + 1e-5 bounds both while a missing or doubled term exceeds it.
   */
  static final double TOLERANCE = 2e-4;

  static final float SENTINEL = 12345f;

  static Stream<Arguments> seedsAndPaths() {
    return LongStream.range(0, 120)
        .boxed()
        .flatMap(seed -> Stream.of(Arguments.of(seed, true), Arguments.of(seed, false)));
  }

  static void run(GeneratedCode code, float[][] buffers, int from, int to, int offset) {
    MethodHandle run = code.method("run");
    try {
      run.invokeExact(buffers, from, to, offset);
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "seed {0}, vector {1}")
  @MethodSource("seedsAndPaths")
  void matchesInterpreterOnRandomKernels(long seed, boolean vector) {
    RandomKernels random = new RandomKernels(seed, 6000);
    Dims shape = random.shape;
    List<Integer> axes = new ArrayList<>();
    for (int axis = 0; axis < shape.rank(); axis++) {
      if (random.random.nextBoolean()) {
        axes.add(axis);
      }
    }
    if (axes.isEmpty()) {
      axes.add(random.random.nextInt(shape.rank()));
    }
    int count = 1 + random.random.nextInt(2);
    List<Expr> roots = random.roots(count);
    List<ReduceKernel.Reduction> reductions = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      ReduceKernel.Combine combine =
          random.random.nextInt(3) == 0 ? ReduceKernel.Combine.MAX : ReduceKernel.Combine.SUM;
      reductions.add(new ReduceKernel.Reduction(random.inputCount + r, combine, roots.get(r)));
    }
    ReduceKernel kernel = new ReduceKernel("random" + seed, shape, axes, reductions);
    GeneratedCode code = Verification.verified(new ReduceKernelGen(vector).generate(kernel));
    int keptCount = kernel.keptShape().elementCount();
    int offset = random.random.nextInt(3);
    float[][] buffers = random.buffers(count, offset + keptCount + 2);
    int size0 = shape.size(0);
    int from = random.random.nextInt(size0 + 1);
    int to = from + random.random.nextInt(size0 - from + 1);
    if (random.random.nextBoolean()) {
      from = 0;
      to = size0;
    }
    double[][][] expected = KernelInterpreter.reduce(kernel, buffers, from, to);
    run(code, buffers, from, to, offset);
    String where =
        "seed "
            + seed
            + " vector "
            + vector
            + " shape "
            + shape
            + " axes "
            + axes
            + " range ["
            + from
            + ","
            + to
            + ") offset "
            + offset;
    boolean axis0Kept = !kernel.isReduced(0);
    int perRow = keptCount / (axis0Kept ? size0 : 1);
    for (int r = 0; r < count; r++) {
      float[] out = buffers[random.inputCount + r];
      for (int i = 0; i < out.length; i++) {
        int k = i - offset;
        boolean written =
            k >= 0 && k < keptCount && (!axis0Kept || (k / perRow >= from && k / perRow < to));
        if (!written) {
          assertEquals(
              SENTINEL,
              out[i],
              where + " reduction " + r + ": element " + i + " must stay untouched");
          continue;
        }
        double want = expected[r][k][0];
        double bound = TOLERANCE * expected[r][k][1] + 1e-5;
        if (reductions.get(r).combine() == ReduceKernel.Combine.MAX) {
          bound = TOLERANCE * (1 + Math.abs(want));
        }
        boolean same =
            Double.isNaN(want)
                ? Float.isNaN(out[i])
                : (want == out[i] || Math.abs(want - out[i]) <= bound);
        if (!same) {
          fail(
              where
                  + " reduction "
                  + r
                  + " ("
                  + reductions.get(r).combine()
                  + ") kept index "
                  + k
                  + ": expected "
                  + want
                  + " but was "
                  + out[i]
                  + " (bound "
                  + bound
                  + ") kernel "
                  + kernel);
        }
      }
    }
  }

  /** Bias and gain gradients of a CSG layer: Σ over N,H,W of dy and of dy·t, per channel. */
  @ParameterizedTest(name = "vector {0}")
  @ValueSource(booleans = {true, false})
  void biasAndGainGradients(boolean vector) {
    int n = 5;
    int c = 3;
    int hw = 50;
    Dims shape = Dims.of(n, c, hw);
    Expr dy = Expr.load(0, shape);
    Expr t = Expr.load(1, shape);
    ReduceKernel kernel =
        new ReduceKernel(
            "biasGain",
            shape,
            List.of(0, 2),
            List.of(
                new ReduceKernel.Reduction(2, ReduceKernel.Combine.SUM, dy),
                new ReduceKernel.Reduction(
                    3, ReduceKernel.Combine.SUM, Expr.apply(ScalarOp.MUL, dy, t))));
    GeneratedCode code = Verification.verified(new ReduceKernelGen(vector).generate(kernel));
    Random random = new Random(3);
    float[][] buffers = {new float[n * c * hw], new float[n * c * hw], new float[c], new float[c]};
    for (int i = 0; i < n * c * hw; i++) {
      buffers[0][i] = random.nextInt(9) - 4;
      buffers[1][i] = random.nextInt(5) - 2;
    }
    run(code, buffers, 0, n, 0);
    for (int channel = 0; channel < c; channel++) {
      float bias = 0;
      float gain = 0;
      for (int sample = 0; sample < n; sample++) {
        for (int p = 0; p < hw; p++) {
          int i = (sample * c + channel) * hw + p;
          bias += buffers[0][i];
          gain += buffers[0][i] * buffers[1][i];
        }
      }
      // Integer-valued terms: every summation order is exact.
      assertEquals(
          bias, buffers[2][channel], "bias gradient, channel " + channel + ", vector " + vector);
      assertEquals(
          gain, buffers[3][channel], "gain gradient, channel " + channel + ", vector " + vector);
    }
  }

  /** Partial sums over chunks of the batch into separate offsets add up to the whole sum. */
  @ParameterizedTest(name = "vector {0}")
  @ValueSource(booleans = {true, false})
  void batchChunksGoToTheirOwnPartialBuffers(boolean vector) {
    Dims shape = Dims.of(6, 20);
    ReduceKernel kernel =
        new ReduceKernel(
            "denseBias",
            shape,
            List.of(0),
            List.of(new ReduceKernel.Reduction(1, ReduceKernel.Combine.SUM, Expr.load(0, shape))));
    GeneratedCode code = Verification.verified(new ReduceKernelGen(vector).generate(kernel));
    float[][] buffers = {new float[120], new float[40]};
    for (int i = 0; i < 120; i++) {
      buffers[0][i] = i;
    }
    run(code, buffers, 0, 4, 0);
    run(code, buffers, 4, 6, 20);
    for (int column = 0; column < 20; column++) {
      float first = 0;
      float second = 0;
      for (int row = 0; row < 6; row++) {
        if (row < 4) {
          first += buffers[0][row * 20 + column];
        } else {
          second += buffers[0][row * 20 + column];
        }
      }
      assertEquals(first, buffers[1][column], "chunk [0,4) column " + column);
      assertEquals(second, buffers[1][20 + column], "chunk [4,6) column " + column);
    }
  }

  /**
   * Log-sum-exp over classes as two kernels: a max, then Σ exp(x − max) reading the max broadcast.
   */
  @ParameterizedTest(name = "vector {0}")
  @ValueSource(booleans = {true, false})
  void logSumExpInTwoPasses(boolean vector) {
    int n = 4;
    int k = 37;
    Dims shape = Dims.of(n, k);
    Expr x = Expr.load(0, shape);
    ReduceKernel max =
        new ReduceKernel(
            "rowMax",
            shape,
            List.of(1),
            List.of(new ReduceKernel.Reduction(1, ReduceKernel.Combine.MAX, x)));
    ReduceKernel sum =
        new ReduceKernel(
            "rowSumExp",
            shape,
            List.of(1),
            List.of(
                new ReduceKernel.Reduction(
                    2,
                    ReduceKernel.Combine.SUM,
                    Expr.apply(
                        ScalarOp.EXP, Expr.apply(ScalarOp.SUB, x, Expr.load(1, Dims.of(n, 1)))))));
    GeneratedCode maxCode = Verification.verified(new ReduceKernelGen(vector).generate(max));
    GeneratedCode sumCode = Verification.verified(new ReduceKernelGen(vector).generate(sum));
    float[][] buffers = {new float[n * k], new float[n], new float[n]};
    Random random = new Random(11);
    for (int i = 0; i < n * k; i++) {
      buffers[0][i] = (float) (random.nextGaussian() * 30);
    }
    run(maxCode, buffers, 0, n, 0);
    run(sumCode, buffers, 0, n, 0);
    for (int row = 0; row < n; row++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        m = Math.max(m, buffers[0][row * k + c]);
      }
      double s = 0;
      for (int c = 0; c < k; c++) {
        s += Math.exp(buffers[0][row * k + c] - m);
      }
      assertEquals(m, buffers[1][row], 0, "max of row " + row);
      assertEquals(s, buffers[2][row], 1e-5 * s, "sum of exp of row " + row);
    }
  }

  @Test
  void descriptionsRejectBadAxesAndOutputs() {
    Dims shape = Dims.of(2, 3);
    IllegalArgumentException axis =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ReduceKernel(
                    "r",
                    shape,
                    List.of(2),
                    List.of(
                        new ReduceKernel.Reduction(
                            1, ReduceKernel.Combine.SUM, Expr.load(0, shape)))));
    assertEquals("reduce kernel r: axis 2 is outside [2,3]", axis.getMessage());
    IllegalArgumentException reads =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ReduceKernel(
                    "r",
                    shape,
                    List.of(1),
                    List.of(
                        new ReduceKernel.Reduction(
                            0, ReduceKernel.Combine.SUM, Expr.load(0, shape)))));
    assertEquals("reduce kernel r reads its output slot 0", reads.getMessage());
    GeneratedCode code =
        new ReduceKernelGen(false)
            .generate(
                new ReduceKernel(
                    "r",
                    shape,
                    List.of(1),
                    List.of(
                        new ReduceKernel.Reduction(
                            1, ReduceKernel.Combine.SUM, Expr.load(0, shape)))));
    IllegalArgumentException small =
        assertThrows(
            IllegalArgumentException.class,
            () -> run(code, new float[][] {new float[6], new float[2]}, 0, 2, 1));
    assertEquals("kernel r: buffer slot 1 has 2 floats, needs at least 3", small.getMessage());
  }
}
