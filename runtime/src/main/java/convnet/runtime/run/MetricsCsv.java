package convnet.runtime.run;

import convnet.autodiff.io.AtomicFiles;
import convnet.runtime.errors.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv}: a header, then one row per epoch. Every append rewrites the whole file
 * atomically (it is a few kilobytes), so a killed run never leaves half a row, and a resumed run
 * can drop the rows written after its checkpoint.
 */
public final class MetricsCsv {
  private final Path file;
  private final List<String> columns;
  private final List<String> rows = new ArrayList<>();

  private MetricsCsv(Path file, List<String> columns) {
    this.file = file;
    this.columns = List.copyOf(columns);
    if (this.columns.isEmpty()) {
      throw new IllegalArgumentException("no columns");
    }
    for (String c : this.columns) {
      if (c.isEmpty() || c.contains(",") || c.contains("\"") || c.contains("\n")) {
        throw new IllegalArgumentException("bad column name '" + c + "'");
      }
    }
  }

  /** A new metrics file with these columns; the header is written at once. */
  public static MetricsCsv create(Path file, List<String> columns) throws IOException {
    MetricsCsv csv = new MetricsCsv(file, columns);
    csv.flush();
    return csv;
  }

  /**
   * Continues an existing metrics file, keeping only its first {@code keepRows} rows (the epochs
   * covered by the checkpoint being resumed). The header must match {@code columns}.
   */
  public static MetricsCsv resume(Path file, List<String> columns, int keepRows)
      throws IOException {
    MetricsCsv csv = new MetricsCsv(file, columns);
    if (!Files.isRegularFile(file)) {
      throw new UserError(file + ": missing; cannot resume the run's metrics");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw UserError.io(file, "read", e);
    }
    String header = String.join(",", csv.columns);
    if (lines.isEmpty() || !lines.get(0).equals(header)) {
      throw new UserError(
          file
              + ": header is '"
              + (lines.isEmpty() ? "" : lines.get(0))
              + "', expected '"
              + header
              + "'");
    }
    List<String> data = lines.subList(1, lines.size()).stream().filter(l -> !l.isEmpty()).toList();
    if (data.size() < keepRows) {
      throw new UserError(
          file + ": has " + data.size() + " rows but the checkpoint is at epoch " + keepRows);
    }
    csv.rows.addAll(data.subList(0, keepRows));
    csv.flush();
    return csv;
  }

  public List<String> columns() {
    return columns;
  }

  /** Number of data rows. */
  public int rowCount() {
    return rows.size();
  }

  /** Appends one row: one value per column (numbers, strings, or null for an empty cell). */
  public void append(Object... values) throws IOException {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(
          values.length + " values for " + columns.size() + " columns " + columns);
    }
    StringBuilder row = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        row.append(',');
      }
      row.append(format(values[i]));
    }
    rows.add(row.toString());
    flush();
  }

  static String format(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Double d) {
      return d.isNaN() ? "" : String.format(Locale.ROOT, "%.6g", d);
    }
    if (value instanceof Float f) {
      return f.isNaN() ? "" : String.format(Locale.ROOT, "%.6g", f);
    }
    String s = value.toString();
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private void flush() throws IOException {
    StringBuilder text = new StringBuilder(String.join(",", columns)).append('\n');
    for (String row : rows) {
      text.append(row).append('\n');
    }
    RunFolder.writing(file, () -> AtomicFiles.writeString(file, text.toString()));
  }
}
