package convnet.dsl;

import java.util.List;

/** Layers joined by {@code -}: one stage of a network, or the body of a block. */
public record Stage(List<LayerNode> layers, SourcePos pos) {
  public Stage {
    layers = List.copyOf(layers);
  }
}
