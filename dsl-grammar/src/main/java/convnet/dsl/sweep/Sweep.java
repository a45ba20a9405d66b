package convnet.dsl.sweep;

import java.util.List;

/**
 * A checked sweep: its axes and variants, the protocols (as written, one letter per stage or one
 * for all stages) and seeds to run each variant under, the axes of the table's rows and columns
 * ({@link #PROTOCOL} naming the protocols), and the training and test image limits (0: every
 * image).
 */
public record Sweep(
    String name,
    List<Axis> axes,
    List<Variant> variants,
    List<String> protocols,
    List<Long> seeds,
    List<String> rows,
    List<String> columns,
    int limitTrain,
    int limitTest) {
  /** The name of the protocol axis in {@code rows} and {@code columns}. */
  public static final String PROTOCOL = "protocol";

  public Sweep {
    axes = List.copyOf(axes);
    variants = List.copyOf(variants);
    protocols = List.copyOf(protocols);
    seeds = List.copyOf(seeds);
    rows = List.copyOf(rows);
    columns = List.copyOf(columns);
  }

  /**
   * The protocol string a run of {@code variant} gets for {@code written}: a single stage's letter
   * ({@code R}, {@code R+}, {@code U}, {@code U+}) repeated for every filter-bank stage, or the
   * text as written when it already names every stage.
   */
  public static String protocolFor(String written, int convStages) {
    return letters(written) == 1 ? written.repeat(convStages) : written;
  }

  /** How many stage letters a protocol text holds ({@code R+R} holds 2). */
  static int letters(String protocol) {
    return (int) protocol.chars().filter(Character::isLetter).count();
  }

  /** The number of runs: variants × protocols × seeds. */
  public int runCount() {
    return variants.size() * protocols.size() * seeds.size();
  }

  /** The axis that holds {@code variable}, or -1 if none does. */
  public int axisOf(String variable) {
    for (int i = 0; i < axes.size(); i++) {
      if (axes.get(i).variables().contains(variable)) {
        return i;
      }
    }
    return -1;
  }
}
