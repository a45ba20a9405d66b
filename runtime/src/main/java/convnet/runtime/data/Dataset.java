package convnet.runtime.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One split of an image data set held in memory: {@code size()} images of {@code channels × height
 * × width} float32 pixels in NCHW order, with an int label per image and the class names.
 *
 * <p>Pixels straight from a reader are in [0, 1]; after {@link Preprocessing} they may be any
 * value. The pixel array is owned by this object: readers hand it over, and callers read it through
 * {@link #copyImage} or {@link #pixel}, never mutate it.
 */
public final class Dataset {
  private final String name;
  private final int channels;
  private final int height;
  private final int width;
  private final List<String> classNames;
  private final float[] pixels;
  private final int[] labels;

  /**
   * Takes ownership of {@code pixels} and {@code labels} (not copied, for data sets of hundreds of
   * megabytes). {@code name} says where the data came from, e.g. a file name, for messages.
   */
  public Dataset(
      String name,
      int channels,
      int height,
      int width,
      List<String> classNames,
      float[] pixels,
      int[] labels) {
    this.name = Objects.requireNonNull(name, "name");
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "bad image shape " + channels + "x" + height + "x" + width + " for " + name);
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.classNames = List.copyOf(classNames);
    if (this.classNames.isEmpty()) {
      throw new IllegalArgumentException("no classes for " + name);
    }
    this.pixels = Objects.requireNonNull(pixels, "pixels");
    this.labels = Objects.requireNonNull(labels, "labels");
    long expected = (long) labels.length * channels * height * width;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(
          name
              + ": "
              + pixels.length
              + " pixels for "
              + labels.length
              + " images of "
              + shapeText()
              + " (expected "
              + expected
              + ")");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= this.classNames.size()) {
        throw new IllegalArgumentException(
            name
                + ": label "
                + labels[i]
                + " of image "
                + i
                + " is outside 0.."
                + (this.classNames.size() - 1));
      }
    }
  }

  /** Where the data came from, for messages. */
  public String name() {
    return name;
  }

  public int size() {
    return labels.length;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** Floats per image: channels × height × width. */
  public int imageSize() {
    return channels * height * width;
  }

  /** The shape as the language writes it, {@code CxHxW}. */
  public String shapeText() {
    return channels + "x" + height + "x" + width;
  }

  public List<String> classNames() {
    return classNames;
  }

  public int classCount() {
    return classNames.size();
  }

  public int label(int index) {
    return labels[index];
  }

  /** A copy of all labels. */
  public int[] labels() {
    return labels.clone();
  }

  /** Pixel {@code (channel, row, column)} of image {@code index}. */
  public float pixel(int index, int channel, int row, int column) {
    return pixels[((index * channels + channel) * height + row) * width + column];
  }

  /** Copies image {@code index} (NCHW, {@link #imageSize()} floats) into {@code dst[offset..]}. */
  public void copyImage(int index, float[] dst, int offset) {
    int n = imageSize();
    System.arraycopy(pixels, index * n, dst, offset, n);
  }

  /** Number of images of each class, indexed by label. */
  public int[] countsPerClass() {
    int[] counts = new int[classNames.size()];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  /** The same images with new pixel values (same shape), e.g. after preprocessing. */
  public Dataset withPixels(float[] newPixels) {
    return new Dataset(name, channels, height, width, classNames, newPixels, labels);
  }

  /** A copy of the pixel array, for transformations that build a new data set. */
  float[] pixelsCopy() {
    return pixels.clone();
  }

  /** The pixel array itself, read-only by convention; package-private to keep that promise. */
  float[] pixelsShared() {
    return pixels;
  }

  /**
   * The same images replicated to three channels (gray to RGB); the only channel conversion done
   * without being asked, since a gray image is exactly an RGB image with equal channels.
   */
  public Dataset grayToRgb() {
    if (channels != 1) {
      throw new IllegalStateException(name + " has " + channels + " channels, not 1");
    }
    int plane = height * width;
    float[] rgb = new float[labels.length * 3 * plane];
    for (int i = 0; i < labels.length; i++) {
      for (int c = 0; c < 3; c++) {
        System.arraycopy(pixels, i * plane, rgb, (i * 3 + c) * plane, plane);
      }
    }
    return new Dataset(name, 3, height, width, classNames, rgb, labels);
  }

  /** The images whose indices are given, in that order. */
  public Dataset subset(int[] indices) {
    int n = imageSize();
    float[] sub = new float[indices.length * n];
    int[] subLabels = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(pixels, indices[k] * n, sub, k * n, n);
      subLabels[k] = labels[indices[k]];
    }
    return new Dataset(name, channels, height, width, classNames, sub, subLabels);
  }

  @Override
  public String toString() {
    return name
        + " ("
        + size()
        + " images of "
        + shapeText()
        + ", "
        + classCount()
        + " classes, per class "
        + Arrays.toString(countsPerClass())
        + ")";
  }
}
