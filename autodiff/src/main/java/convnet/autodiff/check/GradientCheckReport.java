package convnet.autodiff.check;

import java.util.List;

/** The outcome of a gradient check: one entry per probe, failures first in {@link #summary()}. */
public record GradientCheckReport(long seed, Tolerance tolerance, List<Probe> probes) {
    public GradientCheckReport {
        probes = List.copyOf(probes);
    }

    /** One comparison: a parameter, where it was probed ({@code direction 1} or {@code index [0, 2, 1, 1]}), both values. */
    public record Probe(String param, String where, double numeric, double symbolic, boolean ok) {
        public double error() {
            return Math.abs(numeric - symbolic);
        }

        @Override
        public String toString() {
            return param + " at " + where + ": numeric " + numeric + ", symbolic " + symbolic + ", |diff| " + error()
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

    /** A human-readable account: the verdict, the seed, every failure, and the largest error per parameter. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(passed() ? "gradient check passed" : "gradient check FAILED for " + failingParams())
                .append(" (seed ").append(seed).append(", ").append(probes.size()).append(" probes, |num - sym| <= ")
                .append(tolerance.atol()).append(" + ").append(tolerance.rtol()).append("·|num|)\n");
        for (Probe p : failures()) {
            sb.append("  ").append(p).append('\n');
        }
        probes.stream().map(Probe::param).distinct().forEach(param -> {
            double worst = probes.stream().filter(p -> p.param().equals(param)).mapToDouble(Probe::error).max().orElse(0);
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
