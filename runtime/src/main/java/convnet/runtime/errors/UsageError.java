package convnet.runtime.errors;

/** A bad combination of command-line options that picocli cannot see: exit status 2. */
public class UsageError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageError(String message) {
    super(message);
  }
}
