package convnet.runtime.train;

/** Per-row arithmetic on a batch of logits [N, K] stored row-major. */
final class Logits {
  private Logits() {}

  /** The index of the largest logit of row {@code row}; the first one on ties, -1 if any is NaN. */
  static int argmax(double[] logits, int row, int classes) {
    int base = row * classes;
    int best = 0;
    for (int k = 0; k < classes; k++) {
      double v = logits[base + k];
      if (Double.isNaN(v)) {
        return -1;
      }
      if (v > logits[base + best]) {
        best = k;
      }
    }
    return best;
  }

  /** As {@link #argmax(double[], int, int)}, on float logits. */
  static int argmax(float[] logits, int row, int classes) {
    int base = row * classes;
    int best = 0;
    for (int k = 0; k < classes; k++) {
      float v = logits[base + k];
      if (Float.isNaN(v)) {
        return -1;
      }
      if (v > logits[base + best]) {
        best = k;
      }
    }
    return best;
  }

  /** Cross-entropy −log softmax(row)[label], computed stably with the log-sum-exp shift. */
  static double crossEntropy(double[] logits, int row, int classes, int label) {
    int base = row * classes;
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < classes; k++) {
      max = Math.max(max, logits[base + k]);
    }
    double sum = 0;
    for (int k = 0; k < classes; k++) {
      sum += Math.exp(logits[base + k] - max);
    }
    return Math.log(sum) + max - logits[base + label];
  }
}
