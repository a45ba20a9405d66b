package convnet.runtime.api;

import java.util.List;

/**
 * Something the caller gave cannot be used: a network with errors (its {@link #diagnostics()}),
 * weights that do not fit, unreadable files or data. The message is what the command line would
 * print. The cause, when there is one, is a JDK exception (an I/O error), never a parser's or a
 * code generator's type.
 */
public final class ConvNetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Diagnostic> diagnostics;

  /**
   * A problem that is not about the network's text (so without diagnostics), for modules that build
   * on this API.
   */
  public ConvNetException(String message) {
    this(message, List.of());
  }

  ConvNetException(String message, List<Diagnostic> diagnostics) {
    super(message);
    this.diagnostics = List.copyOf(diagnostics);
  }

  ConvNetException(String message, Throwable cause) {
    super(message, cause);
    this.diagnostics = List.of();
  }

  /** The diagnostics of a network that failed its check; empty for other problems. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}
