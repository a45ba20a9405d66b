package convnet.autodiff.check;

import convnet.autodiff.DType;
import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Framework-neutral gradient checking: symbolic gradients (evaluated by the interpreter in double
 * precision) against central finite differences along random directions and at sampled coordinates.
 */
public final class GradientCheck {
  /**
   * The prefix of the outputs holding a gradient, {@code grad/<name>}, as {@link
   * Grad#withGradients} names them.
   */
  public static final String GRAD = "grad/";

  private GradientCheck() {}

  /** Hears how a check advances, so that a long check can show its progress. */
  public interface Listener {
    /** Does nothing. */
    Listener NONE = new Listener() {};

    /**
     * The symbolic gradients are evaluated; {@code total} probes (each a few loss evaluations)
     * follow.
     */
    default void probesStarting(int total) {}

    /** One more probe of {@code tensor} is done, {@code done} of {@code total} in all. */
    default void probeDone(String tensor, int done, int total) {}
  }

  /**
   * How a check runs besides its tolerance: {@code only} the tensors to probe (null for all; the
   * others' probes are still drawn, so a tensor gets the same probes whichever others are chosen),
   * whether a failing probe is {@code retried} with steps ε/10 and ε/100, and who hears the
   * progress.
   *
   * <p>Why retry: ReLU, |x|, max pooling, maxout and LCN's max(c, σ) have kinks, and a central
   * difference that straddles one disagrees with the (correct) one-sided derivative. Past a kink
   * the estimate moves towards the symbolic value as the step shrinks, whereas a wrong gradient
   * disagrees at every step; the probe passes if any of the steps agrees.
   */
  public record Options(Collection<String> only, boolean retried, Listener listener) {
    /** Every tensor, one step, no progress. */
    public static final Options DEFAULT = new Options(null, false, Listener.NONE);

    public Options {
      only = only == null ? null : List.copyOf(only);
      listener = listener == null ? Listener.NONE : listener;
    }

    /** The step divisors a probe tries in turn. */
    int[] stepDivisors() {
      return retried ? new int[] {1, 10, 100} : new int[] {1};
    }
  }

  /** Checks every parameter of {@code f}'s graph. */
  public static GradientCheckReport check(
      Function f, String lossOutput, Map<String, Tensor> values, long seed, Tolerance tol) {
    return check(f, lossOutput, values, List.of(), seed, tol);
  }

  /** Checks every parameter and the named inputs of {@code f}'s graph. */
  public static GradientCheckReport check(
      Function f,
      String lossOutput,
      Map<String, Tensor> values,
      List<String> inputs,
      long seed,
      Tolerance tol) {
    Graph lossGraph = lossGraph(f, lossOutput);
    Graph withGrads = Grad.withGradients(lossGraph, lossOutput, inputs);
    List<String> names = new ArrayList<>(lossGraph.params().keySet());
    names.addAll(inputs);
    return run(
        names,
        Interpreter.evaluate(withGrads, values, DType.F64),
        new Function("loss", lossGraph),
        lossOutput,
        values,
        seed,
        tol,
        Options.DEFAULT);
  }

  /**
   * Checks a gradient function built elsewhere (for example simplified, as it is run): every output
   * {@code grad/<name>} of {@code gradient}, in output order, against central differences of output
   * {@code lossOutput} of {@code lossFunction}, both evaluated at {@code values}.
   */
  public static GradientCheckReport check(
      Function gradient,
      Function lossFunction,
      String lossOutput,
      Map<String, Tensor> values,
      long seed,
      Tolerance tol,
      Options options) {
    List<String> names = tensorNames(gradient);
    if (options.only() != null) {
      for (String name : options.only()) {
        if (!names.contains(name)) {
          throw new IllegalArgumentException(
              "no tensor named '" + name + "'; the tensors are " + String.join(", ", names));
        }
      }
    }
    Function loss = new Function("loss", lossGraph(lossFunction, lossOutput));
    return run(
        names,
        Interpreter.compile(gradient, DType.F64).run(values),
        loss,
        lossOutput,
        values,
        seed,
        tol,
        options);
  }

  /**
   * The tensors whose gradients {@code gradient} outputs ({@code grad/<name>}), in output order.
   */
  public static List<String> tensorNames(Function gradient) {
    List<String> names = new ArrayList<>();
    for (String k : gradient.outputs().keySet()) {
      if (k.startsWith(GRAD)) {
        names.add(k.substring(GRAD.length()));
      }
    }
    return names;
  }

  private static Graph lossGraph(Function f, String lossOutput) {
    Node loss = f.graph().output(lossOutput);
    if (loss.shape().size() != 1) {
      throw new IllegalArgumentException(
          "output '" + lossOutput + "' has shape " + loss.shape() + "; a loss has one element");
    }
    return Graph.of(lossOutput, loss);
  }

  private static GradientCheckReport run(
      List<String> names,
      Map<String, Tensor> symbolic,
      Function lossFunction,
      String lossOutput,
      Map<String, Tensor> values,
      long seed,
      Tolerance tol,
      Options options) {
    Executable loss = Interpreter.compile(lossFunction, DType.F64);
    Random rnd = new Random(seed);
    Map<String, List<ProbeDirection>> chosen = new LinkedHashMap<>();
    Map<String, Shape> shapes = new LinkedHashMap<>();
    int total = 0;
    for (String name : names) {
      Tensor p = values.get(name);
      if (p == null) {
        throw new IllegalArgumentException("no value for '" + name + "'");
      }
      List<ProbeDirection> drawn = ProbeDirection.of(p.shape(), tol, rnd);
      if (options.only() == null || options.only().contains(name)) {
        chosen.put(name, drawn);
        shapes.put(name, p.shape());
        total += drawn.size();
      }
    }
    options.listener().probesStarting(total);
    int done = 0;
    List<GradientCheckReport.Probe> probes = new ArrayList<>();
    for (Map.Entry<String, List<ProbeDirection>> e : chosen.entrySet()) {
      String name = e.getKey();
      Tensor g = symbolic.get(GRAD + name);
      for (ProbeDirection d : e.getValue()) {
        double sym = d.index() < 0 ? d.along(g) : g.get(d.index());
        probes.add(probe(loss, lossOutput, values, name, d, sym, tol, options.stepDivisors()));
        options.listener().probeDone(name, ++done, total);
      }
    }
    return new GradientCheckReport(seed, tol, probes, shapes);
  }

  /** One probe: the first step that agrees, else the step whose estimate came closest. */
  private static GradientCheckReport.Probe probe(
      Executable loss,
      String lossOutput,
      Map<String, Tensor> values,
      String name,
      ProbeDirection direction,
      double symbolic,
      Tolerance tol,
      int[] stepDivisors) {
    double numeric = Double.NaN;
    double error = Double.NaN;
    for (int divisor : stepDivisors) {
      double eps = tol.epsilon() / divisor;
      double plus = lossAt(loss, lossOutput, values, name, direction, eps);
      double minus = lossAt(loss, lossOutput, values, name, direction, -eps);
      double n = (plus - minus) / (2 * eps);
      if (tol.accepts(n, symbolic)) {
        return new GradientCheckReport.Probe(name, direction.where(), n, symbolic, true);
      }
      double e = Math.abs(n - symbolic);
      if (Double.isNaN(error) || e < error) {
        numeric = n;
        error = e;
      }
    }
    return new GradientCheckReport.Probe(name, direction.where(), numeric, symbolic, false);
  }

  private static double lossAt(
      Executable loss,
      String lossOutput,
      Map<String, Tensor> values,
      String name,
      ProbeDirection d,
      double step) {
    Map<String, Tensor> v = new HashMap<>(values);
    v.put(name, d.moved(values.get(name), step));
    return loss.run(v).get(lossOutput).item();
  }

  /**
   * Convenience: random values for every input and parameter of {@code f} (standard normal),
   * seeded.
   */
  public static Map<String, Tensor> randomValues(Function f, long seed) {
    Random rnd = new Random(seed);
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (Map<String, Node> leaves : List.of(f.inputs(), f.params())) {
      leaves.forEach(
          (name, n) -> {
            double[] d = new double[n.shape().size()];
            for (int i = 0; i < d.length; i++) {
              d[i] = rnd.nextGaussian();
            }
            m.put(name, Tensor.wrap(n.shape(), d));
          });
    }
    return m;
  }
}
