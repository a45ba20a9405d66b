package convnet.compiler.gen;

import convnet.autodiff.ScalarOp;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;

/**
 * The bits that exp, log, sigmoid, tanh and softplus give on {@link VectorMathTest#inputs}: through
 * {@link VectorMath} lane by lane, through {@link FastMath}, and through generated elementwise
 * kernels on the vector and on the scalar path. {@link VectorMathTest} runs it in its own JVM with
 * the JIT switched off ({@code -Xint}, every operation in the bytecode interpreter and the Vector
 * API's Java fallbacks) and again in the test JVM after warm-up, and compares the two.
 */
public final class VectorMathProbe {
  static final ScalarOp[] FUNCTIONS = {
    ScalarOp.EXP, ScalarOp.LOG, ScalarOp.SIGMOID, ScalarOp.TANH, ScalarOp.SOFTPLUS
  };
  // Rows of 67 elements: 4 vectors of 16 lanes (or 8 of 8) and a scalar tail of 3 per row; 48
  // rows, a multiple of the lane count.
  private static final int ROW = 67;

  private VectorMathProbe() {}

  /** Writes the results' bits for input seed {@code args[1]} to the file {@code args[0]}. */
  public static void main(String[] args) throws Throwable {
    List<int[]> results = compute(Long.parseLong(args[1]));
    try (OutputStream file = Files.newOutputStream(Path.of(args[0]));
        DataOutputStream out = new DataOutputStream(file)) {
      out.writeInt(results.size());
      for (int[] bits : results) {
        out.writeInt(bits.length);
        for (int b : bits) {
          out.writeInt(b);
        }
      }
    }
  }

  /** One entry per function and path, in a fixed order; see {@link #describe}. */
  static List<int[]> compute(long seed) throws Throwable {
    float[] inputs = VectorMathTest.inputs(seed, 48 * ROW);
    List<int[]> results = new ArrayList<>();
    for (ScalarOp function : FUNCTIONS) {
      if (function != ScalarOp.SOFTPLUS) {
        results.add(bits(lanes(function, inputs)));
      }
      results.add(bits(kernel(function, inputs, true)));
      results.add(bits(kernel(function, inputs, false)));
    }
    return results;
  }

  /** What entry {@code index} of {@link #compute} holds. */
  static String describe(int index) {
    int at = 0;
    for (ScalarOp function : FUNCTIONS) {
      for (String path : List.of("VectorMath", "vector kernel", "scalar kernel")) {
        if (function == ScalarOp.SOFTPLUS && path.equals("VectorMath")) {
          continue;
        }
        if (at++ == index) {
          return function + " " + path;
        }
      }
    }
    throw new IllegalArgumentException("no entry " + index);
  }

  static float[] lanes(ScalarOp function, float[] inputs) {
    int lanes = FloatVector.SPECIES_PREFERRED.length();
    float[] out = new float[inputs.length];
    for (int i = 0; i + lanes <= inputs.length; i += lanes) {
      FloatVector x = FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, inputs, i);
      FloatVector y =
          switch (function) {
            case EXP -> VectorMath.exp(x);
            case LOG -> VectorMath.log(x);
            case SIGMOID -> VectorMath.sigmoid(x);
            case TANH -> VectorMath.tanh(x);
            default -> throw new IllegalArgumentException(function.toString());
          };
      y.intoArray(out, i);
    }
    return out;
  }

  private static final java.util.Map<String, MethodHandle> KERNELS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** {@code function} of every input through a generated kernel over rows of {@link #ROW}. */
  static float[] kernel(ScalarOp function, float[] inputs, boolean vector) throws Throwable {
    Dims shape = Dims.of(inputs.length / ROW, ROW);
    MethodHandle run =
        KERNELS.computeIfAbsent(
            function + " " + vector + " " + shape,
            key ->
                new ElementwiseKernelGen(vector)
                    .generate(
                        new ElementwiseKernel(
                            "probe_" + function,
                            shape,
                            List.of(
                                new ElementwiseKernel.Output(
                                    1, Expr.apply(function, Expr.load(0, shape))))))
                    .method("run"));
    float[][] buffers = {inputs, new float[inputs.length]};
    run.invokeExact(buffers, 0, shape.size(0));
    return buffers[1];
  }

  /**
   * Raw bits, except that every NaN is the canonical NaN (payloads are not part of the contract).
   */
  static int[] bits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToIntBits(values[i]);
    }
    return bits;
  }
}
