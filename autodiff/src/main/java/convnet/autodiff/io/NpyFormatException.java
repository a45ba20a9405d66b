package convnet.autodiff.io;

import java.io.IOException;

/**
 * A .npy or .npz file that cannot be read: the message names the file (and entry) and the problem.
 */
public final class NpyFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public NpyFormatException(String message) {
    super(message);
  }

  public NpyFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
