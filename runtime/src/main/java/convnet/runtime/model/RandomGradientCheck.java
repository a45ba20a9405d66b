package convnet.runtime.model;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.Tolerance;
import convnet.dsl.RandomArchitectures;
import convnet.dsl.Shrink;
import convnet.dsl.lower.Lowering;
import convnet.runtime.errors.UserError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Gradient-checks networks with {@link GradientCheck}: a network's simplified gradient function
 * (the one training runs) against differences of its loss, for every parameter and the input; and
 * random architectures: architecture {@code seed} is drawn by {@link RandomArchitectures} from a
 * generator seeded with {@code seed}, checked at batch 2, and a failing one is shrunk by {@link
 * Shrink} to a minimal {@code .cnn} text that still fails.
 */
public final class RandomGradientCheck {
  /** The batch size the checks run at. */
  public static final int BATCH = 2;

  private RandomGradientCheck() {}

  /** What checking one random architecture gave; {@code shrunk} is null when the check passed. */
  public record Outcome(long seed, String source, GradientCheckReport result, String shrunk) {
    public boolean passed() {
      return result.passed();
    }
  }

  /**
   * Checks {@code model} at batch {@code batch}: weights from {@code model.init(seed)}, standard
   * normal inputs and uniformly drawn labels from a generator seeded with {@code seed}; failing
   * probes are retried with smaller steps (see {@link GradientCheck.Options}).
   */
  public static GradientCheckReport check(NetworkModel model, int batch, long seed, Tolerance tol) {
    return check(model, batch, seed, tol, new GradientCheck.Options(null, true, null));
  }

  /**
   * As {@link #check(NetworkModel, int, long, Tolerance)}, with the tensors and listener of {@code
   * options}.
   */
  public static GradientCheckReport check(
      NetworkModel model, int batch, long seed, Tolerance tol, GradientCheck.Options options) {
    if (model.classes() == 0) {
      throw new UserError(
          model.fileName()
              + ": network '"
              + model.network().name()
              + "' has no classifier at the end, so it has no loss to differentiate\nhint: end it with 'logistic N'");
    }
    Map<String, Tensor> values = values(model, model.init(seed), batch, seed);
    return GradientCheck.check(
        model.gradientFunction(batch),
        model.inferenceFunction(batch, true),
        Lowering.LOSS,
        values,
        seed,
        tol,
        options);
  }

  /**
   * The values a check runs at: {@code weights}, and from a generator seeded with {@code seed} a
   * batch of standard normal images and uniformly drawn one-hot labels.
   */
  public static Map<String, Tensor> values(
      NetworkModel model, Map<String, Tensor> weights, int batch, long seed) {
    Map<String, Tensor> values = new LinkedHashMap<>(weights);
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
    return values;
  }

  /** The architecture of {@code seed} as source text. */
  public static String architecture(long seed) {
    return RandomArchitectures.generate(new Random(seed), RandomArchitectures.Options.small());
  }

  /** Checks architecture {@code seed}; a failure is shrunk (which may take many more checks). */
  public static Outcome run(long seed, Tolerance tol) {
    String source = architecture(seed);
    GradientCheckReport result = audit(source, seed, tol);
    if (result.passed()) {
      return new Outcome(seed, source, result, null);
    }
    String shrunk = Shrink.shrink(source, s -> fails(s, seed, tol));
    return new Outcome(seed, source, result, shrunk);
  }

  /** Audits source text with weights and data from {@code seed}. */
  public static GradientCheckReport audit(String source, long seed, Tolerance tol) {
    return check(
        NetworkModel.fromSource(source, "random-" + seed + ".cnn", null), BATCH, seed, tol);
  }

  /** Whether {@code source} is a valid network with a classifier whose gradient check fails. */
  public static boolean fails(String source, long seed, Tolerance tol) {
    NetworkModel m;
    try {
      m = NetworkModel.fromSource(source, "shrunk.cnn", null);
    } catch (UserError e) {
      return false;
    }
    if (m.classes() == 0) {
      return false;
    }
    return !check(m, BATCH, seed, tol).passed();
  }
}
