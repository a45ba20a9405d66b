package convnet.runtime.run;

/**
 * What one epoch of training measured. {@code epoch} counts from 1; accuracies are fractions in [0,
 * 1]; a value not measured is NaN.
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double testLoss,
    double testAccuracy,
    double imagesPerSecond,
    double seconds) {
  public EpochMetrics {
    if (epoch < 1) {
      throw new IllegalArgumentException("epochs count from 1, not " + epoch);
    }
  }
}
