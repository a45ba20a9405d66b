package convnet.runtime.api;

/**
 * Settings of an in-memory training run: epochs, batch size, SGD with momentum and weight decay
 * (PyTorch's), a cosine or constant learning-rate schedule, and the seed of batch order and dropout
 * masks.
 */
public record TrainOptions(
    int epochs,
    int batch,
    double learningRate,
    double momentum,
    double weightDecay,
    boolean cosineSchedule,
    long seed) {
  public TrainOptions {
    if (epochs < 1 || batch < 1) {
      throw new IllegalArgumentException(
          "epochs and batch must be at least 1: " + epochs + ", " + batch);
    }
    if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(
          "need a positive learning rate, momentum in [0, 1) and weight decay >= 0: "
              + learningRate
              + ", "
              + momentum
              + ", "
              + weightDecay);
    }
  }

  /** These settings for {@code n} epochs. */
  public TrainOptions withEpochs(int n) {
    return new TrainOptions(n, batch, learningRate, momentum, weightDecay, cosineSchedule, seed);
  }
}
