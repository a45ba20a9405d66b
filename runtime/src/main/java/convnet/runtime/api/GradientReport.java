package convnet.runtime.api;

import java.util.List;

/**
 * The outcome of a gradient check: symbolic gradients against central finite differences in double
 * precision, for every parameter and the input. A value, so any test framework can assert on it.
 */
public record GradientReport(
    boolean passed, int probes, List<String> failingTensors, String summary) {
  public GradientReport {
    failingTensors = List.copyOf(failingTensors);
  }
}
