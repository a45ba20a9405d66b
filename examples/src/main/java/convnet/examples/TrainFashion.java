package convnet.examples;

import convnet.runtime.api.ConvNet;
import convnet.runtime.api.ConvNetException;
import convnet.runtime.api.DataSet;
import convnet.runtime.api.Evaluation;
import convnet.runtime.api.TrainOptions;
import convnet.runtime.api.Weights;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains the default network on Fashion-MNIST through the Java API and prints the confusion matrix.
 *
 * <p>Usage: {@code TrainFashion [FILE.cnn] [DATA] [EPOCHS] [IMAGES]}, by default {@code
 * examples/fashion.cnn}, {@code fashion-mnist}, the file's epochs and every image; IMAGES limits
 * the training images for a quick run.
 */
public final class TrainFashion {
  private TrainFashion() {}

  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "examples/fashion.cnn");
    String data = args.length > 1 ? args[1] : "fashion-mnist";
    try {
      ConvNet net = ConvNet.load(file);
      TrainOptions options = net.trainOptions();
      if (args.length > 2) {
        options = options.withEpochs(Integer.parseInt(args[2]));
      }
      DataSet.Splits splits = DataSet.open(data, net);
      DataSet train =
          args.length > 3 ? splits.train().first(Integer.parseInt(args[3])) : splits.train();
      System.out.println(splits.source() + "; training on " + train.size() + " images");
      Weights start = net.initWeights(options.seed());
      Weights trained =
          net.train(
              start,
              train,
              splits.test(),
              options,
              epoch -> {
                System.out.printf(
                    Locale.ROOT,
                    "epoch %d/%d: train loss %.4f, test accuracy %.2f%%%n",
                    epoch.epoch(),
                    epoch.epochs(),
                    epoch.trainLoss(),
                    100 * epoch.testAccuracy());
                return true;
              });
      Evaluation e = net.evaluate(trained, splits.test());
      System.out.printf(
          Locale.ROOT,
          "test accuracy %.2f%% on %d images%n",
          100 * e.accuracy(),
          splits.test().size());
      System.out.print(e.confusionText());
    } catch (ConvNetException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
