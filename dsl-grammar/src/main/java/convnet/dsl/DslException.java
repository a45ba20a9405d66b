package convnet.dsl;

/** A source that cannot be used, carrying every diagnostic found in it (at least one error). */
public final class DslException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Diagnostics diagnostics;

  public DslException(Diagnostics diagnostics) {
    super(diagnostics.all().isEmpty() ? "invalid source" : diagnostics.all().get(0).headline());
    this.diagnostics = diagnostics;
  }

  public DslException(Diagnostic diagnostic) {
    this(Diagnostics.of(diagnostic));
  }

  public Diagnostics diagnostics() {
    return diagnostics;
  }
}
