package convnet.autodiff.ops;

import convnet.autodiff.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The adjoints a {@link OpRule#vjp} returns, one per input; an input may have none (with a reason),
 * which counts as zero.
 */
public final class Grads {
  private final List<Node> grads;
  private final String reason;

  private Grads(List<Node> grads, String reason) {
    this.grads = grads;
    this.reason = reason;
  }

  /** An adjoint for every input. */
  public static Grads of(Node... grads) {
    for (Node g : grads) {
      Objects.requireNonNull(g, "adjoint");
    }
    return new Grads(List.of(grads), "");
  }

  /** No gradient flows to any input, for the given reason. */
  public static Grads none(String reason) {
    return new Grads(List.of(), reason);
  }

  /** Adjoints where given; null entries mean no gradient flows there, for the given reason. */
  public static Grads partial(String reasonForMissing, Node... grads) {
    return new Grads(Arrays.asList(grads.clone()), reasonForMissing);
  }

  /** The adjoint of input {@code i}, or null when none flows. */
  public Node get(int i) {
    return i < grads.size() ? grads.get(i) : null;
  }

  /** Why some inputs receive no gradient (empty when all do). */
  public String reason() {
    return reason;
  }
}
