package convnet.runtime.data;

import convnet.runtime.errors.UserError;

/** A data set that cannot be used as asked: the message names the file or spec and the problem. */
public final class DataError extends UserError {
  private static final long serialVersionUID = 1L;

  public DataError(String message) {
    super(message);
  }

  public DataError(String message, Throwable cause) {
    super(message, cause);
  }
}
