package convnet.runtime.sweep;

import convnet.dsl.sweep.Axis;
import convnet.dsl.sweep.Sweep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files a sweep's outcomes become: {@code results.csv} (one row per run, in plan order) and the
 * rows × columns table as {@code table.md} and {@code table.csv}. Each cell is the mean ± sample
 * standard deviation of the final test accuracy (in %) over the runs that trained to the end;
 * diverged and failed runs are counted in the cell, never averaged; the best mean of each row is
 * marked. All of it is a pure function of the plan and the outcomes.
 */
public final class ResultTables {
  private ResultTables() {}

  /** The columns of {@code results.csv} after the variant's axes. */
  static final List<String> RESULT_COLUMNS =
      List.of(
          "protocol",
          "seed",
          "status",
          "final_test_accuracy",
          "best_test_accuracy",
          "train_loss",
          "test_loss",
          "epochs",
          "reason",
          "seconds");

  /** {@code results.csv}: runs without an outcome yet are left out. */
  public static String resultsCsv(SweepPlan plan, Map<String, RunOutcome> outcomes) {
    StringBuilder b = new StringBuilder();
    for (List<String> cells : resultRows(plan, outcomes)) {
      row(b, cells);
    }
    return b.toString();
  }

  /**
   * The rows of {@code results.csv}, its header first: one per run with an outcome, in plan order
   * (the run id first, so a row names its run folder {@code runs/<id>}).
   */
  public static List<List<String>> resultRows(SweepPlan plan, Map<String, RunOutcome> outcomes) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("run", "variant"));
    for (Axis a : plan.sweep().axes()) {
      header.add(a.name());
    }
    header.addAll(RESULT_COLUMNS);
    rows.add(header);
    for (SweepPlan.Run r : plan.runs()) {
      RunOutcome o = outcomes.get(r.id());
      if (o == null) {
        continue;
      }
      List<String> cells = new ArrayList<>(List.of(r.id(), r.variant().name()));
      for (int i = 0; i < plan.sweep().axes().size(); i++) {
        cells.add(plan.sweep().axes().get(i).labels().get(r.variant().choices().get(i)));
      }
      cells.addAll(
          List.of(
              r.protocol(),
              String.valueOf(r.seed()),
              o.status(),
              number(o.finalTestAccuracy()),
              number(o.bestTestAccuracy()),
              number(o.trainLoss()),
              number(o.testLoss()),
              String.valueOf(o.epochs()),
              o.reason() == null ? "" : o.reason(),
              String.format(Locale.ROOT, "%.2f", o.seconds())));
      rows.add(cells);
    }
    return rows;
  }

  /** A number exactly (the shortest text that reads back to the same double), empty for NaN. */
  private static String number(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  private static void row(StringBuilder b, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      String c = cells.get(i);
      b.append(
          c.contains(",") || c.contains("\"") || c.contains("\n")
              ? "\"" + c.replace("\"", "\"\"") + "\""
              : c);
    }
    b.append('\n');
  }

  /** One dimension of the table: an axis of variables, or the protocols. */
  private record Dim(String name, List<String> labels, int axis) {}

  /** The cells of the table, ready to print. */
  record Table(
      String corner, List<String> columnHeads, List<String> rowHeads, List<List<String>> cells) {}

  static Table table(SweepPlan plan, Map<String, RunOutcome> outcomes) {
    Sweep s = plan.sweep();
    List<Dim> rows = dims(s, s.rows());
    List<Dim> columns = dims(s, s.columns());
    List<List<Integer>> rowKeys = product(rows);
    List<List<Integer>> columnKeys = product(columns);
    Map<List<Integer>, List<RunOutcome>> byCell = new LinkedHashMap<>();
    for (SweepPlan.Run r : plan.runs()) {
      RunOutcome o = outcomes.get(r.id());
      if (o == null) {
        continue;
      }
      List<Integer> key = new ArrayList<>(key(rows, r));
      key.addAll(key(columns, r));
      byCell.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
    }
    List<List<String>> cells = new ArrayList<>();
    for (List<Integer> rk : rowKeys) {
      List<Cell> row = new ArrayList<>();
      int best = -1;
      for (List<Integer> ck : columnKeys) {
        List<Integer> key = new ArrayList<>(rk);
        key.addAll(ck);
        Cell c = Cell.of(byCell.getOrDefault(key, List.of()));
        if (c.ok() > 0 && (best < 0 || c.mean() > row.get(best).mean())) {
          best = row.size();
        }
        row.add(c);
      }
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        texts.add(row.get(i).text() + (i == best && columnKeys.size() > 1 ? " *" : ""));
      }
      cells.add(texts);
    }
    return new Table(
        String.join(" / ", rows.stream().map(Dim::name).toList()),
        heads(columns, columnKeys),
        heads(rows, rowKeys),
        cells);
  }

  /**
   * The outcomes of one cell: mean and standard deviation of the runs that are ok, and the others
   * counted.
   */
  private record Cell(int ok, double mean, double sd, int diverged, int failed, int runs) {
    static Cell of(List<RunOutcome> outcomes) {
      List<Double> accuracies = new ArrayList<>();
      int diverged = 0;
      int failed = 0;
      for (RunOutcome o : outcomes) {
        if (o.ok()) {
          accuracies.add(100 * o.finalTestAccuracy());
        } else if (RunOutcome.DIVERGED.equals(o.status())) {
          diverged++;
        } else {
          failed++;
        }
      }
      double mean = 0;
      for (double a : accuracies) {
        mean += a;
      }
      mean = accuracies.isEmpty() ? Double.NaN : mean / accuracies.size();
      double ss = 0;
      for (double a : accuracies) {
        ss += (a - mean) * (a - mean);
      }
      double sd = accuracies.size() > 1 ? Math.sqrt(ss / (accuracies.size() - 1)) : 0;
      return new Cell(accuracies.size(), mean, sd, diverged, failed, outcomes.size());
    }

    String text() {
      if (runs == 0) {
        return "-";
      }
      List<String> notes = new ArrayList<>();
      if (diverged > 0) {
        notes.add(ok == 0 ? "diverged" : diverged + " diverged");
      }
      if (failed > 0) {
        notes.add(ok == 0 ? "failed" : failed + " failed");
      }
      String value =
          ok == 0
              ? ""
              : ok > 1
                  ? String.format(Locale.ROOT, "%.2f ± %.2f", mean, sd)
                  : String.format(Locale.ROOT, "%.2f", mean);
      if (notes.isEmpty()) {
        return value;
      }
      return ok == 0 ? String.join(", ", notes) : value + " (" + String.join(", ", notes) + ")";
    }
  }

  private static List<Dim> dims(Sweep s, List<String> names) {
    List<Dim> dims = new ArrayList<>();
    for (String n : names) {
      if (n.equals(Sweep.PROTOCOL)) {
        dims.add(new Dim(Sweep.PROTOCOL, s.protocols(), -1));
      } else {
        int axis = s.axisOf(n);
        dims.add(new Dim(s.axes().get(axis).name(), s.axes().get(axis).labels(), axis));
      }
    }
    return dims;
  }

  private static List<Integer> key(List<Dim> dims, SweepPlan.Run r) {
    List<Integer> key = new ArrayList<>();
    for (Dim d : dims) {
      key.add(d.axis() < 0 ? r.protocolIndex() : r.variant().choices().get(d.axis()));
    }
    return key;
  }

  private static List<List<Integer>> product(List<Dim> dims) {
    List<List<Integer>> keys = new ArrayList<>();
    keys.add(List.of());
    for (Dim d : dims) {
      List<List<Integer>> next = new ArrayList<>();
      for (List<Integer> k : keys) {
        for (int i = 0; i < d.labels().size(); i++) {
          List<Integer> longer = new ArrayList<>(k);
          longer.add(i);
          next.add(longer);
        }
      }
      keys = next;
    }
    return keys;
  }

  private static List<String> heads(List<Dim> dims, List<List<Integer>> keys) {
    List<String> heads = new ArrayList<>();
    for (List<Integer> k : keys) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < dims.size(); i++) {
        parts.add(dims.get(i).labels().get(k.get(i)));
      }
      heads.add(parts.isEmpty() ? "all" : String.join(" / ", parts));
    }
    return heads;
  }

  /** {@code table.md}: a Markdown table, the best cell of each row in bold. */
  public static String tableMarkdown(SweepPlan plan, Map<String, RunOutcome> outcomes) {
    Table t = table(plan, outcomes);
    StringBuilder b = new StringBuilder();
    b.append("Final test accuracy (%), mean ± standard deviation over ")
        .append(plan.sweep().seeds().size())
        .append(plan.sweep().seeds().size() == 1 ? " seed" : " seeds")
        .append("; the best of each row in bold.\n\n");
    b.append("| ").append(t.corner().isEmpty() ? " " : md(t.corner()));
    for (String h : t.columnHeads()) {
      b.append(" | ").append(md(h));
    }
    b.append(" |\n|---");
    for (int i = 0; i < t.columnHeads().size(); i++) {
      b.append("|---:");
    }
    b.append("|\n");
    for (int r = 0; r < t.rowHeads().size(); r++) {
      b.append("| ").append(md(t.rowHeads().get(r)));
      for (String c : t.cells().get(r)) {
        b.append(" | ")
            .append(c.endsWith(" *") ? "**" + md(c.substring(0, c.length() - 2)) + "**" : md(c));
      }
      b.append(" |\n");
    }
    return b.toString();
  }

  private static String md(String s) {
    return s.replace("|", "\\|");
  }

  /** {@code table.csv}: the same table, the best cell of each row ending in {@code *}. */
  public static String tableCsv(SweepPlan plan, Map<String, RunOutcome> outcomes) {
    Table t = table(plan, outcomes);
    StringBuilder b = new StringBuilder();
    List<String> header = new ArrayList<>();
    header.add(t.corner());
    header.addAll(t.columnHeads());
    row(b, header);
    for (int r = 0; r < t.rowHeads().size(); r++) {
      List<String> cells = new ArrayList<>();
      cells.add(t.rowHeads().get(r));
      cells.addAll(t.cells().get(r));
      row(b, cells);
    }
    return b.toString();
  }
}
