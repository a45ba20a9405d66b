package convnet.dsl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** An ordered, immutable list of diagnostics about one source, which can draw them with carets. */
public record Diagnostics(List<Diagnostic> all) {

  public Diagnostics {
    all = List.copyOf(all);
  }

  public static Diagnostics of(Diagnostic... ds) {
    return new Diagnostics(List.of(ds));
  }

  /** The diagnostics sorted by line and column, stable for equal positions. */
  public Diagnostics sorted() {
    List<Diagnostic> copy = new ArrayList<>(all);
    copy.sort(
        Comparator.comparingInt((Diagnostic d) -> d.pos().line())
            .thenComparingInt(d -> d.pos().col()));
    return new Diagnostics(copy);
  }

  public boolean hasErrors() {
    return all.stream().anyMatch(Diagnostic::isError);
  }

  public List<Diagnostic> errors() {
    return all.stream().filter(Diagnostic::isError).toList();
  }

  public List<Diagnostic> warnings() {
    return all.stream().filter(d -> !d.isError()).toList();
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  /**
   * Renders every diagnostic as {@code FILE:LINE:COL: error: message}, the source line, a caret
   * under the culprit and the hint if there is one.
   */
  public String render(String source) {
    String[] lines = source == null ? new String[0] : source.split("\r\n|\r|\n", -1);
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : all) {
      out.append(d.headline()).append('\n');
      int line = d.pos().line();
      if (line >= 1 && line <= lines.length) {
        String text = lines[line - 1].replace('\t', ' ');
        int col = Math.max(1, Math.min(d.pos().col(), text.length() + 1));
        int len = Math.max(1, Math.min(d.pos().length(), text.length() + 1 - col + 1));
        if (text.length() > LONG_LINE) {
          // A very long line (thousands of layers joined by '-') is shown around the culprit only.
          int from = Math.max(0, Math.min(col - 1 - MAX_SHOWN / 2, text.length() - MAX_SHOWN));
          int to = from + MAX_SHOWN;
          String before = from > 0 ? "..." : "";
          text = before + text.substring(from, to) + (to < text.length() ? "..." : "");
          col = col - from + before.length();
          len = Math.max(1, Math.min(len, to - from + before.length() + 1 - col));
        }
        out.append("    ").append(printable(text)).append('\n');
        out.append("    ").append(" ".repeat(col - 1)).append("^".repeat(len)).append('\n');
      }
      if (d.hint() != null) {
        out.append("hint: ").append(d.hint()).append('\n');
      }
    }
    return out.toString();
  }

  /** Lines longer than this many characters are shown only around the caret... */
  private static final int LONG_LINE = 300;

  /** ...in a window this wide. */
  private static final int MAX_SHOWN = 120;

  private static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
