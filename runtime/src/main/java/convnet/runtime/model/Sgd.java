package convnet.runtime.model;

import convnet.dsl.TrainSpec;
import convnet.runtime.cli.UserError;

/**
 * Stochastic gradient descent with momentum and weight decay in PyTorch's convention: v' = momentum·v + g + wd·x,
 * x' = x − lr·v'. The learning rate is not here: it is the training function's input {@code hyper/lr}.
 */
public record Sgd(double momentum, double weightDecay) {
  public Sgd {
    if (!(momentum >= 0) || !(weightDecay >= 0) || Double.isInfinite(momentum) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("momentum and weight decay must be finite and non-negative: " + momentum + ", "
          + weightDecay);
    }
  }

  /** The momentum and weight decay of a {@code train} block's optimizer, which must be {@code sgd}. */
  public static Sgd of(TrainSpec.Optimizer optimizer) {
    if (!optimizer.kind().equals("sgd")) {
      throw new UserError("the optimizer '" + optimizer.kind() + "' has no training function; use sgd(lr=..., momentum=...)");
    }
    return new Sgd(optimizer.momentum(), optimizer.weightDecay());
  }
}
