package convnet.dsl;

import java.util.List;

/**
 * A checked network: every block expanded, every layer resolved with shapes and counts, and the
 * training settings. Lowering to the graph reads this.
 */
public record Network(String name, MapShape input, List<Layer> layers, TrainSpec train, int stages) {
  public Network {
    layers = List.copyOf(layers);
  }

  public MapShape output() {
    return layers.isEmpty() ? input : layers.get(layers.size() - 1).output();
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
