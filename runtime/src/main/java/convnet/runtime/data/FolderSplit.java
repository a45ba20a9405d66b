package convnet.runtime.data;

/**
 * How a folder-per-class data set is split into training and test images, per class and
 * deterministically from a seed.
 *
 * <p>Either a fixed number of training images per class ({@code trainPerClass > 0}, the Caltech-101
 * protocol of the literature: e.g. 30 for training, the rest, at most {@code maxTestPerClass} when
 * that is positive, for testing), or a fraction of each class for testing ({@code testFraction},
 * rounded, at least one test image for a class of two or more images).
 */
public record FolderSplit(int trainPerClass, int maxTestPerClass, double testFraction, long seed) {
  /** The default: a fifth of each class for testing, seed 0. */
  public static final FolderSplit DEFAULT = fraction(0.2, 0);

  public FolderSplit {
    if (trainPerClass < 0 || maxTestPerClass < 0) {
      throw new IllegalArgumentException("per-class counts must not be negative");
    }
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be in [0, 1), not " + testFraction);
    }
  }

  /** A fraction of each class, rounded, goes to the test split. */
  public static FolderSplit fraction(double testFraction, long seed) {
    return new FolderSplit(0, 0, testFraction, seed);
  }

  /**
   * {@code train} images of each class for training, the rest (at most {@code maxTest} if > 0) for
   * test.
   */
  public static FolderSplit perClass(int train, int maxTest, long seed) {
    if (train <= 0) {
      throw new IllegalArgumentException("training images per class must be positive");
    }
    return new FolderSplit(train, maxTest, 0, seed);
  }

  /** The same split with another seed. */
  public FolderSplit withSeed(long newSeed) {
    return new FolderSplit(trainPerClass, maxTestPerClass, testFraction, newSeed);
  }

  /** Test images for a class of {@code n} images (the class's name only for the message). */
  int testCount(String className, int n) {
    if (trainPerClass > 0) {
      if (n <= trainPerClass) {
        throw new DataError(
            "class '"
                + className
                + "' has "
                + n
                + " images: not enough for "
                + trainPerClass
                + " training images and at least one test image");
      }
      int rest = n - trainPerClass;
      return maxTestPerClass > 0 ? Math.min(rest, maxTestPerClass) : rest;
    }
    if (testFraction == 0 || n < 2) {
      return 0;
    }
    return (int) Math.max(1, Math.min(n - 1, Math.round(n * testFraction)));
  }

  /** Human-readable form for descriptions. */
  public String describe() {
    if (trainPerClass > 0) {
      return trainPerClass
          + " training images per class, "
          + (maxTestPerClass > 0 ? "at most " + maxTestPerClass : "the rest")
          + " for test, seed "
          + seed;
    }
    return Math.round(testFraction * 100) + "% of each class for test, seed " + seed;
  }
}
