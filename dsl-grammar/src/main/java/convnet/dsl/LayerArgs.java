package convnet.dsl;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;

/** The fully resolved, typed arguments of a layer, defaults filled in. */
public sealed interface LayerArgs {

  /**
   * A filter bank. {@code table} is null when every output map sees every input map of its group;
   * {@code squash}-style paper layers resolve to {@code activation = TANH}.
   */
  record Conv(
      int maps,
      int kernelHeight,
      int kernelWidth,
      int strideHeight,
      int strideWidth,
      int padHeight,
      int padWidth,
      int groups,
      ConnectionTable table,
      Activation activation,
      boolean gain,
      boolean bias)
      implements LayerArgs {}

  /** Average or max pooling; {@code ceil} selects ceiling rounding of the output size. */
  record Pool(
      int windowHeight,
      int windowWidth,
      int strideHeight,
      int strideWidth,
      int padHeight,
      int padWidth,
      boolean ceil)
      implements LayerArgs {}

  /** Local contrast normalization with a Gaussian window of the given standard deviations. */
  record Lcn(int windowHeight, int windowWidth, double sigmaHeight, double sigmaWidth)
      implements LayerArgs {
    /**
     * The epsilon under the normalization's square root, σ = (w ⋆ v² + ε)^½: it keeps σ's
     * derivative finite where a window is all zeros; it is the epsilon of the PyTorch reference of
     * the benchmarks and far below σ² of any non-blank window.
     */
    public static final double EPSILON = 1e-6;

    /**
     * The Gaussian window [1, maps, h, w]: exp(−dy²/2σh² − dx²/2σw²) around the window's centre,
     * divided by its sum over all maps and positions. Every map's slice is the same array of
     * numbers, which is what lets the {@code sum-maps-first} rewrite turn the convolution over all
     * maps into one over their sum.
     */
    public static Tensor window(int maps, int h, int w, double sigmaH, double sigmaW) {
      double[] plane = new double[h * w];
      double total = 0;
      for (int p = 0; p < h; p++) {
        for (int q = 0; q < w; q++) {
          double dy = p - (h - 1) / 2.0;
          double dx = q - (w - 1) / 2.0;
          double v = Math.exp(-dy * dy / (2 * sigmaH * sigmaH) - dx * dx / (2 * sigmaW * sigmaW));
          plane[p * w + q] = v;
          total += v;
        }
      }
      double norm = total * maps;
      for (int i = 0; i < plane.length; i++) {
        plane[i] /= norm;
      }
      double[] d = new double[maps * h * w];
      for (int m = 0; m < maps; m++) {
        System.arraycopy(plane, 0, d, m * h * w, h * w);
      }
      return Tensor.wrap(Shape.of(1, maps, h, w), d);
    }
  }

  /** A fully connected layer (flattens its input in channel, row, column order). */
  record Dense(int units, boolean bias) implements LayerArgs {}

  /** Dropout with drop probability {@code p} during training, identity at inference. */
  record Dropout(double p) implements LayerArgs {
    /**
     * The name of the graph input that holds the mask of dropout layer {@code layer} in training.
     */
    public static String maskName(String layer) {
      return "mask/" + layer;
    }
  }

  /** Maximum over groups of {@code pieces} consecutive maps. */
  record Maxout(int pieces) implements LayerArgs {}

  /** Krizhevsky's local response normalization across {@code size} neighbouring maps. */
  record Lrn(int size, double alpha, double beta, double k) implements LayerArgs {}

  /**
   * Network in network: a kxk convolution to {@code maps.get(0)} maps, then 1x1 convolutions to
   * each further entry, each followed by the activation.
   */
  record Mlpconv(
      List<Integer> maps,
      int kernelHeight,
      int kernelWidth,
      int stride,
      int pad,
      Activation activation)
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
