package convnet.runtime.see;

import convnet.dsl.Layer;
import convnet.dsl.SpatialWindow;
import java.util.List;

/**
 * The input pixels that one position of a layer's output can depend on, found by walking the layers
 * down: a window of size k, stride s and padding p maps output rows [a, b] to input rows [a·s − p,
 * b·s − p + k − 1] (each layer kind's {@link SpatialWindow}); local contrast normalisation widens
 * by half its window each way; elementwise and across-map layers keep the range.
 */
public final class ReceptiveField {
  /** An inclusive box of pixels: rows top..bottom, columns left..right. */
  public record Box(int top, int left, int bottom, int right) {
    public int height() {
      return bottom - top + 1;
    }

    public int width() {
      return right - left + 1;
    }
  }

  private ReceptiveField() {}

  /** Whether {@code layer} keeps a spatial layout that {@link #of} can trace. */
  public static boolean isSpatial(Layer layer) {
    return layer.spatialWindow() != null;
  }

  /**
   * The box of input pixels (clipped to the input of {@code height} × {@code width}) that position
   * (row, column) of the last of {@code layers} depends on.
   */
  public static Box of(List<Layer> layers, int row, int column, int height, int width) {
    int top = row;
    int bottom = row;
    int left = column;
    int right = column;
    for (int i = layers.size() - 1; i >= 0; i--) {
      SpatialWindow w = layers.get(i).spatialWindow();
      if (w == null) {
        throw new IllegalArgumentException(layers.get(i).name() + " has no spatial layout");
      }
      top = w.firstRow(top);
      bottom = w.lastRow(bottom);
      left = w.firstColumn(left);
      right = w.lastColumn(right);
    }
    return new Box(
        Math.max(0, top),
        Math.max(0, left),
        Math.min(height - 1, bottom),
        Math.min(width - 1, right));
  }
}
