package convnet.runtime.model;

import convnet.autodiff.DType;
import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.check.ProbeDirection;
import convnet.autodiff.check.Tolerance;
import convnet.dsl.lower.Lowering;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Checks a network's simplified gradient function against central finite differences of its loss, in float64,
 * for every parameter and the input: along random directions and at sampled coordinates.
 *
 * <p>ReLU, |x|, max pooling, maxout and LCN's max(c, σ) have kinks; a central difference that straddles one
 * disagrees with the (correct) one-sided derivative. A probe that fails at step ε is therefore repeated at ε/10
 * and ε/100: past a kink the estimate moves towards the symbolic value as the step shrinks, whereas a wrong
 * gradient disagrees at every step. The probe passes if any of the three steps agrees.
 */
public final class GradientAudit {
  private static final int[] STEP_DIVISORS = {1, 10, 100};

  private GradientAudit() {}

  /** The outcome for one parameter (or {@code input}). */
  public record ParamResult(String name, Shape shape, int probes, double maxAbsError, double maxRelError,
      String worstWhere, double worstNumeric, double worstSymbolic, boolean passed) {}

  /** The outcome for a whole network. */
  public record Result(long seed, int batch, Tolerance tolerance, List<ParamResult> params) {
    public Result {
      params = List.copyOf(params);
    }

    public boolean passed() {
      return params.stream().allMatch(ParamResult::passed);
    }

    public List<ParamResult> failures() {
      return params.stream().filter(p -> !p.passed()).toList();
    }

    /** Failing parameters with where and by how much, one per line; empty when everything passed. */
    public String failureText() {
      StringBuilder sb = new StringBuilder();
      for (ParamResult p : failures()) {
        sb.append(p.name()).append(" at ").append(p.worstWhere()).append(": numeric ").append(p.worstNumeric())
            .append(", symbolic ").append(p.worstSymbolic()).append(", |difference| ").append(p.maxAbsError()).append('\n');
      }
      return sb.toString();
    }
  }

  /** Hears how a check advances; the command line turns it into progress lines and an estimate of time left. */
  public interface Listener {
    /** Does nothing. */
    Listener NONE = new Listener() {};

    /** The symbolic gradients are evaluated; {@code total} probes (each a few loss evaluations) follow. */
    default void probesStarting(int total) {}

    /** One more probe of {@code tensor} is done, {@code done} of {@code total} in all. */
    default void probeDone(String tensor, int done, int total) {}
  }

  /** The tensors a check covers, in order: every parameter, then the input. */
  public static List<String> tensorNames(Function gradient) {
    List<String> names = new ArrayList<>();
    for (String k : gradient.outputs().keySet()) {
      if (k.startsWith(NetworkModel.GRAD)) {
        names.add(k.substring(NetworkModel.GRAD.length()));
      }
    }
    return names;
  }

  /**
   * Checks {@code model} at batch {@code batch}: weights from {@code model.init(seed)}, standard normal inputs and
   * uniformly drawn labels from a generator seeded with {@code seed}.
   */
  public static Result check(NetworkModel model, int batch, long seed, Tolerance tol) {
    return check(model, batch, seed, tol, null, Listener.NONE);
  }

  /**
   * As {@link #check(NetworkModel, int, long, Tolerance)}, for the tensors named in {@code only} (null for all;
   * a name that is not a tensor of the check is an {@link IllegalArgumentException}), telling {@code listener}.
   */
  public static Result check(NetworkModel model, int batch, long seed, Tolerance tol, java.util.Collection<String> only,
      Listener listener) {
    if (model.classes() == 0) {
      throw new convnet.runtime.errors.UserError(model.fileName() + ": network '" + model.network().name()
          + "' has no classifier at the end, so it has no loss to differentiate\nhint: end it with 'logistic N'");
    }
    Map<String, Tensor> values = new LinkedHashMap<>(model.init(seed));
    Random r = new Random(seed);
    Shape in = model.inputShape(batch);
    double[] x = new double[in.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    values.put(Lowering.INPUT, Tensor.wrap(in, x));
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = r.nextInt(model.classes());
    }
    values.put(Lowering.LABELS, NetworkModel.oneHot(labels, model.classes()));
    return check(model.gradientFunction(batch), model.inferenceFunction(batch, true), values, seed, tol, only,
        listener);
  }

  /** Checks the {@code grad/} outputs of {@code gradient} against differences of {@code lossFunction}'s {@code loss}. */
  public static Result check(Function gradient, Function lossFunction, Map<String, Tensor> values, long seed, Tolerance tol) {
    return check(gradient, lossFunction, values, seed, tol, null, Listener.NONE);
  }

  private static Result check(Function gradient, Function lossFunction, Map<String, Tensor> values, long seed,
      Tolerance tol, java.util.Collection<String> only, Listener listener) {
    List<String> names = tensorNames(gradient);
    if (only != null) {
      for (String name : only) {
        if (!names.contains(name)) {
          throw new IllegalArgumentException("no tensor named '" + name + "'; the tensors are " + String.join(", ", names));
        }
      }
    }
    Map<String, Tensor> symbolic = Interpreter.compile(gradient, DType.F64).run(values);
    Graph lossGraph = Graph.of(Lowering.LOSS, lossFunction.graph().output(Lowering.LOSS));
    Executable loss = Interpreter.compile(new Function("loss", lossGraph), DType.F64);
    // Every tensor's probes are drawn, checked or not, so a tensor gets the same probes whichever others are chosen.
    Random rnd = new Random(seed);
    Map<String, List<ProbeDirection>> probes = new LinkedHashMap<>();
    int total = 0;
    for (String name : names) {
      Tensor p = values.get(name);
      if (p == null) {
        throw new IllegalArgumentException("no value for '" + name + "'");
      }
      List<ProbeDirection> drawn = ProbeDirection.of(p.shape(), tol, rnd);
      if (only == null || only.contains(name)) {
        probes.put(name, drawn);
        total += drawn.size();
      }
    }
    listener.probesStarting(total);
    int done = 0;
    List<ParamResult> results = new ArrayList<>();
    for (Map.Entry<String, List<ProbeDirection>> entry : probes.entrySet()) {
      String name = entry.getKey();
      Tensor p = values.get(name);
      Tensor g = symbolic.get(NetworkModel.GRAD + name);
      List<ProbeDirection> directions = entry.getValue();
      double maxAbs = 0;
      double maxRel = 0;
      String worstWhere = null;
      double worstErr = 0;
      boolean worstPassed = true;
      double worstNum = 0;
      double worstSym = 0;
      boolean ok = true;
      for (int k = 0; k < directions.size(); k++) {
        ProbeDirection d = directions.get(k);
        double sym = d.along(g);
        double num = Double.NaN;
        double err = Double.NaN;
        boolean accepted = false;
        for (int div : STEP_DIVISORS) {
          double eps = tol.epsilon() / div;
          double n = (lossAt(loss, values, name, d, eps) - lossAt(loss, values, name, d, -eps)) / (2 * eps);
          double e = Math.abs(n - sym);
          if (Double.isNaN(err) || e < err) {
            num = n;
            err = e;
          }
          if (tol.accepts(n, sym)) {
            accepted = true;
            num = n;
            err = e;
            break;
          }
        }
        double rel = err / Math.max(Math.max(Math.abs(num), Math.abs(sym)), Double.MIN_NORMAL);
        // Failing probes rank above passing ones, then the larger error (NaN counts as the largest).
        boolean worse = worstWhere == null || (worstPassed && !accepted)
            || (worstPassed == accepted && (Double.isNaN(err) || err > worstErr));
        if (worse) {
          worstWhere = d.where();
          worstErr = err;
          worstPassed = accepted;
          worstNum = num;
          worstSym = sym;
        }
        maxAbs = Double.isNaN(err) || Double.isNaN(maxAbs) ? Double.NaN : Math.max(maxAbs, err);
        maxRel = Double.isNaN(rel) || Double.isNaN(maxRel) ? Double.NaN : Math.max(maxRel, rel);
        ok &= accepted;
        listener.probeDone(name, ++done, total);
      }
      results.add(new ParamResult(name, p.shape(), directions.size(), maxAbs, maxRel, worstWhere, worstNum, worstSym, ok));
    }
    return new Result(seed, values.get(Lowering.INPUT).shape().dim(0), tol, results);
  }

  private static double lossAt(Executable loss, Map<String, Tensor> values, String name, ProbeDirection d, double step) {
    Map<String, Tensor> v = new HashMap<>(values);
    v.put(name, d.moved(values.get(name), step));
    return loss.run(v).get(Lowering.LOSS).item();
  }
}
