package convnet.dsl;

import java.util.List;

/**
 * A checked network: every block expanded, every layer resolved with shapes and counts, and the
 * training settings. Lowering to the graph reads this. {@code stages} counts the stage lines of
 * the file (a layer's {@link Layer#stage()} is its line's number, from 1).
 */
public record Network(String name, MapShape input, List<Layer> layers, TrainSpec train, int stages) {
  public Network {
    layers = List.copyOf(layers);
  }

  public MapShape output() {
    return layers.isEmpty() ? input : layers.get(layers.size() - 1).output();
  }

  /** The stages that hold a filter bank (conv or mlpconv), in order: one protocol letter each. */
  public List<Integer> convStages() {
    return layers.stream().filter(l -> l.kind() == LayerKind.CONV || l.kind() == LayerKind.MLPCONV)
        .map(Layer::stage).distinct().toList();
  }

  public long totalParameters() {
    return layers.stream().mapToLong(Layer::parameters).sum();
  }

  public long totalNeurons() {
    return layers.stream().mapToLong(Layer::neurons).sum();
  }

  public long totalConnections() {
    return layers.stream().mapToLong(Layer::connections).sum();
  }

  /** Every parameter tensor of the network in layer order. */
  public List<ParamSpec> parameterSpecs() {
    return layers.stream().flatMap(l -> l.params().stream()).toList();
  }
}
