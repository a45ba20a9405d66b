package convnet.autodiff.optim;

import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import java.util.List;
import java.util.Map;

/**
 * Adam as PyTorch's {@code torch.optim.Adam} computes it (amsgrad off, weight decay as L2 added to
 * the gradient): g' = g + wd·x, m' = β1·m + (1 − β1)·g', v' = β2·v + (1 − β2)·g'², then x' = x −
 * (lr/(1 − β1^t))·m' / (√v'/√(1 − β2^t) + ε) at step t (from 1). The two bias corrections are the
 * scalar inputs {@code hyper/adam_bias1} = 1/(1 − β1^t) and {@code hyper/adam_bias2} = 1/√(1 −
 * β2^t), computed in double precision per step, so that the step count lives with the trainer's
 * global step (saved in the checkpoint) and not in the graph.
 */
public record Adam(double beta1, double beta2, double eps, double weightDecay)
    implements Optimizer {
  /** PyTorch's defaults: β1 0.9, β2 0.999, ε 1e-8, no weight decay. */
  public static final Adam DEFAULT = new Adam(0.9, 0.999, 1e-8, 0);

  /** The prefix of the first moments (running means of the gradient). */
  public static final String FIRST_MOMENT = "adam_m/";

  /** The prefix of the second moments (running means of the squared gradient). */
  public static final String SECOND_MOMENT = "adam_v/";

  /** The scalar input 1/(1 − β1^t), without its {@code hyper/} prefix. */
  public static final String BIAS1 = "adam_bias1";

  /** The scalar input 1/√(1 − β2^t), without its {@code hyper/} prefix. */
  public static final String BIAS2 = "adam_bias2";

  public Adam {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("Adam's betas must be in [0, 1): " + beta1 + ", " + beta2);
    }
    if (!(eps >= 0)
        || Double.isInfinite(eps)
        || !(weightDecay >= 0)
        || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "Adam's eps and weight decay must be finite and non-negative: "
              + eps
              + ", "
              + weightDecay);
    }
  }

  @Override
  public List<String> statePrefixes() {
    return List.of(FIRST_MOMENT, SECOND_MOMENT);
  }

  @Override
  public Update update(
      GraphBuilder b, Node x, Node g, Map<String, Node> state, Node lr, Map<String, Node> inputs) {
    Node decayed = b.add(g, b.mul(x, weightDecay));
    Node m = b.add(b.mul(state.get(FIRST_MOMENT), beta1), b.mul(decayed, 1 - beta1));
    Node v = b.add(b.mul(state.get(SECOND_MOMENT), beta2), b.mul(b.square(decayed), 1 - beta2));
    Node denominator = b.add(b.mul(b.sqrt(v), inputs.get(BIAS2)), eps);
    Node stepSize = b.mul(lr, inputs.get(BIAS1));
    Node next = b.sub(x, b.mul(stepSize, b.div(m, denominator)));
    return new Update(next, Map.of(FIRST_MOMENT, m, SECOND_MOMENT, v));
  }

  @Override
  public Map<String, Double> stepInputs(long t) {
    if (t < 1) {
      throw new IllegalArgumentException("Adam's steps count from 1, not " + t);
    }
    return Map.of(
        BIAS1, 1 / (1 - Math.pow(beta1, t)), BIAS2, 1 / Math.sqrt(1 - Math.pow(beta2, t)));
  }

  @Override
  public String describe(double learningRate) {
    return "adam(lr="
        + learningRate
        + ", beta1="
        + beta1
        + ", beta2="
        + beta2
        + ", eps="
        + eps
        + ", weight_decay="
        + weightDecay
        + ")";
  }
}
