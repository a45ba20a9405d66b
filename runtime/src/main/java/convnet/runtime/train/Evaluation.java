package convnet.runtime.train;

import convnet.runtime.run.ConfusionMatrix;

/**
 * The result of evaluating weights on a data split: mean cross-entropy, accuracy, confusion matrix.
 */
public record Evaluation(double loss, double accuracy, ConfusionMatrix confusion) {
  /** Number of images evaluated. */
  public long images() {
    return confusion.total();
  }
}
