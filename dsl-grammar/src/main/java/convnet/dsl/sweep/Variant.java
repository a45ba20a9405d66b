package convnet.dsl.sweep;

import convnet.dsl.Network;
import java.util.List;

/**
 * One variant of a sweep: its number (from 1, in grid order), the alternative chosen on each axis,
 * its name (the chosen labels), the checked network, and its source text in paper notation, which
 * parses and checks to the same network.
 */
public record Variant(
    int number, List<Integer> choices, String name, Network network, String source) {
  public Variant {
    choices = List.copyOf(choices);
  }

  /** The number of filter-bank stages, one protocol letter each. */
  public int convStages() {
    return network.convStages().size();
  }
}
