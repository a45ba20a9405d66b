package convnet.compiler;

/**
 * Options of {@link Compiler#compile}.
 *
 * @param inPlaceUpdates write each output {@code new/P} into the buffer of parameter {@code P} (so
 *     one {@link CompiledFunction#run()} also performs the trainer's feedback of new values)
 * @param profile time every kernel call of the program (see {@link CompiledFunction#profile()})
 */
public record CompileOptions(boolean inPlaceUpdates, boolean profile) {

  /** Separate output buffers, no timing. */
  public static CompileOptions defaults() {
    return new CompileOptions(false, false);
  }

  public CompileOptions withInPlaceUpdates(boolean value) {
    return new CompileOptions(value, profile);
  }

  public CompileOptions withProfile(boolean value) {
    return new CompileOptions(inPlaceUpdates, value);
  }
}
