package convnet.autodiff.optim;

import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training step as a graph transform: a forward graph with a scalar loss becomes the graph that
 * also outputs, for every trainable parameter X, its next value {@code new/X} and the next value
 * {@code new/<prefix>X} of each of the optimizer's state tensors {@code <prefix>X} (which become
 * parameters of the graph). The learning rate is the scalar input {@value #LEARNING_RATE}; the
 * optimizer's other per-step scalars are inputs {@code hyper/<name>}. The update is ordinary graph
 * math, so the compiler fuses it like any other elementwise work.
 */
public final class TrainingStep {
  /** The learning-rate input, a scalar (shape []). */
  public static final String LEARNING_RATE = "hyper/lr";

  /** Prefix of the scalar inputs of the training step. */
  public static final String HYPER = "hyper/";

  /** Prefix of the outputs holding a parameter's (or a state tensor's) next value. */
  public static final String NEW = "new/";

  private TrainingStep() {}

  /**
   * {@code forward} with the update of every parameter in {@code trainable} (name and shape, in
   * order) by {@code optimizer}, descending the gradient of output {@code lossOutput}. Parameters
   * left out get no gradient and no {@code new/} output: they stay as they are.
   */
  public static Graph of(
      Graph forward, String lossOutput, Map<String, Shape> trainable, Optimizer optimizer) {
    GraphBuilder b = new GraphBuilder();
    for (Node n : forward.nodes()) {
      b.intern(n);
    }
    List<String> names = new ArrayList<>();
    List<Node> wrt = new ArrayList<>();
    trainable.forEach(
        (name, shape) -> {
          names.add(name);
          wrt.add(b.param(name, shape));
        });
    List<Node> grads = Grad.grad(b, forward.output(lossOutput), wrt);
    Map<String, Node> outputs = new LinkedHashMap<>(forward.outputs());
    b.setProvenance(optimizer instanceof Adam ? "adam" : "sgd");
    Node lr = b.input(LEARNING_RATE, Shape.scalar());
    Map<String, Node> stepInputs = new LinkedHashMap<>();
    for (String input : optimizer.stepInputs(1).keySet()) {
      stepInputs.put(input, b.input(HYPER + input, Shape.scalar()));
    }
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Node x = wrt.get(i);
      Map<String, Node> state = new LinkedHashMap<>();
      for (String prefix : optimizer.statePrefixes()) {
        state.put(prefix, b.param(prefix + name, x.shape()));
      }
      Optimizer.Update update = optimizer.update(b, x, grads.get(i), state, lr, stepInputs);
      outputs.put(NEW + name, update.parameter());
      for (String prefix : optimizer.statePrefixes()) {
        outputs.put(NEW + prefix + name, update.state().get(prefix));
      }
    }
    return Graph.of(outputs);
  }
}
