package convnet.runtime.api;

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
import convnet.runtime.model.DropoutMask;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.train.Evaluator;
import convnet.runtime.train.LearningRateSchedule;
import convnet.runtime.train.ModelBinding;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The training loop behind {@link ConvNet#train}: the same training-step function, batch order and
 * evaluation as {@code convnet train}, without its run folder, checkpoints and reports, so that a
 * program can train in memory and decide itself what to keep.
 */
final class InMemoryTraining {
  /**
   * Stream of the dropout masks' generators, apart from any the trainer of the command line uses.
   */
  private static final long MASK_STREAM = 0x6d61736b4150494cL;

  private final NetworkModel model;
  private final ModelBinding binding;
  private final TrainOptions options;

  InMemoryTraining(NetworkModel model, ModelBinding binding, TrainOptions options) {
    this.model = model;
    this.binding = binding;
    this.options = options;
  }

  Weights run(Weights start, DataSet train, DataSet test, EpochListener listener) {
    int classes = model.classes();
    if (classes == 0) {
      throw new ConvNetException(
          "network '"
              + model.network().name()
              + "' has no classifier at the end, so it "
              + "cannot be trained; end it with 'logistic N'",
          List.of());
    }
    checkData(train, classes);
    checkData(test, classes);
    int batch = options.batch();
    Function fn =
        binding.trainingFunction(
            batch, new Sgd(options.momentum(), options.weightDecay(), false), Set.of());
    Executable step = binding.prepare(fn, "compiled");
    Evaluator evaluator =
        new Evaluator(
            binding.prepare(binding.inferenceFunction(batch), "compiled"), batch, classes);
    Node lrInput = fn.inputs().get(NetworkModel.LEARNING_RATE);
    Shape lrShape = lrInput != null ? lrInput.shape() : Shape.scalar();
    List<DropoutMask> masks = model.dropoutMasks(batch);
    Batches batches = Batches.training(train.dataset(), batch, options.seed(), Augmentation.NONE);
    LearningRateSchedule schedule =
        options.cosineSchedule() ? LearningRateSchedule.cosine() : LearningRateSchedule.NONE;
    Map<String, Tensor> params = new LinkedHashMap<>(start.tensors());
    Map<String, Tensor> velocities = new LinkedHashMap<>();
    params.forEach((name, t) -> velocities.put(name, Tensor.zeros(t.shape())));
    float[] images = new float[batches.bufferLength()];
    int[] labels = new int[batch];
    for (int epoch = 0; epoch < options.epochs(); epoch++) {
      Tensor lr =
          Tensor.full(lrShape, schedule.rate(options.learningRate(), epoch, options.epochs()));
      Batches.Epoch order = batches.epoch(epoch);
      double lossSum = 0;
      long correct = 0;
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
          values.put(masks.get(m).input(), mask(masks.get(m), epoch, b, m));
        }
        values.put(NetworkModel.LEARNING_RATE, lr);
        Map<String, Tensor> out = step.run(values);
        double loss = out.get(Lowering.LOSS).item();
        if (!Double.isFinite(loss)) {
          throw new ConvNetException(
              String.format(
                  java.util.Locale.ROOT,
                  "training diverged at epoch %d, batch %d: "
                      + "the loss is %s; the learning rate (%s) is probably too high",
                  epoch + 1,
                  b + 1,
                  loss,
                  options.learningRate()),
              List.of());
        }
        for (String name : params.keySet()) {
          params.put(name, out.get(NetworkModel.NEW + name));
          velocities.put(name, out.get(NetworkModel.NEW + NetworkModel.VELOCITY + name));
        }
        double[] logits = out.get(Lowering.OUTPUT).data();
        for (int i = 0; i < n; i++) {
          int best = 0;
          for (int k = 1; k < classes; k++) {
            if (logits[i * classes + k] > logits[i * classes + best]) {
              best = k;
            }
          }
          correct += best == labels[i] ? 1 : 0;
        }
        lossSum += loss * n;
        seen += n;
      }
      var evaluation = evaluator.evaluate(test.dataset(), params);
      Weights now = Weights.fromTensors(params);
      boolean go =
          listener == null
              || listener.epochEnded(
                  new EpochResult(
                      epoch + 1,
                      options.epochs(),
                      lossSum / Math.max(1, seen),
                      (double) correct / Math.max(1, seen),
                      evaluation.loss(),
                      evaluation.accuracy(),
                      now));
      if (!go) {
        return now;
      }
    }
    return Weights.fromTensors(params);
  }

  /**
   * Inverted dropout: kept with probability 1 − p and then worth 1/(1 − p), drawn from (seed,
   * epoch, batch, layer).
   */
  private Tensor mask(DropoutMask m, int epoch, int batch, int layer) {
    SplittableRandom r =
        new SplittableRandom(Seeds.mix(options.seed(), MASK_STREAM, epoch, batch, layer));
    double keep = 1 - m.p();
    double scale = keep > 0 ? 1 / keep : 0;
    double[] d = new double[m.shape().size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextDouble() < keep ? scale : 0;
    }
    return Tensor.wrap(m.shape(), d);
  }

  private void checkData(DataSet data, int classes) {
    int[] in = {
      model.network().input().channels(),
      model.network().input().height(),
      model.network().input().width()
    };
    var d = data.dataset();
    if (d.channels() != in[0] || d.height() != in[1] || d.width() != in[2]) {
      throw new ConvNetException(
          "images of "
              + d.shapeText()
              + " do not fit network '"
              + model.network().name()
              + "', whose input is "
              + in[0]
              + "x"
              + in[1]
              + "x"
              + in[2],
          List.of());
    }
    if (d.classCount() != classes) {
      throw new ConvNetException(
          "the data has "
              + d.classCount()
              + " classes but network '"
              + model.network().name()
              + "' has "
              + classes
              + " outputs",
          List.of());
    }
  }

  static Evaluation evaluate(
      NetworkModel model, ModelBinding binding, Weights weights, DataSet data, int batch) {
    int classes = model.classes();
    if (classes == 0 || data.dataset().classCount() != classes) {
      throw new ConvNetException(
          "evaluation needs a classifier with one output per class of the data; network '"
              + model.network().name()
              + "' has "
              + classes
              + " outputs, the data "
              + data.dataset().classCount()
              + " classes",
          List.of());
    }
    int b = Math.min(batch, Math.max(1, data.size()));
    Evaluator evaluator =
        new Evaluator(binding.prepare(binding.inferenceFunction(b), "compiled"), b, classes);
    var e = evaluator.evaluate(data.dataset(), weights.tensors());
    return new Evaluation(
        e.loss(),
        e.accuracy(),
        ConvNet.counts(e.confusion()),
        e.confusion().classNames(),
        e.confusion().toText());
  }
}
