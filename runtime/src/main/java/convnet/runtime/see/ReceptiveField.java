package convnet.runtime.see;

import convnet.dsl.Layer;
import convnet.dsl.LayerArgs;
import java.util.List;

/**
 * The input pixels that one position of a layer's output can depend on, found by walking the layers
 * down: a window of size k, stride s and padding p maps output rows [a, b] to input rows [a·s − p,
 * b·s − p + k − 1]; local contrast normalisation widens by half its window each way; elementwise
 * and across-map layers keep the range.
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
    return !(layer.args() instanceof LayerArgs.Dense || layer.args() instanceof LayerArgs.Logistic);
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
      LayerArgs a = layers.get(i).args();
      if (a instanceof LayerArgs.Conv c) {
        top = top * c.strideHeight() - c.padHeight();
        bottom = bottom * c.strideHeight() - c.padHeight() + c.kernelHeight() - 1;
        left = left * c.strideWidth() - c.padWidth();
        right = right * c.strideWidth() - c.padWidth() + c.kernelWidth() - 1;
      } else if (a instanceof LayerArgs.Pool p) {
        top = top * p.strideHeight() - p.padHeight();
        bottom = bottom * p.strideHeight() - p.padHeight() + p.windowHeight() - 1;
        left = left * p.strideWidth() - p.padWidth();
        right = right * p.strideWidth() - p.padWidth() + p.windowWidth() - 1;
      } else if (a instanceof LayerArgs.Mlpconv m) {
        top = top * m.stride() - m.pad();
        bottom = bottom * m.stride() - m.pad() + m.kernelHeight() - 1;
        left = left * m.stride() - m.pad();
        right = right * m.stride() - m.pad() + m.kernelWidth() - 1;
      } else if (a instanceof LayerArgs.Lcn n) {
        top -= n.windowHeight() / 2;
        bottom += n.windowHeight() / 2;
        left -= n.windowWidth() / 2;
        right += n.windowWidth() / 2;
      } else if (!isSpatial(layers.get(i))) {
        throw new IllegalArgumentException(layers.get(i).name() + " has no spatial layout");
      }
    }
    return new Box(
        Math.max(0, top),
        Math.max(0, left),
        Math.min(height - 1, bottom),
        Math.min(width - 1, right));
  }
}
