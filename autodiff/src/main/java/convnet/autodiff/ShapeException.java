package convnet.autodiff;

/**
 * A graph node whose inputs have incompatible shapes or attributes; carries the provenance of the
 * node being built.
 */
public final class ShapeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String provenance;
  private final String detail;

  public ShapeException(String detail) {
    this(detail, null);
  }

  public ShapeException(String detail, String provenance) {
    super(provenance == null || provenance.isEmpty() ? detail : provenance + ": " + detail);
    this.detail = detail;
    this.provenance = provenance;
  }

  /** Where the failing node came from (for example a layer name), or null when unknown. */
  public String provenance() {
    return provenance;
  }

  /** The message without the provenance prefix. */
  public String detail() {
    return detail;
  }
}
