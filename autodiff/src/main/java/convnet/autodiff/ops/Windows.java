package convnet.autodiff.ops;

/**
 * Window and convolution arithmetic along one axis, the one source for the language's checker, the
 * ops, the interpreter and the compiled kernels: output sizes, the padding limit, where a window
 * starts, which element of a max-pooling window is its argmax and what an average-pooling window is
 * divided by.
 */
public final class Windows {
  private Windows() {}

  /**
   * Convolution output size: floor((in + 2·pad − kernel) / stride) + 1, or 0 when the kernel is
   * larger than the padded input.
   */
  public static int convolvedSize(int in, int kernel, int stride, int pad) {
    long span = (long) in + 2L * pad - kernel;
    return span < 0 ? 0 : (int) (span / stride + 1);
  }

  /**
   * Pooling output size: as {@link #convolvedSize}, or with {@code ceil} rounded up but (as in
   * PyTorch and Caffe) without a last window that would start in the right padding, so every window
   * holds at least one input element (given {@link #padFits}); 0 when the window is larger than the
   * padded input.
   */
  public static int pooledSize(int in, int window, int stride, int pad, boolean ceil) {
    long span = (long) in + 2L * pad - window;
    if (span < 0) {
      return 0;
    }
    long out = (ceil ? Math.floorDiv(span + stride - 1, stride) : span / stride) + 1;
    if (ceil && (out - 1) * stride >= (long) in + pad) {
      out--;
    }
    return (int) out;
  }

  /**
   * Whether pooling padding is at most half the window, so no window lies wholly in the padding.
   */
  public static boolean padFits(int pad, int window) {
    return 2L * pad <= window;
  }

  /**
   * The input coordinate (possibly negative, in the padding) where output window {@code out}
   * starts.
   */
  public static int windowStart(int out, int stride, int pad) {
    return out * stride - pad;
  }

  /**
   * Whether a window element displaces the maximum found so far, elements being visited in
   * row-major order from the window's first input element: it is larger, or it is the window's
   * first NaN. Ties, −0.0 against +0.0 among them, keep the earlier element.
   */
  public static boolean displacesMax(double candidate, double incumbent) {
    return candidate > incumbent || (candidate != candidate && incumbent == incumbent);
  }

  /**
   * An int ordered as {@link #displacesMax} orders floats: −0.0 and +0.0 equal, every NaN equal and
   * above +∞. A window's argmax is its first element of the largest key, for branch-free kernels.
   */
  public static int maxKey(float v) {
    // floatToIntBits makes every NaN the one canonical (positive) NaN; sign and magnitude to two's
    // complement
    // then orders the keys as the floats, with -0.0 and 0.0 both 0. Integer operations only.
    int bits = Float.floatToIntBits(v);
    int sign = bits >> 31;
    return ((bits & 0x7fffffff) ^ sign) - sign;
  }

  /**
   * What every average-pooling window's sum is divided by: the full window, so padding counts as
   * zeros and a ceil-mode window hanging past the padding is still a boxcar filter of fixed gain
   * (Jarrett et al.).
   */
  public static int averageDivisor(int windowH, int windowW) {
    return windowH * windowW;
  }
}
