package convnet.dsl;

import java.util.List;

/**
 * A checked network: every block expanded, every layer resolved with shapes and counts, and the
 * training settings. Lowering to the graph reads this. {@code stages} counts the stage lines of the
 * file (a layer's {@link Layer#stage()} is its line's number, from 1).
 */
public record Network(
    String name, MapShape input, List<Layer> layers, TrainSpec train, int stages) {
  public Network {
    layers = List.copyOf(layers);
  }

  public MapShape output() {
    return layers.isEmpty() ? input : layers.get(layers.size() - 1).output();
  }

  /** The stages that hold a filter bank (conv or mlpconv), in order: one protocol letter each. */
  public List<Integer> convStages() {
    return layers.stream().filter(Network::isFilterBank).map(Layer::stage).distinct().toList();
  }

  /**
   * Whether {@code layer} is a filter bank (its kind opens a filter stage), whose parameters a
   * protocol letter governs.
   */
  public static boolean isFilterBank(Layer layer) {
    return layer.kind().opensFilterStage();
  }

  /**
   * The index (from 0) among {@link #convStages()} of filter bank {@code layer}'s stage; -1 for
   * other layers.
   */
  public int convStageOf(Layer layer) {
    return isFilterBank(layer) ? convStages().indexOf(layer.stage()) : -1;
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

  /**
   * This network with every random connection table drawn for run seed {@code seed} ({@link
   * ConnectionTable#seedOf(long, String)}); the same network when it has none.
   */
  public Network withTableSeed(long seed) {
    java.util.Map<String, ConnectionTable> tables = new java.util.LinkedHashMap<>();
    for (Layer l : layers) {
      if (l.args() instanceof LayerArgs.Conv c && c.table() != null) {
        tables.put(
            l.name(),
            ConnectionTable.random(
                c.table().inputs(),
                c.table().outputs(),
                c.table().perOutput(),
                ConnectionTable.seedOf(seed, l.name())));
      }
    }
    return withTables(tables);
  }

  /** The random connection tables by layer name, in layer order. */
  public java.util.Map<String, ConnectionTable> tables() {
    java.util.Map<String, ConnectionTable> out = new java.util.LinkedHashMap<>();
    for (Layer l : layers) {
      if (l.args() instanceof LayerArgs.Conv c && c.table() != null) {
        out.put(l.name(), c.table());
      }
    }
    return out;
  }

  /**
   * This network with the connection tables of {@code tables} (by layer name) in place of its own;
   * each must fit its layer (same inputs, outputs and maps per output).
   */
  public Network withTables(java.util.Map<String, ConnectionTable> tables) {
    if (tables.isEmpty()) {
      return this;
    }
    List<Layer> out = new java.util.ArrayList<>();
    for (Layer l : layers) {
      ConnectionTable t = tables.get(l.name());
      if (t != null && l.args() instanceof LayerArgs.Conv c && c.table() != null) {
        if (t.inputs() != c.table().inputs()
            || t.outputs() != c.table().outputs()
            || t.perOutput() != c.table().perOutput()) {
          throw new IllegalArgumentException(
              "table of "
                  + l.name()
                  + " does not fit: "
                  + t.outputs()
                  + "x"
                  + t.perOutput()
                  + " of "
                  + t.inputs()
                  + " inputs");
        }
        LayerArgs.Conv args =
            new LayerArgs.Conv(
                c.maps(),
                c.kernelHeight(),
                c.kernelWidth(),
                c.strideHeight(),
                c.strideWidth(),
                c.padHeight(),
                c.padWidth(),
                c.groups(),
                t,
                c.activation(),
                c.gain(),
                c.bias());
        out.add(
            new Layer(
                l.name(),
                l.kind(),
                args,
                l.input(),
                l.output(),
                l.parameters(),
                l.neurons(),
                l.connections(),
                l.params(),
                l.stage(),
                l.pos()));
      } else {
        out.add(l);
      }
    }
    return new Network(name, input, out, train, stages);
  }
}
