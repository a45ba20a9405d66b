package convnet.runtime.cli;

/**
 * An error in the user's files, data or settings: its message is printed as is (it already says
 * where and why) and the command exits with status 1, without a stack trace.
 */
public class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
