package convnet.runtime.data;

import com.fasterxml.jackson.annotation.JsonValue;
import convnet.dsl.AugmentSteps;
import convnet.dsl.TrainSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training-time augmentation of one image: a list of steps applied in order, each one of {@link
 * AugmentSteps#KINDS}.
 *
 * <ul>
 *   <li>{@code flip}: mirrored left to right with probability ½.
 *   <li>{@code crop(pad=P)}: padded by P zeros on every side and cropped back at a random place,
 *       that is shifted by a whole number of pixels in [−P, P] each way.
 *   <li>{@code translate(px=T)}: shifted by a real amount in [−T, T] each way, bilinear.
 *   <li>{@code rotate(degrees=D)}: rotated about the image centre by an angle in [−D, D].
 *   <li>{@code scale(min=A, max=B)}: zoomed about the centre by a factor in [A, B].
 *   <li>{@code elastic(sigma=4, alpha=34)}: Simard, Steinkraus &amp; Platt (2003): a displacement
 *       field uniform in [−1, 1] per pixel and axis, smoothed by a Gaussian of standard deviation σ
 *       (truncated at 4σ, zeros beyond the border), scaled by α, applied with bilinear
 *       interpolation.
 * </ul>
 *
 * <p>Pixels that come from outside the image are 0: the image's mean after standardisation. Every
 * resampling is a convex combination of input pixels and that 0, so an augmented image stays within
 * [min(x, 0), max(x, 0)]. All random choices are drawn, step after step, from one stream that is a
 * pure function of (seed, epoch, image index in the data set), so a resumed run augments exactly as
 * an uninterrupted one, whatever the batch order or thread.
 *
 * <p>Text form: {@code none}, or steps joined by commas, as in {@code
 * flip,crop(pad=4),elastic(sigma=4,alpha=34)}; positional arguments work too ({@code crop(4)}).
 */
public final class Augmentation {
  /** No augmentation. */
  public static final Augmentation NONE = new Augmentation(List.of());

  private static final long STREAM = 0x41554755L;

  private final List<TrainSpec.Augmentation> steps;

  /** Augmentation by {@code steps}, in order; each must be a valid step of {@link AugmentSteps}. */
  public Augmentation(List<TrainSpec.Augmentation> steps) {
    for (TrainSpec.Augmentation s : steps) {
      AugmentSteps.Kind kind = s.kind().kind();
      if (s.args().size() != kind.params().size()) {
        throw new IllegalArgumentException(
            kind.name() + " takes " + kind.params().size() + " arguments, not " + s.args());
      }
      for (int i = 0; i < s.args().size(); i++) {
        AugmentSteps.Param p = kind.params().get(i);
        double v = s.args().get(i);
        if (!(v >= p.min() && v <= p.max()) || (p.integer() && v != Math.rint(v))) {
          throw new IllegalArgumentException(
              p.name() + " of " + kind.name() + " " + AugmentSteps.bounds(p) + ", not " + v);
        }
      }
      if (s.kind() == AugmentSteps.Step.SCALE && s.args().get(0) > s.args().get(1)) {
        throw new IllegalArgumentException("scale min > max: " + s.args());
      }
    }
    this.steps = List.copyOf(steps);
  }

  /** The steps, in the order they apply. */
  public List<TrainSpec.Augmentation> steps() {
    return steps;
  }

  /**
   * Whether this changes no image: no steps, or only steps whose parameters make them the identity.
   */
  public boolean isIdentity() {
    for (TrainSpec.Augmentation s : steps) {
      List<Double> a = s.args();
      boolean identity =
          switch (s.kind()) {
            case FLIP -> false;
            case SCALE -> a.get(0) == 1 && a.get(1) == 1;
            case ELASTIC -> a.get(1) == 0;
            case CROP, TRANSLATE, ROTATE -> a.get(0) == 0;
          };
      if (!identity) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses the text form; a bad form is a {@link DataError} that names the step and, for a value
   * out of bounds, the bounds and why they are there.
   */
  public static Augmentation parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
    if (s.isEmpty() || s.equals("none")) {
      return NONE;
    }
    List<TrainSpec.Augmentation> steps = new ArrayList<>();
    for (String part : s.split(",(?![^(]*\\))")) {
      steps.add(parseStep(text, part));
    }
    return new Augmentation(steps);
  }

  private static TrainSpec.Augmentation parseStep(String text, String part) {
    int open = part.indexOf('(');
    String name = open < 0 ? part : part.substring(0, open);
    String prefix = "augmentation '" + text.strip() + "': ";
    AugmentSteps.Kind kind =
        AugmentSteps.kind(name)
            .orElseThrow(
                () ->
                    new DataError(
                        prefix
                            + "unknown step '"
                            + part
                            + "' (expected none or a list of "
                            + AugmentSteps.examples()
                            + ")"));
    List<String> args = List.of();
    if (open >= 0) {
      if (!part.endsWith(")")) {
        throw new DataError(prefix + "'" + part + "' lacks its closing parenthesis");
      }
      String inside = part.substring(open + 1, part.length() - 1);
      args = inside.isEmpty() ? List.of() : List.of(inside.split(","));
    }
    if (args.size() > kind.params().size()) {
      throw new DataError(
          prefix
              + "'"
              + part
              + "': "
              + name
              + " takes "
              + (kind.params().isEmpty()
                  ? "no arguments"
                  : "at most " + kind.params().size() + " (" + kind.example() + ")"));
    }
    Double[] values = new Double[kind.params().size()];
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int eq = arg.indexOf('=');
      int at = i;
      if (eq >= 0) {
        String key = arg.substring(0, eq);
        at = -1;
        for (int k = 0; k < kind.params().size(); k++) {
          if (kind.params().get(k).name().equals(key)) {
            at = k;
          }
        }
        if (at < 0) {
          throw new DataError(
              prefix
                  + "'"
                  + part
                  + "': "
                  + name
                  + " has no argument '"
                  + key
                  + "' ("
                  + kind.example()
                  + ")");
        }
        arg = arg.substring(eq + 1);
      }
      if (values[at] != null) {
        throw new DataError(
            prefix + "'" + part + "': " + kind.params().get(at).name() + " is given twice");
      }
      AugmentSteps.Param p = kind.params().get(at);
      double v;
      try {
        v = Double.parseDouble(arg);
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (Double.isNaN(v) || (p.integer() && v != Math.rint(v))) {
        throw new DataError(
            prefix
                + "'"
                + part
                + "': "
                + p.name()
                + " must be "
                + (p.integer() ? "a whole number" : "a number")
                + ", found '"
                + arg
                + "' ("
                + kind.example()
                + ")");
      }
      if (!(v >= p.min() && v <= p.max())) {
        throw new DataError(
            prefix
                + "'"
                + part
                + "': "
                + p.name()
                + " "
                + AugmentSteps.bounds(p)
                + ", found "
                + arg);
      }
      values[at] = v;
    }
    List<Double> filled = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      AugmentSteps.Param p = kind.params().get(i);
      if (values[i] == null) {
        if (p.required()) {
          throw new DataError(
              prefix
                  + "'"
                  + part
                  + "': "
                  + name
                  + " needs "
                  + p.name()
                  + " ("
                  + kind.example()
                  + ")");
        }
        values[i] = p.dflt();
      }
      filled.add(values[i]);
    }
    if (name.equals("scale") && filled.get(0) > filled.get(1)) {
      throw new DataError(
          prefix
              + "'"
              + part
              + "': min "
              + AugmentSteps.fmt(filled.get(0))
              + " is larger than max "
              + AugmentSteps.fmt(filled.get(1)));
    }
    return new TrainSpec.Augmentation(AugmentSteps.Step.of(name).orElseThrow(), filled);
  }

  /**
   * Checks that the shifts fit images of {@code height} × {@code width}: a shift by more than half
   * the image leaves less of it than it fills with zeros, so it is refused with the largest that
   * fits.
   */
  public void checkFits(int height, int width) {
    int limit = Math.min(height, width) / 2;
    for (TrainSpec.Augmentation s : steps) {
      if ((s.kind() == AugmentSteps.Step.CROP || s.kind() == AugmentSteps.Step.TRANSLATE)
          && s.args().get(0) > limit) {
        throw new DataError(
            "augmentation "
                + s.text()
                + " shifts images of "
                + height
                + "x"
                + width
                + " by up to "
                + AugmentSteps.fmt(s.args().get(0))
                + " pixels, which can "
                + "leave less of them than it fills with zeros; use at most "
                + limit
                + " (half the image side)");
      }
    }
  }

  /** The text form, parseable by {@link #parse}. */
  @JsonValue
  @Override
  public String toString() {
    if (steps.isEmpty()) {
      return "none";
    }
    return String.join(",", steps.stream().map(TrainSpec.Augmentation::text).toList());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Augmentation a && a.steps.equals(steps);
  }

  @Override
  public int hashCode() {
    return steps.hashCode();
  }

  /** The random stream of one image: every choice of every step comes from it, in order. */
  static SplittableRandom randomFor(long seed, int epoch, int index) {
    return new SplittableRandom(Seeds.mix(seed, STREAM, epoch, index));
  }

  /**
   * Augments the image at {@code x[offset..]} (channels × height × width) in place, with choices
   * drawn from (seed, epoch, index). {@code scratch} must hold at least one image (it may be null
   * when {@link #isIdentity()}).
   */
  public void apply(
      float[] x,
      int offset,
      int channels,
      int height,
      int width,
      long seed,
      int epoch,
      int index,
      float[] scratch) {
    if (isIdentity()) {
      return;
    }
    SplittableRandom random = randomFor(seed, epoch, index);
    Image image = new Image(x, offset, channels, height, width, scratch);
    for (TrainSpec.Augmentation s : steps) {
      List<Double> a = s.args();
      switch (s.kind()) {
        case FLIP -> {
          if (random.nextBoolean()) {
            image.shift(true, 0, 0);
          }
        }
        case CROP -> {
          int pad = (int) (double) a.get(0);
          int dy = pad > 0 ? random.nextInt(-pad, pad + 1) : 0;
          int dx = pad > 0 ? random.nextInt(-pad, pad + 1) : 0;
          if (dy != 0 || dx != 0) {
            image.shift(false, dy, dx);
          }
        }
        case TRANSLATE -> {
          double t = a.get(0);
          double dy = t > 0 ? random.nextDouble(-t, t) : 0;
          double dx = t > 0 ? random.nextDouble(-t, t) : 0;
          if (dy != 0 || dx != 0) {
            image.affine(1, 0, 0, 1, dy, dx);
          }
        }
        case ROTATE -> {
          double d = a.get(0);
          double angle = d > 0 ? Math.toRadians(random.nextDouble(-d, d)) : 0;
          if (angle != 0) {
            // Sampling maps each output pixel back by the inverse rotation.
            double c = Math.cos(angle);
            double sn = Math.sin(angle);
            image.affine(c, sn, -sn, c, 0, 0);
          }
        }
        case SCALE -> {
          double lo = a.get(0);
          double hi = a.get(1);
          double f = hi > lo ? random.nextDouble(lo, hi) : lo;
          if (f != 1) {
            image.affine(1 / f, 0, 0, 1 / f, 0, 0);
          }
        }
        case ELASTIC -> {
          double sigma = a.get(0);
          double alpha = a.get(1);
          float[][] field = elasticField(random, height, width, sigma, alpha);
          if (alpha != 0) {
            image.displace(field[0], field[1]);
          }
        }
      }
    }
  }

  /**
   * The displacement field of {@code elastic}: {@code [dy, dx]}, each height × width, drawn as
   * {@code 2·height·width} uniforms from {@code random} (the row-major dy plane first), smoothed by
   * a Gaussian of standard deviation σ truncated at 4σ with zeros beyond the border, scaled by α.
   */
  static float[][] elasticField(
      SplittableRandom random, int height, int width, double sigma, double alpha) {
    int n = height * width;
    double[] dy = new double[n];
    double[] dx = new double[n];
    for (int i = 0; i < n; i++) {
      dy[i] = random.nextDouble() * 2 - 1;
    }
    for (int i = 0; i < n; i++) {
      dx[i] = random.nextDouble() * 2 - 1;
    }
    double[] kernel = gaussian(sigma);
    int radius = kernel.length / 2;
    // Separable: along rows, then along columns; both planes in one loop, zeros beyond the border.
    double[] ry = new double[n];
    double[] rx = new double[n];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int at = y * width + x;
        double sy = 0;
        double sx = 0;
        for (int t = Math.max(-radius, -x); t <= Math.min(radius, width - 1 - x); t++) {
          double k = kernel[t + radius];
          sy += k * dy[at + t];
          sx += k * dx[at + t];
        }
        ry[at] = sy;
        rx[at] = sx;
      }
    }
    float[] fy = new float[n];
    float[] fx = new float[n];
    for (int y = 0; y < height; y++) {
      int lo = Math.max(-radius, -y);
      int hi = Math.min(radius, height - 1 - y);
      for (int x = 0; x < width; x++) {
        double sy = 0;
        double sx = 0;
        for (int t = lo; t <= hi; t++) {
          double k = kernel[t + radius];
          int at = (y + t) * width + x;
          sy += k * ry[at];
          sx += k * rx[at];
        }
        fy[y * width + x] = (float) (alpha * sy);
        fx[y * width + x] = (float) (alpha * sx);
      }
    }
    return new float[][] {fy, fx};
  }

  /** The normalised Gaussian taps, radius ⌈4σ⌉; σ = 0 is the single tap 1 (no smoothing). */
  static double[] gaussian(double sigma) {
    if (sigma == 0) {
      return new double[] {1};
    }
    int radius = (int) Math.ceil(4 * sigma);
    double[] k = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
      sum += k[i + radius];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    return k;
  }

  /** One image being augmented in place, with a scratch copy for resampling. */
  private static final class Image {
    private final float[] x;
    private final int offset;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] scratch;

    Image(float[] x, int offset, int channels, int height, int width, float[] scratch) {
      this.x = x;
      this.offset = offset;
      this.channels = channels;
      this.height = height;
      this.width = width;
      this.scratch = scratch;
    }

    /** Whole-pixel shift, optionally mirrored: output (y, col) takes input (y+dy, col'+dx). */
    void shift(boolean mirror, int dy, int dx) {
      int plane = height * width;
      System.arraycopy(x, offset, scratch, 0, channels * plane);
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
          int sy = y + dy;
          for (int col = 0; col < width; col++) {
            int sx = (mirror ? width - 1 - col : col) + dx;
            x[offset + c * plane + y * width + col] =
                sy >= 0 && sy < height && sx >= 0 && sx < width
                    ? scratch[c * plane + sy * width + sx]
                    : 0f;
          }
        }
      }
    }

    /**
     * Output pixel p (relative to the centre) samples the input at centre + M·p + (ty, tx), M =
     * [[a, b], [c, d]] acting on (row, column), bilinear.
     */
    void affine(double a, double b, double c, double d, double ty, double tx) {
      int plane = height * width;
      System.arraycopy(x, offset, scratch, 0, channels * plane);
      double cy = (height - 1) / 2.0;
      double cx = (width - 1) / 2.0;
      for (int y = 0; y < height; y++) {
        for (int col = 0; col < width; col++) {
          double ry = y - cy;
          double rx = col - cx;
          double sy = cy + a * ry + b * rx + ty;
          double sx = cx + c * ry + d * rx + tx;
          for (int ch = 0; ch < channels; ch++) {
            x[offset + ch * plane + y * width + col] =
                (float) bilinear(scratch, ch * plane, height, width, sy, sx);
          }
        }
      }
    }

    /** Output (y, col) samples the input at (y + dy, col + dx), bilinear. */
    void displace(float[] dy, float[] dx) {
      int plane = height * width;
      System.arraycopy(x, offset, scratch, 0, channels * plane);
      for (int y = 0; y < height; y++) {
        for (int col = 0; col < width; col++) {
          double sy = y + dy[y * width + col];
          double sx = col + dx[y * width + col];
          for (int ch = 0; ch < channels; ch++) {
            x[offset + ch * plane + y * width + col] =
                (float) bilinear(scratch, ch * plane, height, width, sy, sx);
          }
        }
      }
    }
  }

  /** Bilinear interpolation of one plane at (sy, sx), zeros outside. */
  static double bilinear(float[] plane, int base, int height, int width, double sy, double sx) {
    double fy = Math.floor(sy);
    double fx = Math.floor(sx);
    int y0 = (int) fy;
    int x0 = (int) fx;
    double wy = sy - fy;
    double wx = sx - fx;
    double v00 = at(plane, base, height, width, y0, x0);
    double v01 = wx == 0 ? 0 : at(plane, base, height, width, y0, x0 + 1);
    double v10 = wy == 0 ? 0 : at(plane, base, height, width, y0 + 1, x0);
    double v11 = wx == 0 || wy == 0 ? 0 : at(plane, base, height, width, y0 + 1, x0 + 1);
    return (1 - wy) * ((1 - wx) * v00 + wx * v01) + wy * ((1 - wx) * v10 + wx * v11);
  }

  private static double at(float[] plane, int base, int height, int width, int y, int x) {
    return y >= 0 && y < height && x >= 0 && x < width ? plane[base + y * width + x] : 0;
  }
}
