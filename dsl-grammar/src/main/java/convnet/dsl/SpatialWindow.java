package convnet.dsl;

/**
 * How the output positions of a layer depend on its input positions along height and width: output
 * row r reads input rows r·strideHeight − padHeight .. r·strideHeight − padHeight + height − 1, and
 * likewise for columns. Receptive fields and deconvnet projections are traced with it.
 */
public record SpatialWindow(
    int height, int width, int strideHeight, int strideWidth, int padHeight, int padWidth) {
  /**
   * A layer whose output position reads only the same input position (elementwise, across maps).
   */
  public static final SpatialWindow POINTWISE = new SpatialWindow(1, 1, 1, 1, 0, 0);

  /** A window of {@code height}×{@code width} centred on each position, stride 1. */
  static SpatialWindow centred(int height, int width) {
    return new SpatialWindow(
        2 * (height / 2) + 1, 2 * (width / 2) + 1, 1, 1, height / 2, width / 2);
  }

  /** The first input row that output row {@code row} reads. */
  public int firstRow(int row) {
    return row * strideHeight - padHeight;
  }

  /** The last input row that output row {@code row} reads. */
  public int lastRow(int row) {
    return firstRow(row) + height - 1;
  }

  /** The first input column that output column {@code column} reads. */
  public int firstColumn(int column) {
    return column * strideWidth - padWidth;
  }

  /** The last input column that output column {@code column} reads. */
  public int lastColumn(int column) {
    return firstColumn(column) + width - 1;
  }
}
