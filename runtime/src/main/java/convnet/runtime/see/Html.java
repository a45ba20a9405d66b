package convnet.runtime.see;

import java.util.List;

/** Small helpers to write the self-contained HTML of the reports: escaping and a page frame. */
final class Html {
  private Html() {}

  /** {@code text} with the five characters that matter in HTML escaped. */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  // One stylesheet, inline: the page must open from a file with nothing else beside it.
  private static final String STYLE =
      """
      body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px;
             color: #1d232b; background: #fbfbfa; }
      h1 { font-size: 1.6em; margin-bottom: 0.2em; }
      h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccd; }
      pre { background: #f0f1f3; padding: 0.8em; overflow-x: auto; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
      th, td { border: 1px solid #ccd; padding: 0.25em 0.6em; text-align: right; }
      th { background: #eceef2; }
      td.name, th.name { text-align: left; }
      table.confusion td { min-width: 2.6em; }
      figure { display: inline-block; margin: 0.3em; text-align: center; font-size: 0.8em; }
      img { image-rendering: pixelated; }
      .note { color: #555; font-size: 0.9em; }
      """;

  /** A complete page: title, stylesheet, and the body sections in order. */
  static String page(String title, List<String> sections) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>")
        .append(escape(title))
        .append("</title>\n")
        .append("<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n");
    for (String s : sections) {
      b.append(s).append('\n');
    }
    return b.append("</body>\n</html>\n").toString();
  }

  /** A table whose cells are shown exactly as given (numbers are not reformatted). */
  static String table(String cssClass, String id, List<String> header, List<List<String>> rows) {
    StringBuilder b =
        new StringBuilder("<table class=\"" + cssClass + "\" id=\"" + id + "\">\n<tr>");
    for (String h : header) {
      b.append("<th>").append(escape(h)).append("</th>");
    }
    b.append("</tr>\n");
    for (List<String> row : rows) {
      b.append("<tr>");
      for (String cell : row) {
        b.append("<td>").append(escape(cell)).append("</td>");
      }
      b.append("</tr>\n");
    }
    return b.append("</table>").toString();
  }
}
