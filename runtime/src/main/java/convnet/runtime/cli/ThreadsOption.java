package convnet.runtime.cli;

import convnet.compiler.kernels.Parallel;
import convnet.runtime.errors.UsageError;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --threads N} option of the commands that run compiled code, with its {@code
 * CONVNET_THREADS} default.
 */
public final class ThreadsOption {
  /** The environment variable that sets the thread count when {@code --threads} is not given. */
  public static final String ENV = "CONVNET_THREADS";

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Threads the compiled kernels use (default: the CONVNET_THREADS environment "
              + "variable, else one per core). Results are bitwise the same for any count.")
  String threads;

  /**
   * Sets the process's thread count from the flag, else the environment, else the number of cores.
   */
  public void apply() {
    apply(System.getenv());
  }

  /**
   * {@link #apply()} with {@code env} as the environment; a bad value is bad usage naming its
   * source.
   */
  void apply(Map<String, String> env) {
    Parallel.setThreads(resolve(threads, env));
  }

  static int resolve(String flag, Map<String, String> env) {
    try {
      if (flag != null) {
        return Parallel.parseThreads(flag, "--threads");
      }
      String value = env.get(ENV);
      if (value != null && !value.isBlank()) {
        return Parallel.parseThreads(value, "the environment variable " + ENV);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
    return Runtime.getRuntime().availableProcessors();
  }
}
