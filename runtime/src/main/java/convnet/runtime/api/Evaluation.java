package convnet.runtime.api;

import java.util.List;

/**
 * Weights evaluated on labelled images: mean cross-entropy, accuracy, and the confusion matrix
 * (rows: true class, columns: predicted class), also as aligned text.
 */
public record Evaluation(
    double loss,
    double accuracy,
    long[][] confusion,
    List<String> classNames,
    String confusionText) {}
