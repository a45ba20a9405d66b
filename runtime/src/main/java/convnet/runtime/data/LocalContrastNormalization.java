package convnet.runtime.data;

/**
 * Local contrast normalisation of one image, as the {@code N} layer of the language defines it:
 * subtractive v = x − Σ_ipq w_pq x_{i,j+p,k+q}, then divisive y = v / max(c, σ) with
 * σ_jk = (Σ_ipq w_pq v²_{i,j+p,k+q})^½ and c the mean of σ over the image's positions; w is a
 * Gaussian window normalised so Σ_ipq w_pq = 1 over all maps and window positions, borders are
 * zero-padded (window centred).
 */
public final class LocalContrastNormalization {
  private final int window;
  private final float[] kernel1d;

  /** A normaliser with an odd {@code window} and Gaussian standard deviation {@code sigma}. */
  public LocalContrastNormalization(int window, double sigma) {
    if (window < 1 || window % 2 == 0) {
      throw new IllegalArgumentException("window must be odd and positive, not " + window);
    }
    this.window = window;
    double[] g = new double[window];
    double sum = 0;
    int r = window / 2;
    for (int p = 0; p < window; p++) {
      g[p] = Math.exp(-((p - r) * (p - r)) / (2 * sigma * sigma));
      sum += g[p];
    }
    kernel1d = new float[window];
    for (int p = 0; p < window; p++) {
      kernel1d[p] = (float) (g[p] / sum);
    }
  }

  /** The 2-D weight w_pq for one map (before dividing by the number of maps). */
  public double weight(int p, int q) {
    return (double) kernel1d[p] * kernel1d[q];
  }

  /** Normalises the image at {@code x[offset..]} (channels × height × width) in place. */
  public void apply(float[] x, int offset, int channels, int height, int width) {
    int plane = height * width;
    float[] mean = new float[plane];
    float[] sumSquares = new float[plane];
    float[] v = new float[channels * plane];
    float[] tmp = new float[plane];
    // The window sums over all maps, so each map's weight is w_pq / channels.
    float perMap = 1f / channels;
    float[] acc = new float[plane];
    for (int c = 0; c < channels; c++) {
      blur(x, offset + c * plane, height, width, tmp, acc);
      for (int i = 0; i < plane; i++) {
        mean[i] += perMap * acc[i];
      }
    }
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < plane; i++) {
        v[c * plane + i] = x[offset + c * plane + i] - mean[i];
      }
    }
    float[] squares = new float[plane];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < plane; i++) {
        float d = v[c * plane + i];
        squares[i] = d * d;
      }
      blur(squares, 0, height, width, tmp, acc);
      for (int i = 0; i < plane; i++) {
        sumSquares[i] += perMap * acc[i];
      }
    }
    double sigmaSum = 0;
    float[] sigma = sumSquares;
    for (int i = 0; i < plane; i++) {
      sigma[i] = (float) Math.sqrt(Math.max(0f, sumSquares[i]));
      sigmaSum += sigma[i];
    }
    float c = (float) (sigmaSum / plane);
    for (int ch = 0; ch < channels; ch++) {
      for (int i = 0; i < plane; i++) {
        float divisor = Math.max(c, sigma[i]);
        // A constant image has v = 0 everywhere and divisor 0: keep it at 0.
        x[offset + ch * plane + i] = divisor > 0 ? v[ch * plane + i] / divisor : 0f;
      }
    }
  }

  /** Separable Gaussian filter with zero padding: out = w ∗ in over one plane. */
  private void blur(float[] in, int offset, int height, int width, float[] tmp, float[] out) {
    int r = window / 2;
    for (int y = 0; y < height; y++) {
      for (int xx = 0; xx < width; xx++) {
        float s = 0;
        for (int q = 0; q < window; q++) {
          int sx = xx + q - r;
          if (sx >= 0 && sx < width) {
            s += kernel1d[q] * in[offset + y * width + sx];
          }
        }
        tmp[y * width + xx] = s;
      }
    }
    for (int y = 0; y < height; y++) {
      for (int xx = 0; xx < width; xx++) {
        float s = 0;
        for (int p = 0; p < window; p++) {
          int sy = y + p - r;
          if (sy >= 0 && sy < height) {
            s += kernel1d[p] * tmp[sy * width + xx];
          }
        }
        out[y * width + xx] = s;
      }
    }
  }
}
