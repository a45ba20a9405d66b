package convnet.runtime.cli;

import convnet.dsl.TrainSpec;
import convnet.runtime.errors.UsageError;
import convnet.runtime.model.NetworkModel;

/**
 * The one check of a {@code --batch N} flag, shared by every command that takes it: a value below 1
 * or too large for the network's tensors is bad usage (exit status 2) naming the flag, since the
 * network itself is fine.
 */
final class BatchFlag {
  private BatchFlag() {}

  /** Refuses a {@code --batch} below 1; null (the flag not given) passes. */
  static void checkPositive(Integer batch) {
    if (batch != null && batch < 1) {
      throw new UsageError("--batch must be at least 1, not " + batch);
    }
  }

  /** Refuses a {@code --batch} below 1 or above {@link NetworkModel#maxBatch()}; null passes. */
  static void check(Integer batch, NetworkModel network) {
    checkPositive(batch);
    if (batch != null && batch > network.maxBatch()) {
      throw new UsageError(
          "--batch "
              + batch
              + " is too large for network '"
              + network.network().name()
              + "': its tensors would hold 2^31 values or more; the "
              + "largest batch is "
              + network.maxBatch());
    }
  }

  /** The checked flag value, else the train block's batch, else 64. */
  static int resolve(Integer batch, NetworkModel network) {
    check(batch, network);
    if (batch != null) {
      return batch;
    }
    TrainSpec train = network.network().train();
    return train != null && train.batch() > 0 ? train.batch() : 64;
  }
}
