package convnet.runtime.model;

import convnet.autodiff.Shape;
import convnet.dsl.LayerKind;

/**
 * One parameter tensor of a network: its {@code .npz} name, shape (PyTorch layout), the layer it
 * belongs to, and for the filters of conv and mlpconv layers the index (from 0) of their conv
 * stage, the stage a protocol letter refers to; -1 for every other parameter.
 */
public record Parameter(String name, Shape shape, String layer, LayerKind kind, int convStage) {
  /** Whether this parameter belongs to a filter bank that a protocol letter governs. */
  public boolean isFilter() {
    return convStage >= 0;
  }
}
