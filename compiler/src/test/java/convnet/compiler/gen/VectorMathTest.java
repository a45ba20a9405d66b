package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import convnet.autodiff.ScalarOp;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VectorMath's exp, log, sigmoid and tanh against FastMath's scalar forms (bitwise), against the
 * IEEE special cases, and cold (bytecode interpreter) against warm (JIT-compiled).
 */
class VectorMathTest {
  private static final int LANES = FloatVector.SPECIES_PREFERRED.length();

  /** Boundaries where the functions change regime, and their neighbours are tested. */
  private static final float[] EDGES = {
    88.72283f, // ln(MAX_VALUE): exp overflows above
    -87.33654f, // ln(MIN_NORMAL): exp turns subnormal below
    -103.27893f, // ln(MIN_VALUE)
    -103.97208f, // exp rounds to 0 below
    Float.MIN_NORMAL, // log of subnormals is scaled first
    0x1p-12f, // tanh is x below
    7.9053111f, // tanh's clamp
    0.70710677f, // √½, where log's mantissa range starts
    1.4142135f,
    1f,
    0.34657359f, // ln2 / 2, the edge of exp's reduced range
  };

  /**
   * Seeded inputs, a multiple of the lane count: random bit patterns (every exponent, subnormals,
   * NaNs), values spread over the functions' ranges, the regime boundaries and a few ulps either
   * side, and ±0, ±∞, ±MIN_VALUE, ±MAX_VALUE and NaNs of several payloads.
   */
  static float[] inputs(long seed, int count) {
    if (count % LANES != 0) {
      throw new IllegalArgumentException(count + " inputs are not a multiple of " + LANES);
    }
    Random random = new Random(seed);
    List<Float> special = new ArrayList<>();
    for (float v :
        new float[] {
          0f,
          -0f,
          Float.POSITIVE_INFINITY,
          Float.NEGATIVE_INFINITY,
          Float.MIN_VALUE,
          -Float.MIN_VALUE,
          Float.MAX_VALUE,
          -Float.MAX_VALUE,
          Float.NaN,
          Float.intBitsToFloat(0x7f800001),
          Float.intBitsToFloat(0xffc00001),
          Float.intBitsToFloat(0x7fffffff)
        }) {
      special.add(v);
    }
    for (float edge : EDGES) {
      for (int ulps = -3; ulps <= 3; ulps++) {
        float v = Float.intBitsToFloat(Float.floatToIntBits(edge) + ulps);
        special.add(v);
        special.add(-v);
      }
    }
    float[] inputs = new float[count];
    for (int i = 0; i < count; i++) {
      int kind = random.nextInt(5);
      if (kind == 0 && !special.isEmpty()) {
        inputs[i] = special.remove(random.nextInt(special.size()));
      } else if (kind == 1) {
        inputs[i] = Float.intBitsToFloat(random.nextInt());
      } else if (kind == 2) {
        inputs[i] = -110f + 205f * random.nextFloat();
      } else if (kind == 3) {
        inputs[i] = (float) (3 * random.nextGaussian());
      } else {
        inputs[i] =
            (float)
                (Math.signum(random.nextGaussian())
                    * Math.pow(2, -140 + random.nextInt(150) + random.nextDouble()));
      }
    }
    return inputs;
  }

  private static float scalar(ScalarOp function, float x) {
    return switch (function) {
      case EXP -> FastMath.exp(x);
      case LOG -> FastMath.log(x);
      case SIGMOID -> FastMath.sigmoid(x);
      case TANH -> FastMath.tanh(x);
      default -> throw new IllegalArgumentException(function.toString());
    };
  }

  private static void assertSameBits(
      float[] inputs, float[] expected, float[] actual, String what) {
    for (int i = 0; i < inputs.length; i++) {
      if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
        fail(
            what
                + " at x = "
                + inputs[i]
                + " ("
                + Float.toHexString(inputs[i])
                + "): expected "
                + expected[i]
                + ", got "
                + actual[i]);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void vectorAndScalarFormsGiveTheSameBits(long seed) throws Throwable {
    float[] inputs = inputs(seed, 1 << 15);
    for (ScalarOp function : List.of(ScalarOp.EXP, ScalarOp.LOG, ScalarOp.SIGMOID, ScalarOp.TANH)) {
      float[] expected = new float[inputs.length];
      for (int i = 0; i < inputs.length; i++) {
        expected[i] = scalar(function, inputs[i]);
      }
      String what = "seed " + seed + ", " + function;
      assertSameBits(
          inputs, expected, VectorMathProbe.lanes(function, inputs), what + ", VectorMath");
      float[] rows = java.util.Arrays.copyOf(inputs, 48 * 67);
      float[] rowsExpected = java.util.Arrays.copyOf(expected, rows.length);
      assertSameBits(
          rows,
          rowsExpected,
          VectorMathProbe.kernel(function, rows, true),
          what + ", vector kernel (lanes and tail)");
      assertSameBits(
          rows,
          rowsExpected,
          VectorMathProbe.kernel(function, rows, false),
          what + ", scalar kernel");
    }
  }

  private static void assertBits(float expected, float actual, String what) {
    assertEquals(
        Float.floatToIntBits(expected),
        Float.floatToIntBits(actual),
        what + ": expected " + expected + ", got " + actual);
  }

  /** f(x) = y by FastMath, and by VectorMath in every lane. */
  private static void assertValue(ScalarOp function, float x, float y) {
    String what = function + "(" + x + ")";
    assertBits(y, scalar(function, x), what + " scalar");
    float[] lanes = new float[LANES];
    java.util.Arrays.fill(lanes, x);
    for (float v : VectorMathProbe.lanes(function, lanes)) {
      assertBits(y, v, what + " vector");
    }
  }

  @Test
  void specialValues() {
    assertValue(ScalarOp.EXP, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY);
    assertValue(ScalarOp.EXP, Float.NEGATIVE_INFINITY, 0f);
    assertValue(ScalarOp.EXP, Float.NaN, Float.NaN);
    assertValue(ScalarOp.EXP, 0f, 1f);
    assertValue(ScalarOp.EXP, -0f, 1f);
    assertValue(ScalarOp.EXP, 88.72283f, (float) Math.exp(88.72283f));
    assertValue(ScalarOp.EXP, 88.72284f, Float.POSITIVE_INFINITY);
    assertValue(ScalarOp.EXP, 1000f, Float.POSITIVE_INFINITY);
    // e^x = 2^-150, half the smallest subnormal, at x = −150·ln2 ≈ −103.972077.
    assertValue(ScalarOp.EXP, -103.97f, Float.MIN_VALUE);
    assertValue(ScalarOp.EXP, -103.9721f, 0f);
    assertValue(ScalarOp.EXP, -1000f, 0f);
    // Subnormal results are rounded once: e^-100 ≈ 3.72e-44, 26.5 × 2^-149.
    assertValue(ScalarOp.EXP, -100f, (float) Math.exp(-100));

    assertValue(ScalarOp.LOG, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY);
    assertValue(ScalarOp.LOG, 0f, Float.NEGATIVE_INFINITY);
    assertValue(ScalarOp.LOG, -0f, Float.NEGATIVE_INFINITY);
    assertValue(ScalarOp.LOG, -1f, Float.NaN);
    assertValue(ScalarOp.LOG, Float.NEGATIVE_INFINITY, Float.NaN);
    assertValue(ScalarOp.LOG, -Float.MIN_VALUE, Float.NaN);
    assertValue(ScalarOp.LOG, Float.NaN, Float.NaN);
    assertValue(ScalarOp.LOG, 1f, 0f);
    assertValue(ScalarOp.LOG, Float.MIN_VALUE, (float) Math.log(Float.MIN_VALUE));
    assertValue(ScalarOp.LOG, Float.MAX_VALUE, (float) Math.log(Float.MAX_VALUE));
    assertValue(ScalarOp.LOG, 2f, (float) Math.log(2));

    assertValue(ScalarOp.SIGMOID, Float.POSITIVE_INFINITY, 1f);
    assertValue(ScalarOp.SIGMOID, Float.NEGATIVE_INFINITY, 0f);
    assertValue(ScalarOp.SIGMOID, Float.NaN, Float.NaN);
    assertValue(ScalarOp.SIGMOID, 0f, 0.5f);
    assertValue(ScalarOp.SIGMOID, 100f, 1f);
    // Far below 0 the result is e^x, subnormal, not 0 (1 / (1 + e^-x) would overflow to 0).
    assertValue(ScalarOp.SIGMOID, -100f, (float) Math.exp(-100));
    assertValue(ScalarOp.SIGMOID, -200f, 0f);

    assertValue(ScalarOp.TANH, Float.POSITIVE_INFINITY, 1f);
    assertValue(ScalarOp.TANH, Float.NEGATIVE_INFINITY, -1f);
    assertValue(ScalarOp.TANH, Float.NaN, Float.NaN);
    assertValue(ScalarOp.TANH, -0f, -0f);
    // Near the smallest normal floats tanh(x) = x·(P/Q) stays within an ulp of x (x·P would
    // underflow first).
    for (float x : new float[] {1e-30f, Float.MIN_NORMAL, 3e-38f, 1e-37f, 0x1p-12f}) {
      for (float signed : new float[] {x, -x}) {
        float y = FastMath.tanh(signed);
        assertTrue(Math.abs(y - signed) <= Math.ulp(signed), "tanh(" + signed + ") = " + y);
        assertValue(ScalarOp.TANH, signed, y);
      }
    }
    assertValue(ScalarOp.TANH, -Float.MIN_VALUE, -Float.MIN_VALUE);
    assertValue(ScalarOp.TANH, 30f, 1f);
  }

  /**
   * Cold: a JVM without the JIT ({@code -Xint}) computes every function through VectorMath,
   * FastMath, and vector and scalar kernels; warm: this JVM computes the same after running it all
   * until the JIT has compiled it. The bits must agree entry by entry.
   */
  @Test
  void interpretedAndJitCompiledRunsGiveTheSameBits(@TempDir Path dir) throws Throwable {
    long seed = 11;
    Path out = dir.resolve("cold.bin");
    Path err = dir.resolve("err.txt");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xint",
                    "--add-modules",
                    "jdk.incubator.vector",
                    "-cp",
                    System.getProperty("java.class.path"),
                    VectorMathProbe.class.getName(),
                    out.toString(),
                    Long.toString(seed)))
            .redirectErrorStream(true)
            .redirectOutput(err.toFile())
            .start();
    List<int[]> first = VectorMathProbe.compute(seed);
    for (int warm = 0; warm < 400; warm++) {
      VectorMathProbe.compute(seed);
    }
    List<int[]> warm = VectorMathProbe.compute(seed);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the -Xint probe did not finish");
    assertEquals(
        0,
        p.exitValue(),
        "the -Xint probe failed:\n" + Files.readString(err, StandardCharsets.UTF_8));
    List<int[]> cold = read(out);
    assertEquals(warm.size(), cold.size(), "entries");
    float[] inputs = inputs(seed, warm.get(0).length);
    for (int e = 0; e < warm.size(); e++) {
      for (int i = 0; i < inputs.length; i++) {
        String where =
            VectorMathProbe.describe(e)
                + " at x = "
                + inputs[i]
                + " ("
                + Float.toHexString(inputs[i])
                + ")";
        assertEquals(cold.get(e)[i], warm.get(e)[i], where + ": interpreted vs JIT-compiled bits");
        assertEquals(first.get(e)[i], warm.get(e)[i], where + ": first run vs warm bits");
      }
    }
  }

  private static List<int[]> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        DataInputStream data = new DataInputStream(in)) {
      int entries = data.readInt();
      List<int[]> result = new ArrayList<>();
      for (int e = 0; e < entries; e++) {
        int[] bits = new int[data.readInt()];
        for (int i = 0; i < bits.length; i++) {
          bits[i] = data.readInt();
        }
        result.add(bits);
      }
      return result;
    }
  }
}
