package convnet.runtime.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import convnet.dsl.TrainSpec;
import java.util.Locale;

/**
 * Input preprocessing as in the literature, applied once per image before training, in this order:
 * an optional bilinear resize to H×W, an optional zero padding of P pixels on every side (LeCun et
 * al. 1998 padded the 28×28 MNIST digits to 32×32), optional per-image standardisation (subtract
 * the image's mean, divide by its standard deviation) and an optional local contrast normalisation
 * of the input with a Gaussian window.
 *
 * <p>The default ({@link #DEFAULT}) is per-image standardisation on and everything else off:
 * standardisation is what Jarrett et al. and most later work apply to the raw input, while input
 * LCN is a choice of architecture. Spelled as text: {@code none}, {@code standardize}, {@code lcn},
 * {@code lcn(9)}, {@code lcn(9,2.0)}, {@code pad(2)}, {@code resize(32x32)}, {@code
 * pad(2),standardize}, {@code standardize,lcn(7)}. {@code resizeHeight} and {@code resizeWidth} are
 * 0 when there is no resize, {@code pad} is 0 when there is no padding.
 */
public record Preprocessing(
    boolean standardize,
    boolean lcn,
    int lcnWindow,
    double lcnSigma,
    int pad,
    int resizeHeight,
    int resizeWidth) {
  /** Per-image standardisation, no input LCN. */
  public static final Preprocessing DEFAULT = new Preprocessing(true, false, 9, 9 / 4.0);

  /** Pixels as read, in [0, 1]. */
  public static final Preprocessing NONE = new Preprocessing(false, false, 9, 9 / 4.0);

  /** The largest padding, in pixels per side: more would make an image mostly border. */
  public static final int MAX_PAD = 1024;

  /** The largest side of a resize: larger images than this would not fit the memory of one run. */
  public static final int MAX_RESIZE = 4096;

  /** The largest input LCN window: past it the Gaussian is flatter than any image here is wide. */
  public static final int MAX_LCN_WINDOW = 255;

  public Preprocessing {
    if (lcnWindow < 1 || lcnWindow % 2 == 0) {
      throw new IllegalArgumentException("LCN window must be odd and positive, not " + lcnWindow);
    }
    if (!(lcnSigma > 0)) {
      throw new IllegalArgumentException("LCN sigma must be positive, not " + lcnSigma);
    }
    if (pad < 0 || pad > MAX_PAD) {
      throw new IllegalArgumentException("padding must be in 0.." + MAX_PAD + ", not " + pad);
    }
    if ((resizeHeight == 0) != (resizeWidth == 0)
        || resizeHeight < 0
        || resizeWidth < 0
        || resizeHeight > MAX_RESIZE
        || resizeWidth > MAX_RESIZE) {
      throw new IllegalArgumentException("bad resize " + resizeHeight + "x" + resizeWidth);
    }
  }

  /** Standardisation and LCN only, without resize or padding. */
  public Preprocessing(boolean standardize, boolean lcn, int lcnWindow, double lcnSigma) {
    this(standardize, lcn, lcnWindow, lcnSigma, 0, 0, 0);
  }

  /** Whether images are resized (to {@link #resizeHeight()} × {@link #resizeWidth()}). */
  public boolean resizes() {
    return resizeHeight > 0;
  }

  /**
   * The height and width images must have before preprocessing so that they come out as {@code
   * height × width}; with a resize, any size comes out right, and this is the size a folder of
   * images is read at. A {@link DataError} when the steps cannot produce that size.
   */
  public int[] sizeBefore(int height, int width) {
    if (resizes() && (resizeHeight + 2 * pad != height || resizeWidth + 2 * pad != width)) {
      throw new DataError(
          "preprocessing '"
              + this
              + "' makes images of "
              + (resizeHeight + 2 * pad)
              + "x"
              + (resizeWidth + 2 * pad)
              + " but the network's input is "
              + height
              + "x"
              + width
              + (pad > 0 ? "" : "; use resize(" + height + "x" + width + ")"));
    }
    if (height - 2 * pad < 1 || width - 2 * pad < 1) {
      throw new DataError(
          "preprocessing '"
              + this
              + "': padding "
              + pad
              + " pixels on every side "
              + "leaves nothing of the network's "
              + height
              + "x"
              + width
              + " input for the image");
    }
    return new int[] {height - 2 * pad, width - 2 * pad};
  }

  /** The preprocessing of a {@code train} block, as the parser typed (and checked) it. */
  public static Preprocessing of(TrainSpec.Preprocess p) {
    return new Preprocessing(
        p.standardize(),
        p.lcn(),
        p.lcnWindow(),
        p.lcnSigma(),
        p.pad(),
        p.resizeHeight(),
        p.resizeWidth());
  }

  /**
   * Parses the text form described in the class comment; a bad form is a {@link DataError}. Also
   * how a saved setting is read back from JSON.
   */
  @JsonCreator
  public static Preprocessing parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("none") || s.isEmpty()) {
      return NONE;
    }
    boolean standardize = false;
    boolean lcn = false;
    int window = 9;
    double sigma = Double.NaN;
    int pad = 0;
    int[] resize = {0, 0};
    for (String part : s.split(",(?![^(]*\\))")) {
      String p = part.strip();
      if (p.startsWith("pad(") && p.endsWith(")")) {
        pad = whole(text, p, p.substring(4, p.length() - 1), "pad(PIXELS), e.g. pad(2)");
        if (pad < 1 || pad > MAX_PAD) {
          throw new DataError(
              "preprocessing '"
                  + text
                  + "': the padding must be 1 to "
                  + MAX_PAD
                  + " pixels per side (more would make the image mostly border), not "
                  + pad);
        }
      } else if (p.startsWith("resize(") && p.endsWith(")")) {
        String[] hw = p.substring(7, p.length() - 1).strip().split("x", -1);
        String form = "resize(HxW), e.g. resize(32x32)";
        if (hw.length != 2) {
          throw new DataError(
              "preprocessing '" + text + "': bad '" + p + "' (expected " + form + ")");
        }
        resize = new int[] {whole(text, p, hw[0], form), whole(text, p, hw[1], form)};
        if (resize[0] < 1 || resize[1] < 1 || resize[0] > MAX_RESIZE || resize[1] > MAX_RESIZE) {
          throw new DataError(
              "preprocessing '"
                  + text
                  + "': a resize must be 1 to "
                  + MAX_RESIZE
                  + " pixels each way (larger images would not fit in memory), not "
                  + resize[0]
                  + "x"
                  + resize[1]);
        }
      } else if (p.equals("standardize") || p.equals("standardise")) {
        standardize = true;
      } else if (p.equals("lcn")) {
        lcn = true;
      } else if (p.startsWith("lcn(") && p.endsWith(")")) {
        lcn = true;
        String[] args = p.substring(4, p.length() - 1).split(",");
        try {
          window = Integer.parseInt(args[0].strip());
          if (args.length > 2) {
            throw new NumberFormatException();
          }
          if (args.length == 2) {
            sigma = Double.parseDouble(args[1].strip());
          }
        } catch (NumberFormatException e) {
          throw new DataError(
              "preprocessing '"
                  + text
                  + "': bad '"
                  + p
                  + "' (expected lcn(WINDOW) or lcn(WINDOW,SIGMA), e.g. lcn(9) or lcn(9,2.25))");
        }
        if (window < 1 || window % 2 == 0 || window > MAX_LCN_WINDOW) {
          throw new DataError(
              "preprocessing '"
                  + text
                  + "': the LCN window must be an odd "
                  + "size from 1 to "
                  + MAX_LCN_WINDOW
                  + " (a wider Gaussian is flat over any image), not "
                  + window);
        }
      } else {
        throw new DataError(
            "preprocessing '"
                + text
                + "': unknown step '"
                + p
                + "' (expected none, or any of resize(HxW), pad(P), standardize, lcn, lcn(WINDOW) and "
                + "lcn(WINDOW,SIGMA) joined by commas)");
      }
    }
    if (Double.isNaN(sigma)) {
      sigma = window / 4.0;
    } else if (!(sigma > 0)) {
      throw new DataError("preprocessing '" + text + "': the LCN sigma must be positive");
    }
    return new Preprocessing(standardize, lcn, window, sigma, pad, resize[0], resize[1]);
  }

  private static int whole(String text, String step, String number, String form) {
    try {
      return Integer.parseInt(number.strip());
    } catch (NumberFormatException e) {
      throw new DataError(
          "preprocessing '" + text + "': bad '" + step + "' (expected " + form + ")");
    }
  }

  /** The text form, parseable by {@link #parse}. */
  @JsonValue
  @Override
  public String toString() {
    return new TrainSpec.Preprocess(
            resizeHeight, resizeWidth, pad, standardize, lcn, lcnWindow, lcnSigma)
        .text();
  }

  /** The data set with every image preprocessed (resize, padding, standardisation, then LCN). */
  public Dataset apply(Dataset original) {
    Dataset sized = resizes() ? resize(original, resizeHeight, resizeWidth) : original;
    Dataset data = pad > 0 ? pad(sized, pad) : sized;
    if (!standardize && !lcn) {
      return data;
    }
    float[] pixels = data.pixelsCopy();
    int n = data.imageSize();
    if (standardize) {
      java.util.stream.IntStream.range(0, data.size())
          .parallel()
          .forEach(i -> standardize(pixels, i * n, n));
    }
    if (lcn) {
      new LocalContrastNormalization(lcnWindow, lcnSigma)
          .apply(pixels, data.size(), data.channels(), data.height(), data.width());
    }
    return data.withPixels(pixels);
  }

  /** Both splits preprocessed. */
  public DataSplits apply(DataSplits splits) {
    return splits.map(this::apply);
  }

  /**
   * Every image resized to {@code height × width} by bilinear interpolation, sampling at pixel
   * centres (PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}, without
   * antialiasing); the same size is returned as is.
   */
  static Dataset resize(Dataset data, int height, int width) {
    int ih = data.height();
    int iw = data.width();
    if (ih == height && iw == width) {
      return data;
    }
    int c = data.channels();
    long values = (long) data.size() * c * height * width;
    if (values > Integer.MAX_VALUE - 8) {
      throw new DataError(
          String.format(
              Locale.ROOT,
              "%s: %,d images resized to %dx%dx%d are %,d " + "values, too many to hold in memory",
              data.name(),
              data.size(),
              c,
              height,
              width,
              values));
    }
    int[] y0 = new int[height];
    int[] y1 = new int[height];
    float[] fy = new float[height];
    axis(ih, height, y0, y1, fy);
    int[] x0 = new int[width];
    int[] x1 = new int[width];
    float[] fx = new float[width];
    axis(iw, width, x0, x1, fx);
    float[] src = new float[data.imageSize()];
    float[] out = new float[(int) values];
    int outSize = c * height * width;
    for (int i = 0; i < data.size(); i++) {
      data.copyImage(i, src, 0);
      for (int ch = 0; ch < c; ch++) {
        int plane = ch * ih * iw;
        int dst = i * outSize + ch * height * width;
        for (int y = 0; y < height; y++) {
          int r0 = plane + y0[y] * iw;
          int r1 = plane + y1[y] * iw;
          for (int x = 0; x < width; x++) {
            float top = src[r0 + x0[x]] + (src[r0 + x1[x]] - src[r0 + x0[x]]) * fx[x];
            float bottom = src[r1 + x0[x]] + (src[r1 + x1[x]] - src[r1 + x0[x]]) * fx[x];
            out[dst + y * width + x] = top + (bottom - top) * fy[y];
          }
        }
      }
    }
    return new Dataset(data.name(), c, height, width, data.classNames(), out, data.labels());
  }

  /** For each output coordinate: the two source coordinates and the weight of the second. */
  private static void axis(int in, int outSize, int[] lo, int[] hi, float[] frac) {
    double scale = (double) in / outSize;
    for (int o = 0; o < outSize; o++) {
      double s = Math.max(0, (o + 0.5) * scale - 0.5);
      int a = Math.min((int) Math.floor(s), in - 1);
      lo[o] = a;
      hi[o] = Math.min(a + 1, in - 1);
      frac[o] = (float) (s - a);
    }
  }

  /** Every image with {@code p} zero pixels added on each side. */
  static Dataset pad(Dataset data, int p) {
    int c = data.channels();
    int ih = data.height();
    int iw = data.width();
    int height = ih + 2 * p;
    int width = iw + 2 * p;
    long values = (long) data.size() * c * height * width;
    if (values > Integer.MAX_VALUE - 8) {
      throw new DataError(
          String.format(
              Locale.ROOT,
              "%s: %,d images padded to %dx%dx%d are %,d " + "values, too many to hold in memory",
              data.name(),
              data.size(),
              c,
              height,
              width,
              values));
    }
    float[] src = new float[data.imageSize()];
    float[] out = new float[(int) values];
    int outSize = c * height * width;
    for (int i = 0; i < data.size(); i++) {
      data.copyImage(i, src, 0);
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < ih; y++) {
          System.arraycopy(
              src, (ch * ih + y) * iw, out, i * outSize + (ch * height + y + p) * width + p, iw);
        }
      }
    }
    return new Dataset(data.name(), c, height, width, data.classNames(), out, data.labels());
  }

  /**
   * (x − mean) / max(std, 1/√n) over one image of n values. The floor on the deviation (as in
   * TensorFlow's per_image_standardization) keeps a constant image at zero instead of dividing by
   * zero.
   */
  public static void standardize(float[] x, int offset, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += x[offset + i];
    }
    double mean = sum / n;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double d = x[offset + i] - mean;
      squares += d * d;
    }
    double std = Math.max(Math.sqrt(squares / n), 1 / Math.sqrt(n));
    float m = (float) mean;
    float scale = (float) (1 / std);
    for (int i = 0; i < n; i++) {
      x[offset + i] = (x[offset + i] - m) * scale;
    }
  }
}
