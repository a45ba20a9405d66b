package convnet.runtime.api;

/**
 * One error or warning about a network's text: where (file, line and column from 1, length of the
 * marked span), what, and an optional hint; {@link #rendered()} is the text the command line
 * prints, with the source line and a caret.
 */
public record Diagnostic(
    boolean error,
    String file,
    int line,
    int column,
    int length,
    String message,
    String hint,
    String rendered) {}
