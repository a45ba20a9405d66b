package convnet.runtime.api;

/**
 * What one epoch of training did: its number (from 1), loss and accuracy on the training and test
 * images, the weights.
 */
public record EpochResult(
    int epoch,
    int epochs,
    double trainLoss,
    double trainAccuracy,
    double testLoss,
    double testAccuracy,
    Weights weights) {}
