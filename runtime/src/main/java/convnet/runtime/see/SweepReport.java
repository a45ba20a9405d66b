package convnet.runtime.see;

import convnet.autodiff.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code report.html} of a sweep folder: the sweep's result table as given, and per row a link to
 * that run's own {@code report.html}.
 */
public final class SweepReport {
  private SweepReport() {}

  /**
   * One row of the table: its cells (as they should read, numbers already formatted) and the run
   * folder it describes, relative to the sweep folder (null when the run has none).
   */
  public record Row(List<String> cells, String runFolder) {
    public Row {
      cells = List.copyOf(cells);
    }
  }

  /**
   * Writes {@code folder/report.html}, atomically: the title, the table with {@code columns} and
   * {@code rows}, and a last column linking each run's report; returns its path.
   */
  public static Path write(Path folder, String title, List<String> columns, List<Row> rows)
      throws IOException {
    for (Row r : rows) {
      if (r.cells().size() != columns.size()) {
        throw new IllegalArgumentException(
            "row of "
                + r.cells().size()
                + " cells for "
                + columns.size()
                + " columns: "
                + r.cells());
      }
    }
    StringBuilder t = new StringBuilder("<table class=\"sweep\" id=\"sweep\">\n<tr>");
    for (String c : columns) {
      t.append("<th>").append(Html.escape(c)).append("</th>");
    }
    t.append("<th>run</th></tr>\n");
    for (Row r : rows) {
      t.append("<tr>");
      for (String cell : r.cells()) {
        t.append("<td>").append(Html.escape(cell)).append("</td>");
      }
      t.append("<td class=\"name\">");
      if (r.runFolder() != null) {
        String href = r.runFolder().replace('\\', '/') + "/" + RunReport.FILE;
        t.append("<a href=\"")
            .append(Html.escape(href))
            .append("\">")
            .append(Html.escape(r.runFolder()))
            .append("</a>");
      }
      t.append("</td></tr>\n");
    }
    t.append("</table>");
    List<String> sections = new ArrayList<>();
    sections.add("<h1>" + Html.escape(title) + "</h1>");
    sections.add(t.toString());
    Path file = folder.resolve(RunReport.FILE);
    AtomicFiles.writeString(file, Html.page(title, sections));
    return file;
  }
}
