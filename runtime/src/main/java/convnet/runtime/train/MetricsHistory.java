package convnet.runtime.train;

import convnet.runtime.errors.UserError;
import convnet.runtime.run.EpochMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the rows of a run's {@code metrics.csv} back, for the curves of a resumed run. */
final class MetricsHistory {
  private MetricsHistory() {}

  /** The first {@code rows} rows of {@code file} (written with {@link Trainer#METRICS_COLUMNS}). */
  static List<EpochMetrics> read(Path file, int rows) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(file + ": cannot read: " + e.getMessage(), e);
    }
    List<EpochMetrics> result = new ArrayList<>();
    for (int i = 1; i < lines.size() && result.size() < rows; i++) {
      if (lines.get(i).isEmpty()) {
        continue;
      }
      String[] cells = lines.get(i).split(",", -1);
      if (cells.length != Trainer.METRICS_COLUMNS.size()) {
        throw new UserError(
            file
                + ":"
                + (i + 1)
                + ": expected "
                + Trainer.METRICS_COLUMNS.size()
                + " values, found "
                + cells.length);
      }
      try {
        result.add(
            new EpochMetrics(
                Integer.parseInt(cells[0]),
                number(cells[2]),
                number(cells[3]),
                number(cells[4]),
                number(cells[5]),
                number(cells[6]),
                number(cells[7])));
      } catch (IllegalArgumentException e) {
        throw new UserError(file + ":" + (i + 1) + ": bad row: " + e.getMessage());
      }
    }
    return result;
  }

  private static double number(String cell) {
    return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
  }
}
