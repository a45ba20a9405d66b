package convnet.dsl;

import java.util.List;

/** The fully resolved, typed arguments of a layer, defaults filled in. */
public sealed interface LayerArgs {

  /**
   * A filter bank. {@code table} is null when every output map sees every input map of its group;
   * {@code squash}-style paper layers resolve to {@code activation = TANH}.
   */
  record Conv(int maps, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight,
      int padWidth, int groups, ConnectionTable table, Activation activation, boolean gain, boolean bias)
      implements LayerArgs {}

  /** Average or max pooling; {@code ceil} selects ceiling rounding of the output size. */
  record Pool(int windowHeight, int windowWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
      boolean ceil) implements LayerArgs {}

  /** Local contrast normalization with a Gaussian window of the given standard deviations. */
  record Lcn(int windowHeight, int windowWidth, double sigmaHeight, double sigmaWidth) implements LayerArgs {}

  /** A fully connected layer (flattens its input in channel, row, column order). */
  record Dense(int units, boolean bias) implements LayerArgs {}

  /** Dropout with drop probability {@code p} during training, identity at inference. */
  record Dropout(double p) implements LayerArgs {}

  /** Maximum over groups of {@code pieces} consecutive maps. */
  record Maxout(int pieces) implements LayerArgs {}

  /** Krizhevsky's local response normalization across {@code size} neighbouring maps. */
  record Lrn(int size, double alpha, double beta, double k) implements LayerArgs {}

  /**
   * Network in network: a kxk convolution to {@code maps.get(0)} maps, then 1x1 convolutions to
   * each further entry, each followed by the activation.
   */
  record Mlpconv(List<Integer> maps, int kernelHeight, int kernelWidth, int stride, int pad, Activation activation)
      implements LayerArgs {
    public Mlpconv {
      maps = List.copyOf(maps);
    }
  }

  /** The classifier: flatten, dense to {@code classes}, softmax cross-entropy. */
  record Logistic(int classes) implements LayerArgs {}

  /** A user elementwise function: y = body with {@code param} bound to each input value. */
  record Function(String name, String param, Expr body) implements LayerArgs {}

  /** A layer without arguments (abs, relu, tanh, sigmoid). */
  record None() implements LayerArgs {}
}
