package convnet.autodiff.optim;

import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum and weight decay in PyTorch's convention ({@code
 * torch.optim.SGD}, dampening 0): g' = g + wd·x, v' = momentum·v + g', then x' = x − lr·v', or with
 * Nesterov momentum x' = x − lr·(g' + momentum·v'). The learning rate is not here: it is the
 * training function's input {@code hyper/lr}.
 */
public record Sgd(double momentum, double weightDecay, boolean nesterov) implements Optimizer {
  /** The prefix of the momentum buffers. */
  public static final String VELOCITY = "velocity/";

  public Sgd {
    if (!(momentum >= 0)
        || !(weightDecay >= 0)
        || Double.isInfinite(momentum)
        || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "momentum and weight decay must be finite and non-negative: "
              + momentum
              + ", "
              + weightDecay);
    }
    if (nesterov && momentum == 0) {
      // As torch.optim.SGD: without momentum, Nesterov's look-ahead is undefined.
      throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0");
    }
  }

  /** Plain (heavy-ball) momentum. */
  public Sgd(double momentum, double weightDecay) {
    this(momentum, weightDecay, false);
  }

  @Override
  public List<String> statePrefixes() {
    return List.of(VELOCITY);
  }

  @Override
  public Update update(
      GraphBuilder b, Node x, Node g, Map<String, Node> state, Node lr, Map<String, Node> inputs) {
    Node v = state.get(VELOCITY);
    Node decayed = b.add(g, b.mul(x, weightDecay));
    Node next = b.add(b.mul(v, momentum), decayed);
    Node direction = nesterov ? b.add(decayed, b.mul(next, momentum)) : next;
    return new Update(b.sub(x, b.mul(direction, lr)), Map.of(VELOCITY, next));
  }

  @Override
  public Map<String, Double> stepInputs(long t) {
    return Map.of();
  }

  @Override
  public String describe(double learningRate) {
    return "sgd(lr="
        + learningRate
        + ", momentum="
        + momentum
        + ", weight_decay="
        + weightDecay
        + (nesterov ? ", nesterov=true" : "")
        + ")";
  }
}
