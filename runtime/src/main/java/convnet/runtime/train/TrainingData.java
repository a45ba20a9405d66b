package convnet.runtime.train;

import convnet.dsl.MapShape;
import convnet.dsl.Network;
import convnet.runtime.data.DataError;
import convnet.runtime.data.DataSets;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Dataset;
import convnet.runtime.data.Preprocessing;

/**
 * Opens the data of a run for a network: the spec resolved and checked against the network's input
 * shape and number of classes, each split cut to its limit (the first N images, which in the
 * shipped files are in no class order), then preprocessed.
 */
public final class TrainingData {
  private TrainingData() {}

  /**
   * The splits of {@code spec} for {@code network}, limited to {@code limitTrain} and
   * {@code limitTest} images (0: all) and preprocessed; every problem is a {@link DataError}.
   */
  public static DataSplits open(
      Network network, String spec, Preprocessing preprocessing, int limitTrain, int limitTest) {
    MapShape in = network.input();
    DataSplits data = DataSets.open(spec, in.channels(), in.height(), in.width());
    MapShape out = network.output();
    int classes = out.channels() * out.height() * out.width();
    if (data.train().classCount() != classes) {
      throw new DataError("data '" + spec + "' has " + data.train().classCount() + " classes ("
          + String.join(", ", data.train().classNames()) + ") but network " + network.name()
          + " has " + classes + " outputs: its classifier must have one output per class");
    }
    Dataset train = limit(data.train(), limitTrain);
    Dataset test = limit(data.test(), limitTest);
    if (train.size() == 0) {
      throw new DataError("data '" + spec + "': the training split is empty");
    }
    if (test.size() == 0) {
      throw new DataError("data '" + spec + "': the test split is empty");
    }
    DataSplits limited = new DataSplits(train, test, data.source());
    return preprocessing.apply(limited);
  }

  private static Dataset limit(Dataset data, int limit) {
    if (limit <= 0 || limit >= data.size()) {
      return data;
    }
    int[] first = new int[limit];
    for (int i = 0; i < limit; i++) {
      first[i] = i;
    }
    return data.subset(first);
  }
}
