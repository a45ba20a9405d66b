package convnet.compiler.gen;

/**
 * Thrown when one output of a kernel needs more bytecode than a JIT-compiled method may have; the
 * compiler then partitions the graph again into smaller kernels.
 */
public final class KernelTooLargeException extends IllegalArgumentException {
  KernelTooLargeException(String message) {
    super(message);
  }
}
