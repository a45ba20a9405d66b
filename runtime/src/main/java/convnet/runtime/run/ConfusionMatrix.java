package convnet.runtime.run;

import java.util.List;
import java.util.Locale;

/**
 * Counts of (true class, predicted class) over an evaluation, with overall and per-class accuracy,
 * rendered as aligned text (rows: true class, columns: predicted) and as CSV.
 */
public final class ConfusionMatrix {
  private final List<String> classNames;
  private final long[][] counts;

  public ConfusionMatrix(List<String> classNames) {
    this.classNames = List.copyOf(classNames);
    if (this.classNames.isEmpty()) {
      throw new IllegalArgumentException("no classes");
    }
    this.counts = new long[this.classNames.size()][this.classNames.size()];
  }

  public List<String> classNames() {
    return classNames;
  }

  public int classCount() {
    return classNames.size();
  }

  /** Counts one example. */
  public void add(int truth, int predicted) {
    if (truth < 0 || truth >= counts.length || predicted < 0 || predicted >= counts.length) {
      throw new IndexOutOfBoundsException(
          "class " + truth + " or " + predicted + " outside 0.." + (counts.length - 1));
    }
    counts[truth][predicted]++;
  }

  /** Counts the first {@code n} examples of a batch. */
  public void addAll(int[] truth, int[] predicted, int n) {
    for (int i = 0; i < n; i++) {
      add(truth[i], predicted[i]);
    }
  }

  /** Adds another matrix's counts (e.g. from another thread). */
  public void addAll(ConfusionMatrix other) {
    if (!other.classNames.equals(classNames)) {
      throw new IllegalArgumentException("different classes");
    }
    for (int t = 0; t < counts.length; t++) {
      for (int p = 0; p < counts.length; p++) {
        counts[t][p] += other.counts[t][p];
      }
    }
  }

  public long count(int truth, int predicted) {
    return counts[truth][predicted];
  }

  public long total() {
    long n = 0;
    for (long[] row : counts) {
      for (long c : row) {
        n += c;
      }
    }
    return n;
  }

  public long correct() {
    long n = 0;
    for (int i = 0; i < counts.length; i++) {
      n += counts[i][i];
    }
    return n;
  }

  /** Fraction classified correctly; NaN when empty. */
  public double accuracy() {
    long total = total();
    return total == 0 ? Double.NaN : (double) correct() / total;
  }

  /** Per true class, the fraction classified correctly; NaN for a class with no examples. */
  public double[] perClassAccuracy() {
    double[] result = new double[counts.length];
    for (int t = 0; t < counts.length; t++) {
      long row = 0;
      for (long c : counts[t]) {
        row += c;
      }
      result[t] = row == 0 ? Double.NaN : (double) counts[t][t] / row;
    }
    return result;
  }

  /**
   * Aligned text: one row per true class (its index and name), one column per predicted class
   * (headed by index, since names are long), then the class's accuracy; the overall accuracy last.
   */
  public String toText() {
    int k = counts.length;
    int nameWidth = "true \\ predicted".length();
    for (int i = 0; i < k; i++) {
      nameWidth = Math.max(nameWidth, (i + ": " + classNames.get(i)).length());
    }
    int cell = String.valueOf(k - 1).length();
    for (long[] row : counts) {
      for (long c : row) {
        cell = Math.max(cell, String.valueOf(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(pad("true \\ predicted", nameWidth, false));
    for (int p = 0; p < k; p++) {
      sb.append(' ').append(pad(String.valueOf(p), cell, true));
    }
    sb.append("  accuracy\n");
    double[] perClass = perClassAccuracy();
    for (int t = 0; t < k; t++) {
      sb.append(pad(t + ": " + classNames.get(t), nameWidth, false));
      for (int p = 0; p < k; p++) {
        sb.append(' ').append(pad(String.valueOf(counts[t][p]), cell, true));
      }
      sb.append("  ").append(percent(perClass[t])).append('\n');
    }
    sb.append("overall accuracy ")
        .append(percent(accuracy()).strip())
        .append(" (")
        .append(correct())
        .append(" of ")
        .append(total())
        .append(")\n");
    return sb.toString();
  }

  /** CSV: header {@code true\predicted,<class names>}, then one row per true class. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("true\\predicted");
    for (String name : classNames) {
      sb.append(',').append(MetricsCsv.format(name));
    }
    sb.append('\n');
    for (int t = 0; t < counts.length; t++) {
      sb.append(MetricsCsv.format(classNames.get(t)));
      for (long c : counts[t]) {
        sb.append(',').append(c);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String percent(double fraction) {
    return Double.isNaN(fraction)
        ? "     -"
        : String.format(Locale.ROOT, "%6.2f%%", 100 * fraction);
  }

  private static String pad(String s, int width, boolean right) {
    String spaces = " ".repeat(Math.max(0, width - s.length()));
    return right ? spaces + s : s + spaces;
  }
}
