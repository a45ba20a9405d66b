package convnet.dsl.lower;

import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.optim.Optimizer;
import convnet.autodiff.optim.TrainingStep;
import convnet.dsl.Layer;
import convnet.dsl.MapShape;
import convnet.dsl.Network;
import convnet.dsl.ParamSpec;
import convnet.dsl.TrainSpec;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graphs built from a checked network for running it: the gradient function (gradients of the
 * loss for every parameter and the input), the training step (the forward graph in training mode,
 * its gradients and the optimizer's update, {@link TrainingStep}), every layer's output from one
 * lowering, and the parameters a protocol keeps fixed. Graphs are returned as lowered, before
 * simplification.
 */
public final class TrainingGraph {
  /** Prefix of the gradient outputs {@code grad/<name>}. */
  public static final String GRAD = "grad/";

  private TrainingGraph() {}

  /** Every parameter's name and shape ([out, ...], PyTorch's layout), in layer order. */
  public static Map<String, Shape> parameters(Network network) {
    Map<String, Shape> out = new LinkedHashMap<>();
    for (ParamSpec p : network.parameterSpecs()) {
      out.put(p.name(), Shape.of(p.dims()));
    }
    return out;
  }

  /** The shape of a batch of {@code batch} input images. */
  public static Shape inputShape(Network network, int batch) {
    MapShape in = network.input();
    return Shape.of(batch, in.channels(), in.height(), in.width());
  }

  /**
   * The gradient function: the forward graph in inference mode (dropout is the identity) with the
   * loss, and {@code grad/<param>} for every parameter, then {@code grad/input}.
   */
  public static Graph gradient(Network network, int batch) {
    Graph forward = Lowering.lower(network, batch, Lowering.Mode.INFERENCE, true);
    return Grad.withGradients(
        forward,
        Lowering.LOSS,
        parameters(network),
        Map.of(Lowering.INPUT, inputShape(network, batch)));
  }

  /**
   * The training step: the forward graph in training mode with the loss, and the update by {@code
   * optimizer} of every parameter not in {@code frozen} ({@link TrainingStep} names its inputs and
   * outputs).
   */
  public static Graph training(
      Network network, int batch, Optimizer optimizer, Set<String> frozen) {
    Map<String, Shape> all = parameters(network);
    Set<String> unknown = new LinkedHashSet<>(frozen);
    unknown.removeAll(all.keySet());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "frozen parameters " + unknown + " are not parameters of " + network.name());
    }
    Map<String, Shape> trainable = new LinkedHashMap<>(all);
    trainable.keySet().removeAll(frozen);
    Graph forward = Lowering.lower(network, batch, Lowering.Mode.TRAINING, true);
    return TrainingStep.of(forward, Lowering.LOSS, trainable, optimizer);
  }

  /**
   * Every layer's output in inference mode, named {@code layer/<name>}, from one lowering of the
   * network.
   */
  public static Graph layerOutputs(Network network, int batch) {
    Graph g = Lowering.lowerWithLayerOutputs(network, batch, Lowering.Mode.INFERENCE);
    Map<String, Node> outputs = new LinkedHashMap<>(g.outputs());
    outputs.keySet().removeIf(name -> !name.startsWith(Lowering.LAYER));
    return Graph.of(outputs);
  }

  /**
   * The parameters a protocol keeps fixed: those of the filter banks of every conv stage whose
   * letter has no {@code +} ({@code R}, {@code U}). {@code protocol} is the parser's (one letter
   * per conv stage, as {@link convnet.dsl.ProtocolSyntax} reads them); another number of letters is
   * an {@link IllegalArgumentException}.
   */
  public static Set<String> frozen(Network network, List<TrainSpec.StageProtocol> protocol) {
    int stages = network.convStages().size();
    if (protocol.size() != stages) {
      throw new IllegalArgumentException(
          "protocol "
              + protocol
              + " has "
              + protocol.size()
              + " letters but network "
              + network.name()
              + " has "
              + stages
              + " conv stages");
    }
    Set<String> frozen = new LinkedHashSet<>();
    for (Layer l : network.layers()) {
      int stage = network.convStageOf(l);
      if (stage >= 0 && !protocol.get(stage).fineTune()) {
        l.params().forEach(p -> frozen.add(p.name()));
      }
    }
    return frozen;
  }
}
