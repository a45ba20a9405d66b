package convnet.runtime.train;

import convnet.runtime.errors.UserError;

/**
 * A run stopped because the loss or a parameter became NaN or infinite: the message names the
 * epoch, batch, global step and the first layer or parameter that went wrong, and where the last
 * good checkpoint is. Exit status 1, like any error in the user's settings.
 */
public final class TrainingDiverged extends UserError {
  private static final long serialVersionUID = 1L;
  private final long step;
  private final String culprit;

  public TrainingDiverged(String message, long step, String culprit) {
    super(message);
    this.step = step;
    this.culprit = culprit;
  }

  /** The global step (from 1) whose result was not finite. */
  public long step() {
    return step;
  }

  /** The first layer output or parameter update found not finite, in words. */
  public String culprit() {
    return culprit;
  }
}
