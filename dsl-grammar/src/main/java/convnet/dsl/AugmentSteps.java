package convnet.dsl;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The augmentation steps that a train block's {@code augment} and {@code convnet train --augment}
 * accept: their names, arguments, defaults and bounds, kept in one table so that both places refuse
 * the same values with the same reasons.
 */
public final class AugmentSteps {
  private AugmentSteps() {}

  /**
   * One argument of a step: its bounds (inclusive) and why they are what they are; a {@code
   * required} argument has no default.
   */
  public record Param(
      String name,
      double dflt,
      boolean required,
      double min,
      double max,
      boolean integer,
      String why) {}

  /** One step: its name, its arguments in positional order, and an example of its use. */
  public record Kind(String name, List<Param> params, String example) {
    public Kind {
      params = List.copyOf(params);
    }
  }

  // Shifts are bounded by 32 pixels as a static limit (beyond it nothing of the images these
  // networks take would be left); the data's own size is checked again when training starts.
  private static final String SHIFT_WHY =
      "a shift of more than 32 pixels leaves nothing of the images these networks take";

  /** Every step, in the order a listing shows them. */
  public static final List<Kind> KINDS =
      List.of(
          new Kind("flip", List.of(), "flip"),
          new Kind(
              "crop", List.of(new Param("pad", 0, true, 0, 32, true, SHIFT_WHY)), "crop(pad=4)"),
          new Kind(
              "translate",
              List.of(new Param("px", 0, true, 0, 32, false, SHIFT_WHY)),
              "translate(px=2)"),
          new Kind(
              "rotate",
              List.of(
                  new Param(
                      "degrees",
                      0,
                      true,
                      0,
                      180,
                      false,
                      "a rotation by up to 180 degrees either way already covers every angle")),
              "rotate(degrees=10)"),
          new Kind(
              "scale",
              List.of(
                  new Param(
                      "min",
                      1,
                      true,
                      0.25,
                      4,
                      false,
                      "beyond a factor of 4 either way an image shrinks to a few pixels or shows a "
                          + "few of its pixels"),
                  new Param(
                      "max",
                      1,
                      true,
                      0.25,
                      4,
                      false,
                      "beyond a factor of 4 either way an image shrinks to a few pixels or shows a "
                          + "few of its pixels")),
              "scale(min=0.9, max=1.1)"),
          new Kind(
              "elastic",
              List.of(
                  new Param(
                      "sigma",
                      4,
                      false,
                      0,
                      32,
                      false,
                      "the Gaussian's standard deviation in pixels; beyond 32 the field is flat over "
                          + "any image these networks take"),
                  new Param(
                      "alpha",
                      34,
                      false,
                      0,
                      1000,
                      false,
                      "the field's scale in pixels; beyond 1000 it moves every pixel out of the image")),
              "elastic(sigma=4, alpha=34)"));

  /**
   * The steps as a type: what a train block's {@code augment} and {@code --augment} are read into,
   * so that a step is never a name to compare. Each has one row of {@link #KINDS}.
   */
  public enum Step {
    FLIP,
    CROP,
    TRANSLATE,
    ROTATE,
    SCALE,
    ELASTIC;

    /** The step's name as written, e.g. {@code crop}. */
    public String keyword() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The step's row of {@link #KINDS}: its arguments, defaults and bounds. */
    public Kind kind() {
      return AugmentSteps.kind(keyword())
          .orElseThrow(() -> new IllegalStateException("no row for augmentation step " + this));
    }

    /** The step called {@code name}, if there is one. */
    public static Optional<Step> of(String name) {
      for (Step s : values()) {
        if (s.keyword().equals(name)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }

  /** The step called {@code name}, if there is one. */
  public static Optional<Kind> kind(String name) {
    return KINDS.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /** The names of all steps, for messages. */
  public static List<String> names() {
    return KINDS.stream().map(Kind::name).toList();
  }

  /** "flip, crop(pad=4), …": every step's example, for hints. */
  public static String examples() {
    return KINDS.stream().map(Kind::example).collect(Collectors.joining(", "));
  }

  /** The bounds of {@code p} and why, for a message: "must be between 0 and 32 (why)". */
  public static String bounds(Param p) {
    return "must be "
        + (p.integer() ? "a whole number " : "")
        + "between "
        + fmt(p.min())
        + " and "
        + fmt(p.max())
        + " ("
        + p.why()
        + ")";
  }

  /**
   * The canonical text of one step, {@code name(arg=value, …)}, or just the name when it takes no
   * arguments.
   */
  public static String text(String kind, List<Double> args) {
    Kind k = kind(kind).orElseThrow(() -> new IllegalArgumentException("no step " + kind));
    if (args.size() != k.params().size()) {
      throw new IllegalArgumentException(kind + " takes " + k.params().size() + " arguments");
    }
    if (args.isEmpty()) {
      return kind;
    }
    StringBuilder sb = new StringBuilder(kind).append('(');
    for (int i = 0; i < args.size(); i++) {
      sb.append(i == 0 ? "" : ",")
          .append(k.params().get(i).name())
          .append('=')
          .append(fmt(args.get(i)));
    }
    return sb.append(')').toString();
  }

  /** A number as written: whole numbers without a fraction. */
  public static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15
        ? String.valueOf((long) d)
        : String.valueOf(d).toLowerCase(Locale.ROOT);
  }
}
