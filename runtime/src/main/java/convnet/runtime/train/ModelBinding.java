package convnet.runtime.train;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Tensor;
import convnet.autodiff.optim.Optimizer;
import convnet.dsl.Network;
import convnet.runtime.errors.UsageError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.Backends;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link TrainableModel} of a {@link NetworkModel}: its functions run on the backend asked for,
 * falling back to the interpreter (with a one-line notice, once) when the compiled backend is not
 * available.
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

  /** Every layer's output in inference mode, from one lowering of the network. */
  @Override
  public Function layerOutputsFunction(int batch) {
    return new Function(model.network().name() + ".layers", model.layerOutputsGraph(batch));
  }

  @Override
  public Executable prepare(Function f, Backend backend) {
    return prepare(f, backend, false);
  }

  @Override
  public Executable prepareStep(Function f, Backend backend) {
    return prepare(f, backend, true);
  }

  private Executable prepare(Function f, Backend b, boolean step) {
    if (b == Backend.COMPILED && !compiledUnavailable) {
      try {
        return step ? Backends.prepareStep(f, b) : Backends.prepare(f, b);
      } catch (UsageError e) {
        compiledUnavailable = true;
        notices.println(
            "convnet: the compiled backend is not available ("
                + e.getMessage()
                + "); running on the interpreter, which is much slower");
        notices.flush();
      }
    }
    return Backends.prepare(f, compiledUnavailable ? Backend.INTERPRETED : b);
  }

  @Override
  public Backend effectiveBackend(Backend asked) {
    return asked == Backend.COMPILED && compiledUnavailable ? Backend.INTERPRETED : asked;
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
