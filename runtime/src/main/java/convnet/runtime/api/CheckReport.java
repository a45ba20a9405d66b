package convnet.runtime.api;

import java.util.List;

/**
 * The outcome of checking a network's text: the diagnostics as values, and the whole report as the
 * CLI prints it.
 */
public record CheckReport(String name, List<Diagnostic> diagnostics, String rendered) {
  public CheckReport {
    diagnostics = List.copyOf(diagnostics);
  }

  /** Whether the network has no errors (warnings allowed). */
  public boolean ok() {
    return diagnostics.stream().noneMatch(Diagnostic::error);
  }

  /** The errors only. */
  public List<Diagnostic> errors() {
    return diagnostics.stream().filter(Diagnostic::error).toList();
  }
}
