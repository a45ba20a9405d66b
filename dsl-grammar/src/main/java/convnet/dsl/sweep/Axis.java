package convnet.dsl.sweep;

import java.util.List;

/**
 * One {@code vary} line: the variables it sets together and a label per alternative (as written, or
 * the alternative's paper notation). A grid of several axes runs every combination.
 */
public record Axis(List<String> variables, List<String> labels) {
  public Axis {
    variables = List.copyOf(variables);
    labels = List.copyOf(labels);
  }

  /** The axis's name in tables and CSV headers: its variables joined by commas. */
  public String name() {
    return String.join(",", variables);
  }
}
