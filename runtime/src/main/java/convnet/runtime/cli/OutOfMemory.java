package convnet.runtime.cli;

import convnet.runtime.errors.UserError;
import java.util.concurrent.Callable;

/**
 * Runs a command's work and turns running out of Java heap into a user error: the work is
 * abandoned, its arrays are garbage, and the user can act on the advice (smaller batch, more heap).
 */
final class OutOfMemory {
  private OutOfMemory() {}

  static Integer guard(String doing, Callable<Integer> work) throws Exception {
    try {
      return work.call();
    } catch (OutOfMemoryError e) {
      throw new UserError(message(doing));
    }
  }

  /** What to tell the user who ran out of heap while {@code doing} something. */
  static String message(String doing) {
    return String.format(
        java.util.Locale.ROOT,
        "out of memory while %s (Java may "
            + "use %.1f GB); use a smaller network, batch or data set, or give Java more memory "
            + "(CONVNET_JAVA_OPTS=-Xmx...)",
        doing,
        Runtime.getRuntime().maxMemory() / 1e9);
  }
}
