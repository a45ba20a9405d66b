package convnet.runtime.api;

import convnet.autodiff.Function;
import convnet.autodiff.Tensor;
import convnet.autodiff.optim.Sgd;
import convnet.dsl.lower.Lowering;
import convnet.runtime.data.Augmentation;
import convnet.runtime.data.Batches;
import convnet.runtime.data.Seeds;
import convnet.runtime.model.Backend;
import convnet.runtime.model.BoundFunction;
import convnet.runtime.model.DropoutMask;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.train.Evaluator;
import convnet.runtime.train.LearningRateSchedule;
import convnet.runtime.train.ModelBinding;
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
    // The step runs in place: parameters and velocities stay in its buffers from step to step,
    // and each batch is written straight into its input buffers (bitwise what run(Map) gives).
    BoundFunction step = BoundFunction.of(fn, binding.prepare(fn, Backend.COMPILED));
    Evaluator evaluator =
        new Evaluator(
            binding.prepare(binding.inferenceFunction(batch), Backend.COMPILED), batch, classes);
    List<DropoutMask> masks = model.dropoutMasks(batch);
    Batches batches = Batches.training(train.dataset(), batch, options.seed(), Augmentation.NONE);
    LearningRateSchedule schedule =
        options.cosineSchedule() ? LearningRateSchedule.cosine() : LearningRateSchedule.NONE;
    List<String> names = List.copyOf(start.tensors().keySet());
    for (String name : names) {
      Tensor t = start.tensors().get(name);
      step.set(name, t);
      step.set(NetworkModel.VELOCITY + name, Tensor.zeros(t.shape()));
      step.carry(name, NetworkModel.NEW + name);
      step.carry(NetworkModel.VELOCITY + name, NetworkModel.NEW + NetworkModel.VELOCITY + name);
    }
    float[] images = new float[batches.bufferLength()];
    int[] labels = new int[batch];
    float[] input = step.buffer(Lowering.INPUT);
    float[] loss = step.buffer(Lowering.LOSS);
    float[] logits = step.buffer(Lowering.OUTPUT);
    for (int epoch = 0; epoch < options.epochs(); epoch++) {
      step.fill(
          NetworkModel.LEARNING_RATE,
          schedule.rate(options.learningRate(), epoch, options.epochs()));
      Batches.Epoch order = batches.epoch(epoch);
      double lossSum = 0;
      long correct = 0;
      long seen = 0;
      for (int b = 0; b < batches.batchesPerEpoch(); b++) {
        int n = order.fill(b, images, labels);
        System.arraycopy(images, 0, input, 0, model.inputShape(batch).size());
        if (step.reads(Lowering.LABELS)) {
          float[] oneHot = step.buffer(Lowering.LABELS);
          java.util.Arrays.fill(oneHot, 0, batch * classes, 0f);
          for (int i = 0; i < n; i++) {
            oneHot[i * classes + labels[i]] = 1;
          }
        }
        for (int m = 0; m < masks.size(); m++) {
          if (step.reads(masks.get(m).input())) {
            fillMask(step.buffer(masks.get(m).input()), masks.get(m), epoch, b, m);
          }
        }
        step.run();
        double stepLoss = loss[0];
        if (!Double.isFinite(stepLoss)) {
          throw new ConvNetException(
              String.format(
                  java.util.Locale.ROOT,
                  "training diverged at epoch %d, batch %d: "
                      + "the loss is %s; the learning rate (%s) is probably too high",
                  epoch + 1,
                  b + 1,
                  stepLoss,
                  options.learningRate()),
              List.of());
        }
        for (int i = 0; i < n; i++) {
          int best = 0;
          for (int k = 1; k < classes; k++) {
            if (logits[i * classes + k] > logits[i * classes + best]) {
              best = k;
            }
          }
          correct += best == labels[i] ? 1 : 0;
        }
        lossSum += stepLoss * n;
        seen += n;
      }
      Map<String, Tensor> params = values(step, names);
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
    return Weights.fromTensors(values(step, names));
  }

  /** The current values of parameters {@code names} (copies), in that order. */
  private static Map<String, Tensor> values(BoundFunction step, List<String> names) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String name : names) {
      out.put(name, step.value(name));
    }
    return out;
  }

  /**
   * Inverted dropout: kept with probability 1 − p and then worth 1/(1 − p), drawn from (seed,
   * epoch, batch, layer), written into {@code target} as the step reads it (rounded to float).
   */
  private void fillMask(float[] target, DropoutMask m, int epoch, int batch, int layer) {
    SplittableRandom r =
        new SplittableRandom(Seeds.mix(options.seed(), MASK_STREAM, epoch, batch, layer));
    double keep = 1 - m.p();
    float scale = keep > 0 ? (float) (1 / keep) : 0;
    int size = m.shape().size();
    for (int i = 0; i < size; i++) {
      target[i] = r.nextDouble() < keep ? scale : 0f;
    }
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
        new Evaluator(binding.prepare(binding.inferenceFunction(b), Backend.COMPILED), b, classes);
    var e = evaluator.evaluate(data.dataset(), weights.tensors());
    return new Evaluation(
        e.loss(),
        e.accuracy(),
        ConvNet.counts(e.confusion()),
        e.confusion().classNames(),
        e.confusion().toText());
  }
}
