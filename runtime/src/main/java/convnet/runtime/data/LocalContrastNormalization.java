package convnet.runtime.data;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.Network;
import convnet.dsl.lower.Lowering;
import convnet.runtime.errors.UsageError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.Backends;
import convnet.runtime.model.NetworkModel;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Local contrast normalisation of images as preprocessing, computed by the language's {@code N}
 * layer itself: the graph that lowering gives {@code lcn(window=WxW, sigma=S)} on images of the
 * data set's shape, run a batch of images at a time (compiled, else interpreted). Preprocessing and
 * the layer are thus one definition (see the layer's for the equations).
 */
public final class LocalContrastNormalization {
  /** Images normalised per call of the layer's function. */
  static final int BATCH = 64;

  private final int window;
  private final double sigma;

  /** A normaliser with an odd {@code window} and Gaussian standard deviation {@code sigma}. */
  public LocalContrastNormalization(int window, double sigma) {
    if (window < 1 || window % 2 == 0) {
      throw new IllegalArgumentException("window must be odd and positive, not " + window);
    }
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be a positive number, not " + sigma);
    }
    this.window = window;
    this.sigma = sigma;
  }

  /**
   * The one-layer network {@code lcn(window=WxW, sigma=S)} on images of {@code channels × height ×
   * width}; a window the layer refuses for that size (wider than 2n − 1, where it would reach only
   * zero padding) is a {@link DataError}.
   */
  public Network network(int channels, int height, int width) {
    String source =
        String.format(
            Locale.ROOT,
            "network lcn {\n  input %dx%dx%d\n  lcn(window=%dx%d, " + "sigma=%s)\n}\n",
            channels,
            height,
            width,
            window,
            window,
            BigDecimal.valueOf(sigma).toPlainString());
    CheckResult r = Checker.checkSource(source, "preprocess");
    if (!r.ok()) {
      throw new DataError(
          "preprocessing lcn("
              + window
              + ","
              + sigma
              + ") on images of "
              + channels
              + "x"
              + height
              + "x"
              + width
              + ": "
              + r.diagnostics().errors().get(0).message());
    }
    return r.network();
  }

  /**
   * The layer's function on batches of {@code batch} images: input {@code input}, output {@code
   * output}.
   */
  public Function function(int batch, int channels, int height, int width) {
    Network n = network(channels, height, width);
    return new Function(
        "lcn", NetworkModel.simplify(Lowering.lower(n, batch, Lowering.Mode.INFERENCE, false)));
  }

  /**
   * Normalises, in place, the {@code count} images stored one after the other from the start of
   * {@code pixels}, each {@code channels × height × width}.
   */
  public void apply(float[] pixels, int count, int channels, int height, int width) {
    if (count == 0) {
      return;
    }
    int batch = Math.min(BATCH, count);
    Function f = function(batch, channels, height, width);
    Executable run;
    try {
      run = Backends.prepare(f, Backend.COMPILED);
    } catch (UsageError e) {
      // Where the compiled backend is not available, the interpreter computes the same layer.
      run = Backends.prepare(f, Backend.INTERPRETED);
    }
    int size = channels * height * width;
    Shape shape = Shape.of(batch, channels, height, width);
    float[] in = new float[batch * size];
    for (int start = 0; start < count; start += batch) {
      int n = Math.min(batch, count - start);
      // The last batch is padded with blank images: each image is normalised on its own.
      java.util.Arrays.fill(in, 0f);
      System.arraycopy(pixels, start * size, in, 0, n * size);
      double[] out =
          run.run(java.util.Map.of(Lowering.INPUT, Tensor.ofFloats(shape, in)))
              .get(Lowering.OUTPUT)
              .data();
      for (int i = 0; i < n * size; i++) {
        pixels[start * size + i] = (float) out[i];
      }
    }
  }
}
