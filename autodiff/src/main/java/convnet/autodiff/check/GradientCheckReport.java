package convnet.autodiff.check;

import convnet.autodiff.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a gradient check: one entry per probe, failures first in {@link #summary()}, and
 * the shape of every tensor probed.
 */
public record GradientCheckReport(
    long seed, Tolerance tolerance, List<Probe> probes, Map<String, Shape> shapes) {
  public GradientCheckReport {
    probes = List.copyOf(probes);
    shapes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
  }

  /** A report whose tensors' shapes are not known. */
  public GradientCheckReport(long seed, Tolerance tolerance, List<Probe> probes) {
    this(seed, tolerance, probes, Map.of());
  }

  /**
   * The probes of one tensor summed up: how many, the largest absolute and relative errors (NaN if
   * any probe's is), and the worst probe (a failing one before any passing one, then the larger
   * error, NaN counting as the largest).
   */
  public record TensorSummary(
      String name,
      Shape shape,
      int probes,
      double maxAbsError,
      double maxRelError,
      Probe worst,
      boolean passed) {}

  /** One summary per tensor probed, in the order the tensors were checked. */
  public List<TensorSummary> tensors() {
    Map<String, List<Probe>> byTensor = new LinkedHashMap<>();
    for (Probe p : probes) {
      byTensor.computeIfAbsent(p.param(), k -> new ArrayList<>()).add(p);
    }
    List<TensorSummary> out = new ArrayList<>();
    byTensor.forEach(
        (name, list) -> {
          double maxAbs = 0;
          double maxRel = 0;
          Probe worst = null;
          boolean passed = true;
          for (Probe p : list) {
            double err = p.error();
            double rel =
                err
                    / Math.max(
                        Math.max(Math.abs(p.numeric()), Math.abs(p.symbolic())), Double.MIN_NORMAL);
            boolean worse =
                worst == null
                    || (worst.ok() && !p.ok())
                    || (worst.ok() == p.ok() && (Double.isNaN(err) || err > worst.error()));
            if (worse) {
              worst = p;
            }
            maxAbs = Double.isNaN(err) || Double.isNaN(maxAbs) ? Double.NaN : Math.max(maxAbs, err);
            maxRel = Double.isNaN(rel) || Double.isNaN(maxRel) ? Double.NaN : Math.max(maxRel, rel);
            passed &= p.ok();
          }
          out.add(
              new TensorSummary(
                  name, shapes.get(name), list.size(), maxAbs, maxRel, worst, passed));
        });
    return out;
  }

  /**
   * Failing tensors with where and by how much (their worst probe), one per line; empty when all
   * passed.
   */
  public String failureText() {
    StringBuilder sb = new StringBuilder();
    for (TensorSummary t : tensors()) {
      if (!t.passed()) {
        Probe w = t.worst();
        sb.append(t.name())
            .append(" at ")
            .append(w.where())
            .append(": numeric ")
            .append(w.numeric())
            .append(", symbolic ")
            .append(w.symbolic())
            .append(", |difference| ")
            .append(w.error())
            .append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * One comparison: a parameter, where it was probed ({@code direction 1} or {@code index [0, 2, 1,
   * 1]}), both values.
   */
  public record Probe(String param, String where, double numeric, double symbolic, boolean ok) {
    public double error() {
      return Math.abs(numeric - symbolic);
    }

    @Override
    public String toString() {
      return param
          + " at "
          + where
          + ": numeric "
          + numeric
          + ", symbolic "
          + symbolic
          + ", |diff| "
          + error()
          + (ok ? "" : "  MISMATCH");
    }
  }

  public boolean passed() {
    return probes.stream().allMatch(Probe::ok);
  }

  public List<Probe> failures() {
    return probes.stream().filter(p -> !p.ok()).toList();
  }

  /** Parameters with at least one failing probe. */
  public List<String> failingParams() {
    return failures().stream().map(Probe::param).distinct().toList();
  }

  /**
   * A human-readable account: the verdict, the seed, every failure, and the largest error per
   * parameter.
   */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(passed() ? "gradient check passed" : "gradient check FAILED for " + failingParams())
        .append(" (seed ")
        .append(seed)
        .append(", ")
        .append(probes.size())
        .append(" probes, |num - sym| <= ")
        .append(tolerance.atol())
        .append(" + ")
        .append(tolerance.rtol())
        .append("·|num|)\n");
    for (Probe p : failures()) {
      sb.append("  ").append(p).append('\n');
    }
    probes.stream()
        .map(Probe::param)
        .distinct()
        .forEach(
            param -> {
              double worst =
                  probes.stream()
                      .filter(p -> p.param().equals(param))
                      .mapToDouble(Probe::error)
                      .max()
                      .orElse(0);
              sb.append("  ").append(param).append(": max |diff| ").append(worst).append('\n');
            });
    return sb.toString();
  }

  /** Throws an {@link AssertionError} carrying {@link #summary()} unless the check passed. */
  public void assertPassed() {
    if (!passed()) {
      throw new AssertionError(summary());
    }
  }

  @Override
  public String toString() {
    return summary();
  }
}
