package convnet.runtime.train;

import convnet.dsl.MapShape;
import convnet.dsl.Network;
import convnet.runtime.data.DataError;
import convnet.runtime.data.DataSets;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Dataset;
import convnet.runtime.data.LimitMode;
import convnet.runtime.data.Preprocessing;

/**
 * Opens the data of a run for a network: the spec resolved and checked against the network's input
 * shape and number of classes, each split cut to its limit (N images chosen by a {@link
 * LimitMode}), then preprocessed.
 */
public final class TrainingData {
  private TrainingData() {}

  /**
   * As {@link #open(Network, String, Preprocessing, int, int, LimitMode)} with the default mode.
   */
  public static DataSplits open(
      Network network, String spec, Preprocessing preprocessing, int limitTrain, int limitTest) {
    return open(network, spec, preprocessing, limitTrain, limitTest, LimitMode.DEFAULT);
  }

  /**
   * The splits of {@code spec} for {@code network}, limited to {@code limitTrain} and {@code
   * limitTest} images (0: all) chosen by {@code mode}, and preprocessed; every problem is a {@link
   * DataError}.
   */
  public static DataSplits open(
      Network network,
      String spec,
      Preprocessing preprocessing,
      int limitTrain,
      int limitTest,
      LimitMode mode) {
    MapShape in = network.input();
    int[] before = preprocessing.sizeBefore(in.height(), in.width());
    DataSplits data;
    if (preprocessing.resizes() || preprocessing.pad() > 0) {
      data = DataSets.openAnySize(spec, in.channels(), before[0], before[1]);
      Dataset t = data.train();
      if (!preprocessing.resizes() && (t.height() != before[0] || t.width() != before[1])) {
        int p = preprocessing.pad();
        throw new DataError(
            "data '"
                + spec
                + "' has images of "
                + t.shapeText()
                + "; padded by "
                + p
                + " pixels per side they are "
                + (t.height() + 2 * p)
                + "x"
                + (t.width() + 2 * p)
                + " but the network's input is "
                + in
                + "; preprocess with "
                + DataSets.sizeHint(t.height(), t.width(), in.height(), in.width())
                + " instead");
      }
    } else {
      data = DataSets.open(spec, in.channels(), in.height(), in.width());
    }
    MapShape out = network.output();
    int classes = out.channels() * out.height() * out.width();
    if (data.train().classCount() != classes) {
      throw new DataError(
          "data '"
              + spec
              + "' has "
              + data.train().classCount()
              + " classes ("
              + String.join(", ", data.train().classNames())
              + ") but network "
              + network.name()
              + " has "
              + classes
              + " outputs: its classifier must have one output per class");
    }
    Dataset train = mode.apply(data.train(), limitTrain);
    Dataset test = mode.apply(data.test(), limitTest);
    if (train.size() == 0) {
      throw new DataError("data '" + spec + "': the training split is empty");
    }
    if (test.size() == 0) {
      throw new DataError("data '" + spec + "': the test split is empty");
    }
    DataSplits limited = new DataSplits(train, test, data.source());
    return preprocessing.apply(limited);
  }
}
