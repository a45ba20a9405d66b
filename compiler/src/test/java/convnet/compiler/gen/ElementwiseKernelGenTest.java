package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import convnet.autodiff.ScalarOp;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ElementwiseKernelGenTest {
  /**
   * Float32 tolerance: the generated code and the interpreter round differently (exp, log, sigmoid
   * and tanh are the polynomial forms of VectorMath and FastMath, within 1 to 7 ulps), and a random
   * DAG chains up to ~20 operations on values of magnitude ≲ 100; a relative 2e-4 (≈ 1700 ulps)
   * covers that growth, while any wrong operation, operand or index gives errors of order 1.
   */
  static final float TOLERANCE = 2e-4f;

  static LongStream seeds() {
    return LongStream.range(0, 120);
  }

  static void run(GeneratedCode code, float[][] buffers, int from, int to) {
    MethodHandle run = code.method("run");
    try {
      run.invokeExact(buffers, from, to);
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
  }

  static void assertClose(float expected, float actual, String message) {
    if (Float.isNaN(expected) && Float.isNaN(actual)) {
      return;
    }
    if (expected == actual) {
      return;
    }
    float bound = TOLERANCE * (1 + Math.abs(expected));
    if (!(Math.abs(expected - actual) <= bound)) {
      fail(message + ": expected " + expected + " but was " + actual + " (bound " + bound + ")");
    }
  }

  @ParameterizedTest(name = "seed {0}, vector {1}")
  @MethodSource("seedsAndPaths")
  void matchesInterpreterOnRandomKernels(long seed, boolean vector) {
    RandomKernels random = new RandomKernels(seed, 6000);
    int outputCount = 1 + random.random.nextInt(3);
    List<ElementwiseKernel.Output> outputs = new ArrayList<>();
    List<Expr> roots = random.roots(outputCount);
    for (int o = 0; o < outputCount; o++) {
      outputs.add(new ElementwiseKernel.Output(random.inputCount + o, roots.get(o)));
    }
    ElementwiseKernel kernel = new ElementwiseKernel("random" + seed, random.shape, outputs);
    GeneratedCode code = Verification.verified(new ElementwiseKernelGen(vector).generate(kernel));
    float[][] buffers = random.buffers(outputCount, random.shape.elementCount());
    int size0 = random.shape.size(0);
    int from = random.random.nextInt(size0 + 1);
    int to = from + random.random.nextInt(size0 - from + 1);
    if (random.random.nextBoolean()) {
      from = 0;
      to = size0;
    }
    float[][] expected = RandomKernels.copy(buffers);
    KernelInterpreter.runElementwise(kernel, expected, from, to);
    run(code, buffers, from, to);
    for (int slot = 0; slot < buffers.length; slot++) {
      for (int i = 0; i < buffers[slot].length; i++) {
        assertClose(
            expected[slot][i],
            buffers[slot][i],
            "seed "
                + seed
                + " vector "
                + vector
                + " shape "
                + random.shape
                + " range ["
                + from
                + ","
                + to
                + ") slot "
                + slot
                + " element "
                + i
                + " kernel "
                + kernel);
      }
    }
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> seedsAndPaths() {
    return seeds()
        .boxed()
        .flatMap(
            seed ->
                java.util.stream.Stream.of(
                    org.junit.jupiter.params.provider.Arguments.of(seed, true),
                    org.junit.jupiter.params.provider.Arguments.of(seed, false)));
  }

  /** y = g·tanh(x + b) and the saved derivative g·(1 − tanh²), per-channel b and g over NCHW. */
  @ParameterizedTest(name = "vector {0}")
  @ValueSource(booleans = {true, false})
  void biasTanhGainWithSavedDerivative(boolean vector) {
    int n = 3;
    int c = 4;
    int hw = 37;
    Dims shape = Dims.of(n, c, hw, 1);
    Expr x = Expr.load(0, shape);
    Expr bias = Expr.load(1, Dims.of(c, 1, 1));
    Expr gain = Expr.load(2, Dims.of(1, c, 1, 1));
    Expr t = Expr.apply(ScalarOp.TANH, Expr.apply(ScalarOp.ADD, x, bias));
    Expr y = Expr.apply(ScalarOp.MUL, gain, t);
    Expr dy =
        Expr.apply(
            ScalarOp.MUL,
            gain,
            Expr.apply(ScalarOp.SUB, Expr.constant(1f), Expr.apply(ScalarOp.SQUARE, t)));
    ElementwiseKernel kernel =
        new ElementwiseKernel(
            "biasTanhGain",
            shape,
            List.of(new ElementwiseKernel.Output(3, y), new ElementwiseKernel.Output(4, dy)));
    GeneratedCode code = Verification.verified(new ElementwiseKernelGen(vector).generate(kernel));
    Random random = new Random(7);
    float[][] buffers = {
      new float[n * c * hw],
      new float[c],
      new float[c],
      new float[n * c * hw],
      new float[n * c * hw]
    };
    for (float[] buffer : List.of(buffers[0], buffers[1], buffers[2])) {
      for (int i = 0; i < buffer.length; i++) {
        buffer[i] = (float) random.nextGaussian();
      }
    }
    run(code, buffers, 0, n);
    for (int sample = 0; sample < n; sample++) {
      for (int channel = 0; channel < c; channel++) {
        for (int p = 0; p < hw; p++) {
          int i = (sample * c + channel) * hw + p;
          double tanh = Math.tanh(buffers[0][i] + buffers[1][channel]);
          String where = "vector " + vector + " at n=" + sample + " c=" + channel + " p=" + p;
          assertEquals(buffers[2][channel] * tanh, buffers[3][i], 1e-6, where);
          assertEquals(buffers[2][channel] * (1 - tanh * tanh), buffers[4][i], 1e-6, where);
        }
      }
    }
  }

  /** SGD with momentum in place: v ← μv − η·g, w ← w + v, both read before written. */
  @ParameterizedTest(name = "vector {0}")
  @ValueSource(booleans = {true, false})
  void momentumUpdateInPlace(boolean vector) {
    Dims shape = Dims.of(50);
    Expr w = Expr.load(0, shape);
    Expr g = Expr.load(1, shape);
    Expr v = Expr.load(2, shape);
    Expr newV =
        Expr.apply(
            ScalarOp.SUB,
            Expr.apply(ScalarOp.MUL, Expr.constant(0.9f), v),
            Expr.apply(ScalarOp.MUL, Expr.constant(0.01f), g));
    ElementwiseKernel kernel =
        new ElementwiseKernel(
            "sgd",
            shape,
            List.of(
                new ElementwiseKernel.Output(0, Expr.apply(ScalarOp.ADD, w, newV)),
                new ElementwiseKernel.Output(2, newV)));
    GeneratedCode code = Verification.verified(new ElementwiseKernelGen(vector).generate(kernel));
    float[][] buffers = new float[3][50];
    for (int i = 0; i < 50; i++) {
      buffers[0][i] = i;
      buffers[1][i] = 100 - i;
      buffers[2][i] = 0.5f * i;
    }
    float[][] expected = RandomKernels.copy(buffers);
    KernelInterpreter.runElementwise(kernel, expected, 0, 50);
    run(code, buffers, 0, 50);
    for (int i = 0; i < 50; i++) {
      assertEquals(expected[0][i], buffers[0][i], 1e-6f, "w at " + i);
      assertEquals(expected[2][i], buffers[2][i], 1e-6f, "v at " + i);
    }
    assertEquals(0 + 0.9f * 0 - 0.01f * 100, buffers[0][0], 1e-6f);
  }

  @Test
  void manyOutputsAreSplitIntoSeveralMethodsThatAllVerify() {
    Dims shape = Dims.of(4, 20);
    Expr x = Expr.load(0, shape);
    List<ElementwiseKernel.Output> outputs = new ArrayList<>();
    Expr value = x;
    for (int o = 0; o < 40; o++) {
      value = Expr.apply(ScalarOp.TANH, Expr.apply(ScalarOp.ADD, value, Expr.constant(o * 0.01f)));
      outputs.add(new ElementwiseKernel.Output(1 + o, value));
    }
    ElementwiseKernel kernel = new ElementwiseKernel("wide", shape, outputs);
    GeneratedCode code = Verification.verified(new ElementwiseKernelGen(true).generate(kernel));
    long parts =
        java.util.Arrays.stream(code.type().getDeclaredMethods())
            .filter(m -> m.getName().startsWith("part"))
            .count();
    assertTrue(parts >= 2, "expected the 40 outputs to be split, got " + parts + " part methods");
    float[][] buffers = new float[41][80];
    for (int i = 0; i < 80; i++) {
      buffers[0][i] = (i - 40) / 20f;
    }
    float[][] expected = RandomKernels.copy(buffers);
    KernelInterpreter.runElementwise(kernel, expected, 0, 4);
    run(code, buffers, 0, 4);
    for (int slot = 1; slot <= 40; slot++) {
      for (int i = 0; i < 80; i++) {
        assertClose(expected[slot][i], buffers[slot][i], "slot " + slot + " element " + i);
      }
    }
  }

  @Test
  void badBuffersAndRangesFailWithMessages() {
    Dims shape = Dims.of(2, 8);
    ElementwiseKernel kernel =
        new ElementwiseKernel(
            "neg",
            shape,
            List.of(
                new ElementwiseKernel.Output(1, Expr.apply(ScalarOp.NEG, Expr.load(0, shape)))));
    GeneratedCode code = new ElementwiseKernelGen(false).generate(kernel);
    IllegalArgumentException shortBuffer =
        assertThrows(
            IllegalArgumentException.class,
            () -> run(code, new float[][] {new float[16], new float[15]}, 0, 2));
    assertEquals(
        "kernel neg: buffer slot 1 has 15 floats, needs at least 16", shortBuffer.getMessage());
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () -> run(code, new float[][] {new float[16], new float[16]}, 1, 3));
    assertEquals("kernel neg: range [1, 3) is not inside axis 0 of size 2", range.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> run(code, new float[][] {new float[16]}, 0, 2));
    assertEquals(
        "kernel neg: needs buffer slot 1 but only 1 slots were given", missing.getMessage());
  }

  @Test
  void descriptionsRejectBadShapesAndAliasing() {
    Dims shape = Dims.of(2, 3);
    IllegalArgumentException broadcast =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ElementwiseKernel(
                    "k",
                    shape,
                    List.of(new ElementwiseKernel.Output(1, Expr.load(0, Dims.of(2))))));
    assertEquals(
        "kernel k, load of slot 0: shape [2] does not broadcast to [2,3]: axis 0 has size 2, expected 1 or 3",
        broadcast.getMessage());
    IllegalArgumentException alias =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ElementwiseKernel(
                    "k",
                    shape,
                    List.of(new ElementwiseKernel.Output(0, Expr.load(0, Dims.of(3))))));
    assertTrue(
        alias.getMessage().contains("writes slot 0 and reads it broadcast as [3]"),
        alias.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Dims.of(1, 1, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Expr.apply(ScalarOp.ADD, Expr.constant(1f)));
  }
}
