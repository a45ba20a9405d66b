package convnet.runtime.train;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.Node;
import convnet.autodiff.Tensor;
import convnet.dsl.Layer;
import convnet.dsl.Network;
import convnet.dsl.lower.Lowering;
import convnet.runtime.cli.UsageError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.Backends;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.model.Optimizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link TrainableModel} of a {@link NetworkModel}: its functions run on the backend asked
 * for, falling back to the interpreter (with a one-line notice, once) when the compiled backend is
 * not available.
 */
public final class ModelBinding implements TrainableModel {
  private final NetworkModel model;
  private final PrintWriter notices;
  private boolean compiledUnavailable;

  private ModelBinding(NetworkModel model, PrintWriter notices) {
    this.model = model;
    this.notices = notices;
  }

  /** Binds {@code model}; notices (such as a backend fallback) go to {@code notices}. */
  public static ModelBinding of(NetworkModel model, PrintWriter notices) {
    return new ModelBinding(model, notices);
  }

  /** The model bound. */
  public NetworkModel model() {
    return model;
  }

  @Override
  public Network network() {
    return model.network();
  }

  @Override
  public List<String> parameterNames() {
    return model.parameterNames();
  }

  @Override
  public TrainableModel forSeed(long seed) {
    NetworkModel seeded = model.withTableSeed(seed);
    return seeded == model ? this : new ModelBinding(seeded, notices);
  }

  @Override
  public Map<String, Tensor> init(long seed) {
    return model.init(seed);
  }

  @Override
  public Set<String> frozen(Protocol protocol) {
    return model.frozenFor(protocol.stages());
  }

  @Override
  public Function trainingFunction(int batch, Optimizer optimizer, Set<String> frozen) {
    return model.trainingFunction(batch, optimizer, frozen);
  }

  @Override
  public Function inferenceFunction(int batch) {
    return model.inferenceFunction(batch, false);
  }

  /**
   * Every layer's output, from the network's prefixes lowered in inference mode: the graphs share
   * their nodes by structure, so evaluating them together computes each layer once.
   */
  @Override
  public Function layerOutputsFunction(int batch) {
    Network network = model.network();
    List<Layer> layers = network.layers();
    Map<String, Node> outputs = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      Network prefix = new Network(network.name(), network.input(), layers.subList(0, i + 1),
          network.train(), network.stages());
      Graph g = Lowering.lower(prefix, batch, Lowering.Mode.INFERENCE, false);
      outputs.put("layer/" + layers.get(i).name(), g.output(Lowering.OUTPUT));
    }
    return new Function(network.name() + ".layers", Graph.of(outputs));
  }

  @Override
  public Executable prepare(Function f, String backend) {
    return prepare(f, backend, false);
  }

  @Override
  public Executable prepareStep(Function f, String backend) {
    return prepare(f, backend, true);
  }

  private Executable prepare(Function f, String backend, boolean step) {
    Backend b = switch (backend) {
      case "compiled" -> Backend.COMPILED;
      case "interpreted" -> Backend.INTERPRETED;
      default -> throw new UsageError("--backend " + backend + ": expected compiled or "
          + "interpreted");
    };
    if (b == Backend.COMPILED && !compiledUnavailable) {
      try {
        return step ? Backends.prepareStep(f, b) : Backends.prepare(f, b);
      } catch (UsageError e) {
        compiledUnavailable = true;
        notices.println("convnet: the compiled backend is not available (" + e.getMessage()
            + "); running on the interpreter, which is much slower");
        notices.flush();
      }
    }
    return Backends.prepare(f, compiledUnavailable ? Backend.INTERPRETED : b);
  }

  @Override
  public String effectiveBackend(String asked) {
    return asked.equals("compiled") && compiledUnavailable ? "interpreted" : asked;
  }

  @Override
  public Map<String, Tensor> loadWeights(Path file) {
    return model.loadWeights(file);
  }

  @Override
  public void saveWeights(Path file, Map<String, Tensor> weights) {
    model.saveTrained(file, weights);
  }
}
