package convnet.runtime.data;

import java.util.Locale;

/**
 * Input preprocessing as in the literature, applied once per image before training: optional
 * per-image standardisation (subtract the image's mean, divide by its standard deviation) and an
 * optional local contrast normalisation of the input with a Gaussian window.
 *
 * <p>The default ({@link #DEFAULT}) is per-image standardisation on and local contrast
 * normalisation off: standardisation is what Jarrett et al. and most later work apply to the raw
 * input, while input LCN is a choice of architecture. Spelled as text:
 * {@code none}, {@code standardize}, {@code lcn}, {@code lcn(9)}, {@code lcn(9,2.0)},
 * {@code standardize,lcn(7)}.
 */
public record Preprocessing(boolean standardize, boolean lcn, int lcnWindow, double lcnSigma) {
  /** Per-image standardisation, no input LCN. */
  public static final Preprocessing DEFAULT = new Preprocessing(true, false, 9, 9 / 4.0);
  /** Pixels as read, in [0, 1]. */
  public static final Preprocessing NONE = new Preprocessing(false, false, 9, 9 / 4.0);

  public Preprocessing {
    if (lcnWindow < 1 || lcnWindow % 2 == 0) {
      throw new IllegalArgumentException("LCN window must be odd and positive, not " + lcnWindow);
    }
    if (!(lcnSigma > 0)) {
      throw new IllegalArgumentException("LCN sigma must be positive, not " + lcnSigma);
    }
  }

  /** Parses the text form described in the class comment; a bad form is a {@link DataError}. */
  public static Preprocessing parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("none") || s.isEmpty()) {
      return NONE;
    }
    boolean standardize = false;
    boolean lcn = false;
    int window = 9;
    double sigma = Double.NaN;
    for (String part : s.split(",(?![^(]*\\))")) {
      String p = part.strip();
      if (p.equals("standardize") || p.equals("standardise")) {
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
          throw new DataError("preprocessing '" + text + "': bad '" + p
              + "' (expected lcn(WINDOW) or lcn(WINDOW,SIGMA), e.g. lcn(9) or lcn(9,2.25))");
        }
        if (window < 1 || window % 2 == 0) {
          throw new DataError("preprocessing '" + text + "': the LCN window must be an odd "
              + "positive size, not " + window);
        }
      } else {
        throw new DataError("preprocessing '" + text + "': unknown step '" + p
            + "' (expected none, standardize, lcn, lcn(WINDOW) or lcn(WINDOW,SIGMA))");
      }
    }
    if (Double.isNaN(sigma)) {
      sigma = window / 4.0;
    } else if (!(sigma > 0)) {
      throw new DataError("preprocessing '" + text + "': the LCN sigma must be positive");
    }
    return new Preprocessing(standardize, lcn, window, sigma);
  }

  /** The text form, parseable by {@link #parse}. */
  @Override
  public String toString() {
    if (!standardize && !lcn) {
      return "none";
    }
    String l = "lcn(" + lcnWindow + "," + lcnSigma + ")";
    return standardize ? (lcn ? "standardize," + l : "standardize") : l;
  }

  /** The data set with every image preprocessed (standardisation first, then LCN). */
  public Dataset apply(Dataset data) {
    if (!standardize && !lcn) {
      return data;
    }
    float[] pixels = data.pixelsCopy();
    int n = data.imageSize();
    LocalContrastNormalization norm =
        lcn ? new LocalContrastNormalization(lcnWindow, lcnSigma) : null;
    java.util.stream.IntStream.range(0, data.size()).parallel().forEach(i -> {
      if (standardize) {
        standardize(pixels, i * n, n);
      }
      if (norm != null) {
        norm.apply(pixels, i * n, data.channels(), data.height(), data.width());
      }
    });
    return data.withPixels(pixels);
  }

  /** Both splits preprocessed. */
  public DataSplits apply(DataSplits splits) {
    return splits.map(this::apply);
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
