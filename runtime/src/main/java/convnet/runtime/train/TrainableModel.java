package convnet.runtime.train;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Tensor;
import convnet.autodiff.optim.Optimizer;
import convnet.dsl.Network;
import convnet.runtime.model.Backend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the trainer needs from a network: its checked description, its parameters, and the functions
 * of the training-step contract (training step, inference, layer outputs) for a batch size, made
 * ready to run on a backend.
 */
public interface TrainableModel {
  /** The checked network (name, input shape, layers, the {@code train} block). */
  Network network();

  /** Every parameter name ({@code <layer>.weight|bias|gain}) in layer order. */
  List<String> parameterNames();

  /**
   * This model for a run seeded with {@code seed}: its random connection tables are drawn from that
   * seed (the same model when it has none).
   */
  default TrainableModel forSeed(long seed) {
    return this;
  }

  /** Initial values of every parameter, a pure function of {@code seed}. */
  Map<String, Tensor> init(long seed);

  /** The parameters that protocol {@code protocol} keeps fixed. */
  Set<String> frozen(Protocol protocol);

  /**
   * The training-step function for batch size {@code batch}: inputs {@code input}, {@code labels},
   * {@code mask/<layer>}, {@code hyper/lr} and the optimizer's step inputs; outputs {@code output},
   * {@code loss}, {@code new/X} and {@code new/<prefix>X} for every trainable X and state prefix of
   * the optimizer.
   */
  Function trainingFunction(int batch, Optimizer optimizer, Set<String> frozen);

  /**
   * The inference function for batch size {@code batch}: input {@code input}, output {@code
   * output}.
   */
  Function inferenceFunction(int batch);

  /** Every layer's output for batch size {@code batch}, named {@code layer/<name>}. */
  Function layerOutputsFunction(int batch);

  /** {@code f} ready to run on {@code backend}. */
  Executable prepare(Function f, Backend backend);

  /**
   * A training step {@code f} ready to run as {@link #prepare} makes it, its parameter updates
   * written in place where the backend can (see {@link convnet.runtime.model.BoundFunction}).
   */
  default Executable prepareStep(Function f, Backend backend) {
    return prepare(f, backend);
  }

  /**
   * The backend that {@link #prepare} really uses when {@code asked} is asked for (the same, unless
   * it had to fall back to another).
   */
  default Backend effectiveBackend(Backend asked) {
    return asked;
  }

  /** Reads weights for this network; missing, extra or misshapen arrays are a user error. */
  Map<String, Tensor> loadWeights(Path file);

  /**
   * Writes weights (and the connection tables they belong with) as float32 {@code .npz},
   * atomically.
   */
  void saveWeights(Path file, Map<String, Tensor> weights);
}
