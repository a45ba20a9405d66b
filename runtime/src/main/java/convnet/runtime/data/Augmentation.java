package convnet.runtime.data;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training-time augmentation of one image: an optional random horizontal flip and an optional
 * random crop with zero padding ({@code crop(pad=4)}: the image is shifted by up to {@code pad}
 * pixels in each direction, uncovered pixels become 0). The random choices are a pure function of
 * (seed, epoch, image index in the data set), so a resumed run augments exactly as an
 * uninterrupted one, whatever the batch order.
 *
 * <p>Text form: {@code none}, {@code flip}, {@code crop(pad=4)}, {@code crop(4)},
 * {@code flip,crop(pad=4)}. The zero padding applies to preprocessed pixels, where 0 is the
 * image's mean after standardisation.
 */
public record Augmentation(boolean flip, int cropPad) {
  /** No augmentation. */
  public static final Augmentation NONE = new Augmentation(false, 0);

  public Augmentation {
    if (cropPad < 0) {
      throw new IllegalArgumentException("crop padding must not be negative: " + cropPad);
    }
  }

  /** Whether this changes any image. */
  public boolean isIdentity() {
    return !flip && cropPad == 0;
  }

  /** Parses the text form; a bad form is a {@link DataError}. */
  public static Augmentation parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
    if (s.isEmpty() || s.equals("none")) {
      return NONE;
    }
    boolean flip = false;
    int pad = 0;
    for (String part : s.split(",(?![^(]*\\))")) {
      if (part.equals("flip") || part.equals("hflip")) {
        flip = true;
      } else if (part.startsWith("crop(") && part.endsWith(")")) {
        String arg = part.substring(5, part.length() - 1);
        if (arg.startsWith("pad=")) {
          arg = arg.substring(4);
        }
        try {
          pad = Integer.parseInt(arg);
        } catch (NumberFormatException e) {
          pad = -1;
        }
        if (pad < 0) {
          throw new DataError("augmentation '" + text + "': bad '" + part
              + "' (expected crop(pad=N) with N >= 0, e.g. crop(pad=4))");
        }
      } else {
        throw new DataError("augmentation '" + text + "': unknown step '" + part
            + "' (expected none, flip, crop(pad=N))");
      }
    }
    return new Augmentation(flip, pad);
  }

  /** The text form, parseable by {@link #parse}. */
  @Override
  public String toString() {
    if (isIdentity()) {
      return "none";
    }
    String crop = "crop(pad=" + cropPad + ")";
    return flip ? (cropPad > 0 ? "flip," + crop : "flip") : crop;
  }

  /**
   * Augments the image at {@code x[offset..]} (channels × height × width) in place, with choices
   * drawn from (seed, epoch, index). {@code scratch} must hold at least one image (it may be
   * null when {@link #isIdentity()}).
   */
  public void apply(
      float[] x, int offset, int channels, int height, int width, long seed, int epoch, int index,
      float[] scratch) {
    if (isIdentity()) {
      return;
    }
    SplittableRandom random = new SplittableRandom(Seeds.mix(seed, 0x41554755L, epoch, index));
    boolean mirror = flip && random.nextBoolean();
    int dy = cropPad > 0 ? random.nextInt(-cropPad, cropPad + 1) : 0;
    int dx = cropPad > 0 ? random.nextInt(-cropPad, cropPad + 1) : 0;
    if (!mirror && dy == 0 && dx == 0) {
      return;
    }
    int plane = height * width;
    System.arraycopy(x, offset, scratch, 0, channels * plane);
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        int sy = y + dy;
        for (int col = 0; col < width; col++) {
          int sx = (mirror ? width - 1 - col : col) + dx;
          float value = sy >= 0 && sy < height && sx >= 0 && sx < width
              ? scratch[c * plane + sy * width + sx]
              : 0f;
          x[offset + c * plane + y * width + col] = value;
        }
      }
    }
  }
}
