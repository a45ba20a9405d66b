package convnet.dsl.lower;

/**
 * A network that is valid but cannot be lowered the way it was asked to be (for example a loss
 * without a classifier).
 */
public final class LoweringException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String hint;

  public LoweringException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  /** What to do about it, or null. */
  public String hint() {
    return hint;
  }
}
