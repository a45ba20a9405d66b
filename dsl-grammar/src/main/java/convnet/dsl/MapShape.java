package convnet.dsl;

/** The shape of one image's activations: channels x height x width (a flat vector is Cx1x1). */
public record MapShape(int channels, int height, int width) {
  public MapShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "shape must be positive: " + channels + "x" + height + "x" + width);
    }
  }

  /** Units in one image, as a long because the product may exceed an int. */
  public long size() {
    return (long) channels * height * width;
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
