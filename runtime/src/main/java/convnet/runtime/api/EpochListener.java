package convnet.runtime.api;

/**
 * Called after each epoch of {@link ConvNet#train}; returning false stops the training after that
 * epoch.
 */
@FunctionalInterface
public interface EpochListener {
  boolean epochEnded(EpochResult result);
}
