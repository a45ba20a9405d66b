package convnet.runtime.model;

import convnet.autodiff.DType;
import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Interpreter;
import convnet.compiler.CompileOptions;
import convnet.compiler.Compiler;
import convnet.runtime.errors.UsageError;

/** The one place that turns a function into something to run for a chosen {@link Backend}. */
public final class Backends {
  private Backends() {}

  /** {@code f} ready to run in float32. */
  public static Executable prepare(Function f, Backend backend) {
    return prepare(f, backend, DType.F32);
  }

  /** {@code f} ready to run in the given precision. */
  public static Executable prepare(Function f, Backend backend, DType dtype) {
    return switch (backend) {
      case INTERPRETED -> Interpreter.compile(f, dtype);
      case COMPILED -> {
        if (dtype != DType.F32) {
          throw new UsageError(
              "the compiled backend runs in float32 only; use --backend interpreted for "
                  + dtype.name().toLowerCase(java.util.Locale.ROOT));
        }
        yield Compiler.compile(f, CompileOptions.defaults());
      }
    };
  }

  /**
   * {@code f} ready to run in float32, a training step: compiled, each {@code new/P} output is
   * written into parameter P's own buffer where the compiler finds that safe, so a step called in
   * place advances its parameters without a copy.
   */
  public static Executable prepareStep(Function f, Backend backend) {
    return backend == Backend.COMPILED
        ? Compiler.compile(f, CompileOptions.defaults().withInPlaceUpdates(true))
        : prepare(f, backend);
  }
}
