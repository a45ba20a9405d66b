package convnet.autodiff.optim;

import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import java.util.List;
import java.util.Map;

/**
 * An update rule of the training step, built as graph nodes so that the compiler fuses it like any
 * other elementwise math. Each rule keeps per-parameter state tensors (named {@code
 * <prefix><param>}, each a parameter of the training function whose next value is the output {@code
 * new/<prefix><param>}) and may need scalar inputs per step besides the learning rate (values from
 * {@link #stepInputs(long)}).
 */
public sealed interface Optimizer permits Sgd, Adam {

  /** The prefixes of the state tensors kept per trainable parameter, e.g. {@code velocity/}. */
  List<String> statePrefixes();

  /**
   * The next value of parameter {@code x} and of each state tensor (keyed by prefix), given the
   * gradient {@code g}, the current state tensors (keyed by prefix), the learning rate {@code lr}
   * and the scalar inputs named as in {@link #stepInputs(long)}.
   */
  Update update(
      GraphBuilder b, Node x, Node g, Map<String, Node> state, Node lr, Map<String, Node> inputs);

  /**
   * The values of this rule's scalar inputs (names without the {@code hyper/} prefix) for the
   * training step {@code t}, counted from 1; empty when the rule needs none.
   */
  Map<String, Double> stepInputs(long t);

  /** The settings in the form of a train block, e.g. {@code sgd(momentum=0.9)}. */
  String describe(double learningRate);

  /** A parameter's next value and its state's next values, keyed by state prefix. */
  record Update(Node parameter, Map<String, Node> state) {
    public Update {
      state = Map.copyOf(state);
    }
  }
}
