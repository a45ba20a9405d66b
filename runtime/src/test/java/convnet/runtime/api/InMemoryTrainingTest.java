package convnet.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.optim.Sgd;
import convnet.dsl.lower.Lowering;
import convnet.runtime.data.Augmentation;
import convnet.runtime.data.Batches;
import convnet.runtime.data.Seeds;
import convnet.runtime.model.Backend;
import convnet.runtime.model.DropoutMask;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.train.LearningRateSchedule;
import convnet.runtime.train.ModelBinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ConvNet#train}, which runs the training step in place, against the same loop written with
 * {@code run(Map)} (every parameter and velocity passed in and taken out at each step): the weights
 * and the training loss of every epoch must be bitwise the same.
 */
class InMemoryTrainingTest {
  private static final String NET =
      """
      network small {
          input 1x8x8
          conv(maps=3, kernel=3x3, act=relu) - PM2x2
          dense(6) - relu - dropout(0.4)
          logistic 3
      }
      """;

  /** The dropout stream of {@link InMemoryTraining}. */
  private static final long MASK_STREAM = 0x6d61736b4150494cL;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void inPlaceTrainingIsBitwiseTheMapLoop(long seed) {
    ConvNet net = ConvNet.parse(NET, "small.cnn");
    SplittableRandom random = new SplittableRandom(seed);
    DataSet train = data(random, 40);
    DataSet test = data(random, 12);
    TrainOptions options = new TrainOptions(2, 8, 0.1, 0.9, 1e-3, true, seed);
    Weights start = net.initWeights(seed);
    List<Double> losses = new ArrayList<>();
    Weights trained =
        net.train(
            start,
            train,
            test,
            options,
            r -> {
              losses.add(r.trainLoss());
              return true;
            });
    List<Double> expectedLosses = new ArrayList<>();
    Map<String, Tensor> expected = reference(net, start.tensors(), train, options, expectedLosses);
    assertEquals(expectedLosses, losses, "seed " + seed);
    for (String name : expected.keySet()) {
      assertEquals(
          Weights.array(expected.get(name)), trained.get(name), "seed " + seed + ": " + name);
    }
  }

  private static DataSet data(SplittableRandom random, int n) {
    float[] images = new float[n * 64];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) random.nextGaussian();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(3);
    }
    return DataSet.of(NdArray.of(new int[] {n, 1, 8, 8}, images), labels, List.of("a", "b", "c"));
  }

  /** The training loop as it was written with run(Map), the oracle here. */
  private static Map<String, Tensor> reference(
      ConvNet net,
      Map<String, Tensor> start,
      DataSet train,
      TrainOptions options,
      List<Double> losses) {
    NetworkModel model = net.model();
    int classes = model.classes();
    int batch = options.batch();
    ModelBinding binding =
        ModelBinding.of(model, new java.io.PrintWriter(new java.io.StringWriter()));
    Function fn =
        binding.trainingFunction(
            batch, new Sgd(options.momentum(), options.weightDecay(), false), Set.of());
    Executable step = binding.prepare(fn, Backend.COMPILED);
    Node lrInput = fn.inputs().get(NetworkModel.LEARNING_RATE);
    Shape lrShape = lrInput != null ? lrInput.shape() : Shape.scalar();
    List<DropoutMask> masks = model.dropoutMasks(batch);
    Batches batches = Batches.training(train.dataset(), batch, options.seed(), Augmentation.NONE);
    LearningRateSchedule schedule =
        options.cosineSchedule() ? LearningRateSchedule.cosine() : LearningRateSchedule.NONE;
    Map<String, Tensor> params = new LinkedHashMap<>(start);
    Map<String, Tensor> velocities = new LinkedHashMap<>();
    params.forEach((name, t) -> velocities.put(name, Tensor.zeros(t.shape())));
    float[] images = new float[batches.bufferLength()];
    int[] labels = new int[batch];
    for (int epoch = 0; epoch < options.epochs(); epoch++) {
      Tensor lr =
          Tensor.full(lrShape, schedule.rate(options.learningRate(), epoch, options.epochs()));
      Batches.Epoch order = batches.epoch(epoch);
      double lossSum = 0;
      long seen = 0;
      for (int b = 0; b < batches.batchesPerEpoch(); b++) {
        int n = order.fill(b, images, labels);
        Map<String, Tensor> values = new HashMap<>(params);
        velocities.forEach((name, v) -> values.put(NetworkModel.VELOCITY + name, v));
        values.put(Lowering.INPUT, Tensor.ofFloats(model.inputShape(batch), images));
        double[] oneHot = new double[batch * classes];
        for (int i = 0; i < n; i++) {
          oneHot[i * classes + labels[i]] = 1;
        }
        values.put(Lowering.LABELS, Tensor.wrap(Shape.of(batch, classes), oneHot));
        for (int m = 0; m < masks.size(); m++) {
          values.put(masks.get(m).input(), mask(masks.get(m), options.seed(), epoch, b, m));
        }
        values.put(NetworkModel.LEARNING_RATE, lr);
        Map<String, Tensor> out = step.run(values);
        for (String name : params.keySet()) {
          params.put(name, out.get(NetworkModel.NEW + name));
          velocities.put(name, out.get(NetworkModel.NEW + NetworkModel.VELOCITY + name));
        }
        lossSum += out.get(Lowering.LOSS).item() * n;
        seen += n;
      }
      losses.add(lossSum / seen);
    }
    return params;
  }

  private static Tensor mask(DropoutMask m, long seed, int epoch, int batch, int layer) {
    SplittableRandom r = new SplittableRandom(Seeds.mix(seed, MASK_STREAM, epoch, batch, layer));
    double keep = 1 - m.p();
    double scale = keep > 0 ? 1 / keep : 0;
    double[] d = new double[m.shape().size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextDouble() < keep ? scale : 0;
    }
    return Tensor.wrap(m.shape(), d);
  }
}
