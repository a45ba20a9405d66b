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
 * @param convPooling with both epilogues on, also run a forward pooling of a convolution's
 *     activation inside the convolution's per-image pass (off by default: see docs/kernels.md,
 *     "Pooling fusion"); bitwise the same results
 */
public record CompileOptions(
    boolean inPlaceUpdates,
    boolean profile,
    boolean convEpilogues,
    boolean poolEpilogues,
    boolean convPooling) {

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
   * {@code -Dconvnet.convPool=true} turns on running forward poolings inside convolutions by
   * default (to measure it).
   */
  static final boolean CONV_POOLING =
      "true".equalsIgnoreCase(System.getProperty("convnet.convPool"));

  /**
   * Separate output buffers, no timing, convolution and pooling epilogues fused (unless turned
   * off).
   */
  public static CompileOptions defaults() {
    return new CompileOptions(false, false, CONV_EPILOGUES, POOL_EPILOGUES, CONV_POOLING);
  }

  public CompileOptions withInPlaceUpdates(boolean value) {
    return new CompileOptions(value, profile, convEpilogues, poolEpilogues, convPooling);
  }

  public CompileOptions withProfile(boolean value) {
    return new CompileOptions(inPlaceUpdates, value, convEpilogues, poolEpilogues, convPooling);
  }

  public CompileOptions withConvEpilogues(boolean value) {
    return new CompileOptions(inPlaceUpdates, profile, value, poolEpilogues, convPooling);
  }

  public CompileOptions withPoolEpilogues(boolean value) {
    return new CompileOptions(inPlaceUpdates, profile, convEpilogues, value, convPooling);
  }

  public CompileOptions withConvPooling(boolean value) {
    return new CompileOptions(inPlaceUpdates, profile, convEpilogues, poolEpilogues, value);
  }
}
