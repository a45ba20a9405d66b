package convnet.compiler;

/**
 * Thrown by {@link Compiler#compile} when the compiling thread is interrupted: compilation checks
 * between passes and between kernels, so a long compilation can be abandoned without waiting for it
 * to end.
 */
public final class CompilationInterruptedException extends RuntimeException {
  CompilationInterruptedException(String stage) {
    super("compilation interrupted " + stage);
  }

  /**
   * Throws (and clears the flag, as {@link InterruptedException} does) when this thread has been
   * interrupted.
   */
  static void checkInterrupt(String stage) {
    if (Thread.interrupted()) {
      throw new CompilationInterruptedException(stage);
    }
  }
}
