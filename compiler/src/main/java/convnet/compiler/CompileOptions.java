package convnet.compiler;

/**
 * Options of {@link Compiler#compile}.
 *
 * @param inPlaceUpdates write each output {@code new/P} into the buffer of parameter {@code P} (so
 *     one {@link CompiledFunction#run()} also performs the trainer's feedback of new values)
 * @param profile time every kernel call of the program (see {@link CompiledFunction#profile()})
 * @param convEpilogues run the elementwise kernel that follows a convolution (bias, activation,
 *     gain) on each image right after the convolution computed it, instead of as a separate pass;
 *     the results are bitwise the same either way
 * @param poolEpilogues run the elementwise kernel that follows a pooling kernel, forward or
 *     gradient (a rectifier's mask multiply after a max-pool gradient, a dropout mask after a max
 *     pool), on each image right after the pooling kernel wrote it, instead of as a separate pass;
 *     the results are bitwise the same either way
 */
public record CompileOptions(
    boolean inPlaceUpdates, boolean profile, boolean convEpilogues, boolean poolEpilogues) {

  /**
   * {@code -Dconvnet.convEpilogue=false} turns the convolution epilogue off by default (to measure
   * or rule out the fusion).
   */
  static final boolean CONV_EPILOGUES =
      !"false".equalsIgnoreCase(System.getProperty("convnet.convEpilogue"));

  /**
   * {@code -Dconvnet.poolEpilogue=false} turns the pooling epilogue off by default (to measure or
   * rule out the fusion).
   */
  static final boolean POOL_EPILOGUES =
      !"false".equalsIgnoreCase(System.getProperty("convnet.poolEpilogue"));

  /**
   * Separate output buffers, no timing, convolution and pooling epilogues fused (unless turned
   * off).
   */
  public static CompileOptions defaults() {
    return new CompileOptions(false, false, CONV_EPILOGUES, POOL_EPILOGUES);
  }

  public CompileOptions withInPlaceUpdates(boolean value) {
    return new CompileOptions(value, profile, convEpilogues, poolEpilogues);
  }

  public CompileOptions withProfile(boolean value) {
    return new CompileOptions(inPlaceUpdates, value, convEpilogues, poolEpilogues);
  }

  public CompileOptions withConvEpilogues(boolean value) {
    return new CompileOptions(inPlaceUpdates, profile, value, poolEpilogues);
  }

  public CompileOptions withPoolEpilogues(boolean value) {
    return new CompileOptions(inPlaceUpdates, profile, convEpilogues, value);
  }
}
