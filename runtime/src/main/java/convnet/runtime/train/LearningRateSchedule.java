package convnet.runtime.train;

import com.fasterxml.jackson.annotation.JsonValue;
import convnet.runtime.errors.UserError;
import java.util.Locale;

/**
 * How the learning rate changes from epoch to epoch: {@code none} (constant), {@code
 * step(every=N,gamma=G)} (multiplied by G every N epochs) or {@code cosine} (from the base rate
 * down towards 0 over the run, {@code lr·(1 + cos(π·e/E))/2} for epoch e of E, counted from 0). The
 * rate is constant within an epoch.
 */
public record LearningRateSchedule(Kind kind, int every, double gamma) {
  /** The kinds of schedule. */
  public enum Kind {
    NONE,
    STEP,
    COSINE
  }

  /** A constant learning rate. */
  public static final LearningRateSchedule NONE = new LearningRateSchedule(Kind.NONE, 0, 1);

  public LearningRateSchedule {
    if (kind == Kind.STEP && (every < 1 || !(gamma > 0) || Double.isInfinite(gamma))) {
      throw new IllegalArgumentException("step schedule needs every >= 1 and a finite gamma > 0");
    }
  }

  /** The cosine schedule. */
  public static LearningRateSchedule cosine() {
    return new LearningRateSchedule(Kind.COSINE, 0, 1);
  }

  /** Multiply by {@code gamma} every {@code every} epochs. */
  public static LearningRateSchedule step(int every, double gamma) {
    return new LearningRateSchedule(Kind.STEP, every, gamma);
  }

  /**
   * Parses {@code none}, {@code constant}, {@code cosine}, {@code step(every=N,gamma=G)} (also
   * {@code step(N,G)}); a bad form is a {@link UserError} that shows the accepted forms.
   */
  public static LearningRateSchedule parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
    switch (s) {
      case "none", "constant" -> {
        return NONE;
      }
      case "cosine" -> {
        return cosine();
      }
      default -> {}
    }
    String forms =
        " (expected none, cosine or step(every=N,gamma=G), e.g. step(every=10,gamma=0.1))";
    if (!s.startsWith("step(") || !s.endsWith(")")) {
      throw new UserError("schedule '" + text + "': unknown schedule" + forms);
    }
    String[] args = s.substring(5, s.length() - 1).split(",", -1);
    if (args.length != 2) {
      throw new UserError("schedule '" + text + "': step takes two arguments" + forms);
    }
    int every;
    double gamma;
    try {
      every = Integer.parseInt(strip(args[0], "every="));
      gamma = Double.parseDouble(strip(args[1], "gamma="));
    } catch (NumberFormatException e) {
      throw new UserError("schedule '" + text + "': bad number" + forms);
    }
    if (every < 1) {
      throw new UserError("schedule '" + text + "': every must be at least 1 epoch");
    }
    if (!(gamma > 0) || Double.isInfinite(gamma)) {
      throw new UserError("schedule '" + text + "': gamma must be a positive number");
    }
    return step(every, gamma);
  }

  private static String strip(String arg, String name) {
    return arg.startsWith(name) ? arg.substring(name.length()) : arg;
  }

  /** The learning rate of epoch {@code epoch} (from 0) of a run of {@code epochs} epochs. */
  public double rate(double base, int epoch, int epochs) {
    return switch (kind) {
      case NONE -> base;
      case STEP -> base * Math.pow(gamma, epoch / every);
      case COSINE -> base * 0.5 * (1 + Math.cos(Math.PI * epoch / Math.max(1, epochs)));
    };
  }

  /** The text form, parseable by {@link #parse}. */
  @JsonValue
  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "none";
      case STEP -> "step(every=" + every + ",gamma=" + gamma + ")";
      case COSINE -> "cosine";
    };
  }
}
