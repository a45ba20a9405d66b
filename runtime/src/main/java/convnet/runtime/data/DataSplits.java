package convnet.runtime.data;

import java.util.Objects;

/**
 * A data set opened from a spec: its training and test splits (same shape, same classes) and a
 * one-line description of where it came from, shown to the user.
 */
public record DataSplits(Dataset train, Dataset test, String source) {
  public DataSplits {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(source, "source");
    if (train.channels() != test.channels()
        || train.height() != test.height()
        || train.width() != test.width()) {
      // Files on disk can disagree like this: a data error, not a bug.
      throw new DataError(
          source
              + ": training images are "
              + train.shapeText()
              + " but test images are "
              + test.shapeText()
              + "; both splits must have one image size");
    }
    if (!train.classNames().equals(test.classNames())) {
      throw new DataError(source + ": training and test classes differ");
    }
  }

  /** Both splits mapped through the same function, e.g. a preprocessing step. */
  public DataSplits map(java.util.function.UnaryOperator<Dataset> f) {
    return new DataSplits(f.apply(train), f.apply(test), source);
  }
}
