package convnet.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.DType;
import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole training steps of conv nets with every layer kind, compiled vs the interpreter (float64 and
 * float32 oracles): outputs, loss and every new/ output over several steps, each step fed the
 * previous step's new values.
 */
class TrainingStepDifferentialTest {
  private static final int STEPS = 3;

  static Stream<Arguments> nets() {
    Map<String, BiFunction<Long, Integer, Nets.Net>> nets = new LinkedHashMap<>();
    nets.put("jarrett", Nets::jarrett);
    nets.put("vggLike", Nets::vggLike);
    nets.put("frozenStrided", Nets::frozenStrided);
    Stream.Builder<Arguments> args = Stream.builder();
    nets.forEach(
        (name, make) -> {
          for (long seed = 0; seed < 2; seed++) {
            for (boolean inPlace : new boolean[] {false, true}) {
              args.add(Arguments.of(name, make, seed, inPlace));
            }
          }
        });
    return args.build();
  }

  @ParameterizedTest(name = "{0} seed {2} in place {3}")
  @MethodSource("nets")
  void compiledStepsMatchTheInterpreter(
      String name, BiFunction<Long, Integer, Nets.Net> make, long seed, boolean inPlace) {
    Nets.Net net = make.apply(seed, 3);
    Function step = net.trainingStep(name, net.logits);
    CompiledFunction compiled =
        Verification.verified(
            Compiler.compile(step, CompileOptions.defaults().withInPlaceUpdates(inPlace)));
    Executable f64 = Interpreter.compile(step, DType.F64);
    Executable f32 = Interpreter.compile(step, DType.F32);
    Map<String, Tensor> values = new LinkedHashMap<>(net.values);
    for (int s = 0; s < STEPS; s++) {
      Map<String, Tensor> want = f64.run(values);
      Map<String, Tensor> got = compiled.run(values);
      String context = name + " seed " + seed + " in place " + inPlace + " step " + s;
      Close.assertAllClose(want, got, context + " vs float64");
      Close.assertAllClose(f32.run(values), got, context + " vs float32");
      // Feed the reference's new values back, so each step checks the compiled code on the same
      // inputs.
      for (String out : want.keySet()) {
        if (out.startsWith("new/")) {
          values.put(out.substring(4), want.get(out));
        }
      }
    }
    if (inPlace) {
      for (String out : compiled.outputNames()) {
        if (out.startsWith("new/")) {
          assertSame(
              compiled.buffer(out.substring(4)),
              compiled.buffer(out),
              context(name, seed) + ": " + out + " is written in place");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} seed {2} in place {3}")
  @MethodSource("nets")
  void lowLevelStepsAreDeterministicAndFeedBackInPlace(
      String name, BiFunction<Long, Integer, Nets.Net> make, long seed, boolean inPlace) {
    Nets.Net net = make.apply(seed, 4);
    Function step = net.trainingStep(name, net.logits);
    CompiledFunction first =
        Compiler.compile(step, CompileOptions.defaults().withInPlaceUpdates(inPlace));
    CompiledFunction second =
        Compiler.compile(step, CompileOptions.defaults().withInPlaceUpdates(inPlace));
    for (CompiledFunction f : new CompiledFunction[] {first, second}) {
      for (String key : f.inputNames()) {
        fill(f, key, net.values.get(key));
      }
      for (String key : f.paramNames()) {
        fill(f, key, net.values.get(key));
      }
    }
    for (int s = 0; s < STEPS; s++) {
      first.run();
      second.run();
      for (String out : first.outputNames()) {
        assertArrayEquals(
            first.buffer(out),
            second.buffer(out),
            context(name, seed)
                + " step "
                + s
                + ": "
                + out
                + " is bitwise the same in two compilations");
      }
      if (!inPlace) {
        for (CompiledFunction f : new CompiledFunction[] {first, second}) {
          for (String out : f.outputNames()) {
            if (out.startsWith("new/")) {
              String param = out.substring(4);
              System.arraycopy(f.buffer(out), 0, f.buffer(param), 0, f.shape(param).size());
            }
          }
        }
      }
    }
    float loss = first.buffer("loss")[0];
    assertTrue(Float.isFinite(loss) && loss > 0, context(name, seed) + ": loss " + loss);
    assertEquals(
        first.explain(), second.explain(), context(name, seed) + ": explain is deterministic");
  }

  /**
   * The same inputs give the same bits on the first run, in the interpreter or the first JIT tier,
   * and after the JIT has compiled every kernel (a regression: vector tanh gave other roundings
   * once compiled).
   */
  @org.junit.jupiter.api.Test
  void resultsDoNotChangeAsTheJitWarmsUp() {
    Nets.Net net = Nets.jarrett(5, 16);
    Function step = net.trainingStep("warm", net.logits);
    CompiledFunction f = Compiler.compile(step, CompileOptions.defaults());
    Map<String, Tensor> first = f.run(net.values);
    for (int i = 0; i < 300; i++) {
      f.run();
    }
    Map<String, Tensor> warm = f.run(net.values);
    for (String out : first.keySet()) {
      assertArrayEquals(first.get(out).toArray(), warm.get(out).toArray(), out + " after 300 runs");
    }
  }

  private static void fill(CompiledFunction f, String key, Tensor value) {
    float[] target = f.buffer(key);
    for (int i = 0; i < value.size(); i++) {
      target[i] = (float) value.get(i);
    }
  }

  private static String context(String name, long seed) {
    return name + " seed " + seed;
  }
}
