package convnet.runtime.pretrain;

import convnet.dsl.TrainSpec;
import convnet.runtime.errors.UserError;

/**
 * Hyper-parameters of predictive sparse decomposition (Kavukcuoglu, Ranzato and LeCun 2008): {@code
 * lambda} weighs the L1 sparsity of the codes, {@code alpha} the prediction term, {@code epochs}
 * passes over the training images per stage, {@code steps} FISTA iterations per minibatch and
 * {@code lr} the learning rate of the dictionary and the encoder.
 */
public record PsdSettings(double lambda, double alpha, int epochs, int steps, double lr) {
  /**
   * α = 1 as in Kavukcuoglu et al. 2008 (prediction and reconstruction weighed alike); λ = 0.5, 10
   * FISTA steps, 2 epochs and lr = 0.1 were chosen on the shipped Fashion-MNIST subset
   * (standardized images, 16 filters of 7×7): there the reconstruction error per pixel falls from
   * about 0.11 in the first epoch to 0.05 in the second, with mean |z| near 0.05; lr = 0.01 left
   * the dictionary close to its random start after two epochs, lr = 0.5 gave smoother filters but
   * twice the reconstruction error.
   */
  public static final PsdSettings DEFAULTS = of(TrainSpec.Pretrain.DEFAULTS);

  public PsdSettings {
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new UserError(
          "psd: lambda must be a number >= 0 (the weight of the codes' L1 norm), not " + lambda);
    }
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new UserError(
          "psd: alpha must be a number >= 0 (the weight of the prediction term), not " + alpha);
    }
    if (epochs < 1) {
      throw new UserError("psd: epochs must be at least 1, not " + epochs);
    }
    if (steps < 1) {
      throw new UserError(
          "psd: steps must be at least 1 (FISTA iterations per minibatch), not " + steps);
    }
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new UserError("psd: lr must be a positive number, not " + lr);
    }
  }

  /** The settings of a {@code train} block's {@code pretrain = psd(...)}. */
  public static PsdSettings of(TrainSpec.Pretrain p) {
    return new PsdSettings(p.lambda(), p.alpha(), p.epochs(), p.steps(), p.lr());
  }

  /** The text form, as written in a {@code train} block. */
  @Override
  public String toString() {
    return "psd(lambda="
        + lambda
        + ", alpha="
        + alpha
        + ", epochs="
        + epochs
        + ", steps="
        + steps
        + ", lr="
        + lr
        + ")";
  }
}
