package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import convnet.autodiff.DType;
import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Tensor;
import convnet.compiler.CompileOptions;
import convnet.compiler.CompiledFunction;
import convnet.compiler.Compiler;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example network, compiled, against the float64 interpreter: the training step's output,
 * loss and every new/ output over consecutive steps (each fed the previous step's new values, in
 * place in the compiled function), and the gradient function's every grad/ output.
 *
 * <p>Tolerance: |compiled − reference| ≤ 2e-4·max|reference| + 1e-3·|reference| per tensor. Float32
 * sums of K terms err by up to about K·2⁻²⁴ of the summed magnitudes, in practice (blocked, chunked
 * sums) near √K·2⁻²⁴; the longest here (36450-term first-layer weight gradients of the 143×143
 * networks, a 4096-wide dense layer) stay below 10⁻⁴ of the tensor's scale, and elementwise chains
 * add a few ulps (far below 1e-3 relative). Values come from seed {@value #SEED}.
 *
 * <p>Kinks: abs, relu, max and the comparisons that route gradients are not differentiable where
 * their operands meet, so an operand within float32 rounding of the kink (|a − b| below 10⁻⁷ of the
 * operands' scale) can take the other branch in float32 than in float64, and the gradient then
 * legitimately differs by a whole term. The abs inputs of the 143×143 Jarrett networks come within
 * 10⁻⁸ of 0 at some steps. A step whose reference is that close to a kink checks output and loss
 * only, and says so on standard output.
 */
class CompiledExamplesTest {
  private static final double ABS_SCALE = 2e-4;
  private static final double RTOL = 1e-3;
  private static final long SEED = 11;

  static Stream<Path> examples() throws IOException {
    Path dir =
        Path.of(System.getProperty("basedir", "."))
            .toAbsolutePath()
            .normalize()
            .resolveSibling("examples");
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> files =
          s.filter(
                  p ->
                      p.toString().endsWith(".cnn")
                          && !p.toString().contains("/target/")
                          && !p.toString().contains("/sweeps/"))
              .sorted()
              .toList();
      assertTrue(files.size() >= 5, "examples found in " + dir + ": " + files);
      return files.stream();
    }
  }

  /**
   * Networks with tens of millions of parameters (AlexNet-sized): the reference evaluates only
   * output, loss and the new/ outputs of parameters under a million elements, as the float64
   * interpreter would otherwise hold several gigabytes of weight-sized tensors.
   */
  private static boolean large(NetworkModel model) {
    long params = model.parameters().stream().mapToLong(p -> p.shape().size()).sum();
    return params > 20_000_000L;
  }

  /**
   * Networks on images of more than 15,000 pixels run one image for one step: the interpreter needs
   * seconds.
   */
  private static boolean bigImages(NetworkModel model) {
    return model.inputShape(1).size() > 15_000;
  }

  private static Function referenceOutputs(Function train, boolean large) {
    if (!large) {
      return train;
    }
    Map<String, convnet.autodiff.Node> subset = new java.util.LinkedHashMap<>();
    train
        .outputs()
        .forEach(
            (name, node) -> {
              if (!name.startsWith(NetworkModel.NEW) || node.shape().size() < 1_000_000) {
                subset.put(name, node);
              }
            });
    return new Function(train.name(), convnet.autodiff.Graph.of(subset));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void trainingStepsMatchTheInterpreter(Path file) {
    NetworkModel model = NetworkModel.load(file, new PrintWriter(new StringWriter()));
    boolean large = large(model);
    int batch = large || bigImages(model) ? 1 : 2;
    int steps = large || bigImages(model) ? 1 : 2;
    Function train = CompileCommand.function(model, CompileCommand.Kind.train, batch);
    CompiledFunction compiled =
        Compiler.compile(train, CompileOptions.defaults().withInPlaceUpdates(true));
    Executable reference = Interpreter.compile(referenceOutputs(train, large), DType.F64);
    Map<String, Tensor> values = BenchCommand.values(model, train, batch, SEED);
    for (String name : compiled.inputNames()) {
      fill(compiled.buffer(name), values.get(name));
    }
    for (String name : compiled.paramNames()) {
      fill(compiled.buffer(name), values.get(name));
    }
    Function kinks = kinkOperands(train);
    for (int s = 0; s < steps; s++) {
      Map<String, Tensor> want = reference.run(values);
      boolean nearKink = nearKink(kinks, values, file.getFileName() + " step " + s);
      // Before the run, since in place the parameters' buffers are overwritten with their new
      // values.
      compiled.run();
      for (Map.Entry<String, Tensor> e : want.entrySet()) {
        if (nearKink && !e.getKey().equals("output") && !e.getKey().equals("loss")) {
          continue;
        }
        float[] got = compiled.buffer(e.getKey());
        assertClose(e.getValue(), got, file.getFileName() + " step " + s + ", " + e.getKey());
      }
      for (String out : want.keySet()) {
        if (out.startsWith(NetworkModel.NEW)) {
          values.put(out.substring(NetworkModel.NEW.length()), want.get(out));
        }
      }
      // Keep the compiled step on the reference's trajectory: float32 rounding must not accumulate
      // over steps.
      for (String name : compiled.paramNames()) {
        fill(compiled.buffer(name), values.get(name));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void gradientsMatchTheInterpreter(Path file) {
    NetworkModel model = NetworkModel.load(file, new PrintWriter(new StringWriter()));
    if (large(model)) {
      return;
    }
    int batch = bigImages(model) ? 1 : 2;
    Function gradient = CompileCommand.function(model, CompileCommand.Kind.gradient, batch);
    Map<String, Tensor> values = BenchCommand.values(model, gradient, batch, SEED);
    Map<String, Tensor> want = Interpreter.compile(gradient, DType.F64).run(values);
    Map<String, Tensor> got = Compiler.compile(gradient, CompileOptions.defaults()).run(values);
    assertEquals(want.keySet(), got.keySet(), file.toString());
    boolean nearKink = nearKink(kinkOperands(gradient), values, file.getFileName().toString());
    for (String key : want.keySet()) {
      if (nearKink && !key.equals("output") && !key.equals("loss")) {
        continue;
      }
      assertClose(want.get(key), got.get(key).toFloatArray(), file.getFileName() + ", " + key);
    }
  }

  /**
   * The operand pairs of every kinked node (abs, sign, relu against 0; max, min and comparisons
   * pairwise).
   */
  private static Function kinkOperands(Function f) {
    Map<String, convnet.autodiff.Node> outs = new java.util.LinkedHashMap<>();
    int k = 0;
    for (convnet.autodiff.Node n : f.graph().nodes()) {
      if (n.kind() == convnet.autodiff.OpKind.UNARY
          && (n.is(convnet.autodiff.ScalarOp.ABS)
              || n.is(convnet.autodiff.ScalarOp.SIGN)
              || n.is(convnet.autodiff.ScalarOp.RELU))) {
        outs.put("unary" + k++, n.input(0));
      } else if (n.kind() == convnet.autodiff.OpKind.BINARY
          && !n.is(convnet.autodiff.ScalarOp.EQ)
          && (n.scalarOp().isComparison()
              || n.is(convnet.autodiff.ScalarOp.MAX)
              || n.is(convnet.autodiff.ScalarOp.MIN))) {
        // EQ is left out: it compares values with their own maximum (max's gradient), a tie by
        // construction
        // that float32 keeps too.
        outs.put("left" + k, n.input(0));
        outs.put("right" + k++, n.input(1));
      }
    }
    return new Function(
        f.name() + ".kinks",
        convnet.autodiff.Graph.of(
            outs.isEmpty() ? Map.of("none", f.outputs().values().iterator().next()) : outs));
  }

  /** Whether some kinked node's operands are within 10⁻⁷ of their scale of the kink. */
  private static boolean nearKink(Function kinks, Map<String, Tensor> values, String context) {
    Map<String, Tensor> v = Interpreter.compile(kinks, DType.F64).run(values);
    double closest = Double.MAX_VALUE;
    for (Map.Entry<String, Tensor> e : v.entrySet()) {
      if (e.getKey().startsWith("unary")) {
        Tensor t = e.getValue();
        double scale = maxAbs(t);
        for (int i = 0; i < t.size(); i++) {
          closest = Math.min(closest, Math.abs(t.get(i)) / scale);
        }
      } else if (e.getKey().startsWith("left")) {
        Tensor a = e.getValue();
        Tensor b = v.get("right" + e.getKey().substring(4));
        convnet.autodiff.Shape s = convnet.autodiff.Shape.broadcast(a.shape(), b.shape());
        double scale = Math.max(maxAbs(a), maxAbs(b));
        for (int i = 0; i < s.size(); i++) {
          closest =
              Math.min(
                  closest,
                  Math.abs(
                          a.get(broadcastIndex(s, a.shape(), i))
                              - b.get(broadcastIndex(s, b.shape(), i)))
                      / scale);
        }
      }
    }
    boolean near = closest < 1e-7;
    if (near) {
      System.out.printf(
          Locale.ROOT,
          "%s: an operand is within %.2g of a kink; checking output and loss only%n",
          context,
          closest);
    }
    return near;
  }

  private static double maxAbs(Tensor t) {
    double m = Double.MIN_NORMAL;
    for (double d : t.data()) {
      m = Math.max(m, Math.abs(d));
    }
    return m;
  }

  /**
   * The flat index into a tensor of shape {@code from} broadcast to {@code to} at flat index i of
   * {@code to}.
   */
  private static int broadcastIndex(convnet.autodiff.Shape to, convnet.autodiff.Shape from, int i) {
    int[] toStrides = to.strides();
    int[] fromStrides = from.strides();
    int off = to.rank() - from.rank();
    int index = 0;
    for (int a = 0; a < to.rank(); a++) {
      int coordinate = (i / toStrides[a]) % to.dim(a);
      if (a >= off && from.dim(a - off) != 1) {
        index += coordinate * fromStrides[a - off];
      }
    }
    return index;
  }

  private static void fill(float[] target, Tensor value) {
    double[] d = value.data();
    for (int i = 0; i < d.length; i++) {
      target[i] = (float) d[i];
    }
  }

  private static void assertClose(Tensor expected, float[] actual, String context) {
    double scale = 0;
    for (double v : expected.data()) {
      scale = Math.max(scale, Math.abs(v));
    }
    double atol = ABS_SCALE * scale;
    for (int i = 0; i < expected.size(); i++) {
      double want = expected.get(i);
      double got = actual[i];
      if (!(Math.abs(got - want) <= atol + RTOL * Math.abs(want))) {
        fail(
            String.format(
                Locale.ROOT,
                "%s: element %d of %s is %.9g, expected %.9g (atol %.3g, rtol %.3g)",
                context,
                i,
                expected.shape(),
                got,
                want,
                atol,
                RTOL));
      }
    }
  }
}
