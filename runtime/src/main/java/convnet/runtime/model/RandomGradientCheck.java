package convnet.runtime.model;

import convnet.autodiff.check.Tolerance;
import convnet.dsl.RandomArchitectures;
import convnet.dsl.Shrink;
import convnet.runtime.errors.UserError;
import java.util.Random;

/**
 * Gradient-checks random architectures: architecture {@code seed} is drawn by {@link RandomArchitectures} from a
 * generator seeded with {@code seed}, checked by {@link GradientAudit} at batch 2, and a failing one is shrunk by
 * {@link Shrink} to a minimal {@code .cnn} text that still fails.
 */
public final class RandomGradientCheck {
  /** The batch size the checks run at. */
  public static final int BATCH = 2;

  private RandomGradientCheck() {}

  /** What checking one random architecture gave; {@code shrunk} is null when the check passed. */
  public record Outcome(long seed, String source, GradientAudit.Result result, String shrunk) {
    public boolean passed() {
      return result.passed();
    }
  }

  /** The architecture of {@code seed} as source text. */
  public static String architecture(long seed) {
    return RandomArchitectures.generate(new Random(seed), RandomArchitectures.Options.small());
  }

  /** Checks architecture {@code seed}; a failure is shrunk (which may take many more checks). */
  public static Outcome run(long seed, Tolerance tol) {
    String source = architecture(seed);
    GradientAudit.Result result = audit(source, seed, tol);
    if (result.passed()) {
      return new Outcome(seed, source, result, null);
    }
    String shrunk = Shrink.shrink(source, s -> fails(s, seed, tol));
    return new Outcome(seed, source, result, shrunk);
  }

  /** Audits source text with weights and data from {@code seed}. */
  public static GradientAudit.Result audit(String source, long seed, Tolerance tol) {
    return GradientAudit.check(NetworkModel.fromSource(source, "random-" + seed + ".cnn", null), BATCH, seed, tol);
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
    return !GradientAudit.check(m, BATCH, seed, tol).passed();
  }
}
