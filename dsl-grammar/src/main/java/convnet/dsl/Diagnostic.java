package convnet.dsl;

/** One error or warning about a source file, with where it is and an optional hint. */
public record Diagnostic(Severity severity, SourcePos pos, String message, String hint) {

  /** How bad a diagnostic is: errors fail the check, warnings do not. */
  public enum Severity {
    ERROR,
    WARNING;

    String label() {
      return this == ERROR ? "error" : "warning";
    }
  }

  public Diagnostic {
    if (severity == null || pos == null || message == null) {
      throw new IllegalArgumentException("severity, pos and message are required");
    }
  }

  public static Diagnostic error(SourcePos pos, String message) {
    return new Diagnostic(Severity.ERROR, pos, message, null);
  }

  public static Diagnostic error(SourcePos pos, String message, String hint) {
    return new Diagnostic(Severity.ERROR, pos, message, hint);
  }

  public static Diagnostic warning(SourcePos pos, String message, String hint) {
    return new Diagnostic(Severity.WARNING, pos, message, hint);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The first line of the rendering: {@code FILE:LINE:COL: error: message}. */
  public String headline() {
    return pos.file()
        + ":"
        + pos.line()
        + ":"
        + pos.col()
        + ": "
        + severity.label()
        + ": "
        + message;
  }
}
