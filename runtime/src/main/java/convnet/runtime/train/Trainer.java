package convnet.runtime.train;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.optim.Optimizer;
import convnet.dsl.Layer;
import convnet.dsl.LayerArgs;
import convnet.runtime.data.BatchPrefetcher;
import convnet.runtime.data.Batches;
import convnet.runtime.data.Dataset;
import convnet.runtime.data.Seeds;
import convnet.runtime.model.BoundFunction;
import convnet.runtime.run.Curves;
import convnet.runtime.run.EpochMetrics;
import convnet.runtime.run.FinalReport;
import convnet.runtime.run.MetricsCsv;
import convnet.runtime.run.Progress;
import convnet.runtime.run.RunFolder;
import convnet.runtime.run.RunLog;
import convnet.runtime.see.RunReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Minibatch training (SGD with plain or Nesterov momentum, or Adam) over a training split, one
 * training-step call per batch, with evaluation on the test split after each epoch.
 *
 * <p>Everything random is a pure function of the seed and a position: the batch order of epoch e
 * from (seed, e), augmentation from (seed, e, image), the dropout mask of layer l in batch b of
 * epoch e from (seed, e, b, l). Together with a checkpoint of parameters, momentum buffers and
 * running sums, this makes a run stopped at any batch boundary and resumed end with bitwise the
 * same weights as one that was never stopped.
 *
 * <p>Per epoch: learning rate from the schedule; each batch's step; at the end, evaluation, a
 * {@code metrics.csv} row, {@code weights-best.npz} when the test accuracy improved, and a
 * checkpoint. At the end of the run: {@code weights-final.npz}, the confusion matrix, {@code
 * curves.png} and {@code report.html}. A NaN or infinite loss or parameter stops the run with a
 * {@link TrainingDiverged}, leaving the last checkpoint as it was.
 */
public final class Trainer {
  /** Columns of {@code metrics.csv}. */
  public static final List<String> METRICS_COLUMNS =
      List.of(
          "epoch",
          "lr",
          "train_loss",
          "train_accuracy",
          "test_loss",
          "test_accuracy",
          "images_per_s",
          "seconds");

  private static final long MASK_STREAM = 0x4D41534BL;

  private final TrainableModel model;
  private final TrainConfig config;
  private final Dataset train;
  private final Dataset test;

  private final List<String> trainable;
  private final Optimizer optimizer;

  /** The optimizer's state tensors ({@code velocity/X}, ...) of every trainable X. */
  private final List<String> stateNames;

  /** The training step, its parameters and optimizer state living in its own buffers. */
  private final BoundFunction step;

  private final Evaluator evaluator;
  private final Executable inference;
  private final Shape inputShape;
  private final Shape labelShape;
  private final List<Mask> masks;
  private final int classes;

  /** Whether the optimizer has per-step scalar inputs (Adam's bias corrections). */
  private final boolean hasStepInputs;

  /** One dropout mask input of the training step. */
  private record Mask(String input, Shape shape, double p, int index) {}

  /**
   * Where a run writes and reports: its folder, its metrics file and the metrics of epochs done
   * before a resume, progress, log, the stop signal, and the command that continues the run (shown
   * when it is stopped).
   */
  public record Session(
      RunFolder folder,
      MetricsCsv metrics,
      List<EpochMetrics> history,
      Progress progress,
      RunLog log,
      StopSignal stop,
      String resumeHint) {
    public Session {
      history = List.copyOf(history);
    }
  }

  /**
   * A trainer for {@code config} on these splits: builds and prepares the training-step and
   * inference functions, so that a network that cannot be trained fails here, before anything is
   * written.
   */
  public Trainer(TrainableModel model, TrainConfig config, Dataset train, Dataset test) {
    this.model = model;
    this.config = config;
    this.train = train;
    this.test = test;
    this.classes = train.classCount();
    Set<String> frozen = model.frozen(config.protocolFor(model.network().convStages().size()));
    this.trainable = model.parameterNames().stream().filter(n -> !frozen.contains(n)).toList();
    this.optimizer = config.optimizerValue();
    this.hasStepInputs = !optimizer.stepInputs(1).isEmpty();
    Function fn = model.trainingFunction(config.batch(), optimizer, frozen);
    List<String> state = new ArrayList<>();
    for (String name : trainable) {
      for (String prefix : optimizer.statePrefixes()) {
        state.add(prefix + name);
      }
    }
    this.stateNames = List.copyOf(state);
    for (String name : trainable) {
      if (!fn.outputs().containsKey("new/" + name)) {
        throw new IllegalStateException(
            "training function lacks new/" + name + "; outputs " + fn.outputs().keySet());
      }
    }
    for (String name : stateNames) {
      if (!fn.outputs().containsKey("new/" + name)) {
        throw new IllegalStateException(
            "training function lacks new/" + name + "; outputs " + fn.outputs().keySet());
      }
    }
    this.inputShape = Shape.of(config.batch(), train.channels(), train.height(), train.width());
    this.labelShape = Shape.of(config.batch(), classes);
    Node lr = fn.inputs().get("hyper/lr");
    if (lr == null) {
      throw new IllegalStateException(
          "training function has no input hyper/lr; inputs " + fn.inputs().keySet());
    }
    this.masks = masks(fn);
    this.step = BoundFunction.of(fn, model.prepareStep(fn, config.backend()));
    for (String name : trainable) {
      step.carry(name, "new/" + name);
    }
    for (String name : stateNames) {
      step.carry(name, "new/" + name);
    }
    this.inference = model.prepare(model.inferenceFunction(config.batch()), config.backend());
    this.evaluator = new Evaluator(inference, config.batch(), classes);
  }

  private List<Mask> masks(Function fn) {
    Map<String, Double> rates = new HashMap<>();
    Map<String, Integer> index = new HashMap<>();
    List<Layer> layers = model.network().layers();
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).args() instanceof LayerArgs.Dropout d) {
        rates.put("mask/" + layers.get(i).name(), d.p());
        index.put("mask/" + layers.get(i).name(), i);
      }
    }
    List<Mask> result = new ArrayList<>();
    for (Map.Entry<String, Node> e : fn.inputs().entrySet()) {
      if (e.getKey().startsWith("mask/")) {
        Double p = rates.get(e.getKey());
        if (p == null) {
          throw new IllegalStateException(
              "training function input "
                  + e.getKey()
                  + " names no dropout layer of "
                  + model.network().name());
        }
        result.add(new Mask(e.getKey(), e.getValue().shape(), p, index.get(e.getKey())));
      }
    }
    return result;
  }

  /** How a call to {@link #run} ended. */
  public enum Status {
    /** Every epoch done; final weights and reports written. */
    FINISHED,
    /** Stopped on request at a batch boundary; a checkpoint was written first. */
    INTERRUPTED
  }

  /** The outcome of {@link #run}: how it ended, the last checkpoint and the final report. */
  public record Result(
      Status status, Checkpoint checkpoint, FinalReport report, Evaluation lastEvaluation) {}

  /**
   * Trains from {@code start} (a fresh state, or a checkpoint to resume) to the last epoch, writing
   * and reporting through {@code session}.
   */
  public Result run(Checkpoint start, Session session) throws IOException {
    RunFolder folder = session.folder();
    Progress progress = session.progress();
    RunLog log = session.log();
    StopSignal stop = session.stop();
    List<EpochMetrics> history = new ArrayList<>(session.history());
    // Parameters and optimizer state live in the step's buffers from here on; these name them
    // (in the checkpoint's order) for the snapshots that checkpoints and evaluation take.
    List<String> paramNames = List.copyOf(start.parameters().keySet());
    List<String> stateKeys = List.copyOf(start.optimizerState().keySet());
    start.parameters().forEach(step::set);
    start.optimizerState().forEach(step::set);
    float[] lossBuffer = step.buffer("loss");
    float[] outputBuffer = step.buffer("output");
    long stepCount = start.step();
    double best = start.bestTestAccuracy();
    int bestEpoch = start.bestEpoch();
    Checkpoint last = start;
    Evaluation evaluation = null;
    Batches batches = Batches.training(train, config.batch(), config.seed(), config.augmentation());
    int perEpoch = batches.batchesPerEpoch();
    if (start.batch() > perEpoch) {
      throw new convnet.runtime.errors.UserError(
          "the checkpoint is at batch "
              + start.batch()
              + " of an epoch of "
              + perEpoch
              + " batches: it was written for other data");
    }
    LearningRateSchedule schedule = config.scheduleValue();
    for (int epoch = start.epoch(); epoch < config.epochs(); epoch++) {
      boolean resumedHere = epoch == start.epoch();
      int firstBatch = resumedHere ? start.batch() : 0;
      double lossSum = resumedHere ? start.lossSum() : 0;
      long correct = resumedHere ? start.correct() : 0;
      long seen = resumedHere ? start.seen() : 0;
      double lr = schedule.rate(config.learningRate(), epoch, config.epochs());
      step.fill("hyper/lr", lr);
      Batches.Epoch order = batches.epoch(epoch);
      progress.startEpoch(epoch + 1, config.epochs(), perEpoch);
      long epochStart = System.nanoTime();
      long imagesThisSession = 0;
      // Loading and augmenting run one batch ahead, off this thread.
      BatchPrefetcher prefetch =
          new BatchPrefetcher(order, firstBatch, batches.bufferLength(), config.batch());
      for (int b = firstBatch; b < perEpoch; b++) {
        if (stop.shouldStop(stepCount)) {
          Checkpoint cp =
              new Checkpoint(
                  epoch,
                  b,
                  stepCount,
                  lossSum,
                  correct,
                  seen,
                  best,
                  bestEpoch,
                  values(paramNames),
                  values(stateKeys));
          cp.write(folder);
          log.logf(
              "stopped at epoch %d, batch %d of %d (step %d); checkpoint written. "
                  + "Continue with: %s",
              epoch + 1, b, perEpoch, stepCount, session.resumeHint());
          return new Result(Status.INTERRUPTED, cp, null, evaluation);
        }
        BatchPrefetcher.Filled filled = prefetch.next();
        int[] labels = filled.labels();
        int n = filled.count();
        load(epoch, b, filled.images(), labels, n, stepCount + 1);
        step.run();
        stepCount++;
        double loss = lossBuffer[0];
        String bad = Double.isFinite(loss) ? firstNonFinite() : "the loss";
        if (bad != null) {
          throw diverged(
              epoch, b, stepCount, loss, bad, valuesBefore(order, b, last), last, session);
        }
        float[] logits = outputBuffer;
        for (int i = 0; i < n; i++) {
          if (Logits.argmax(logits, i, classes) == labels[i]) {
            correct++;
          }
        }
        lossSum += loss * n;
        seen += n;
        imagesThisSession += n;
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        progress.batch(
            b + 1,
            lossSum / seen,
            (double) correct / seen,
            imagesThisSession / Math.max(elapsed, 1e-9));
      }
      double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
      Map<String, Tensor> params = values(paramNames);
      evaluation = evaluator.evaluate(test, params);
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      EpochMetrics m =
          new EpochMetrics(
              epoch + 1,
              seen == 0 ? Double.NaN : lossSum / seen,
              seen == 0 ? Double.NaN : (double) correct / seen,
              evaluation.loss(),
              evaluation.accuracy(),
              imagesThisSession / Math.max(trainSeconds, 1e-9),
              seconds);
      history.add(m);
      session
          .metrics()
          .append(
              m.epoch(),
              lr,
              m.trainLoss(),
              m.trainAccuracy(),
              m.testLoss(),
              m.testAccuracy(),
              m.imagesPerSecond(),
              m.seconds());
      if (bestEpoch == 0 || evaluation.accuracy() > best) {
        best = evaluation.accuracy();
        bestEpoch = epoch + 1;
        model.saveWeights(folder.weightsBest(), params);
      }
      last =
          new Checkpoint(
              epoch + 1, 0, stepCount, 0, 0, 0, best, bestEpoch, params, values(stateKeys));
      last.write(folder);
      progress.endEpoch(m, config.epochs());
      log.log(
          String.format(
              Locale.ROOT,
              "epoch %d/%d: lr %.6g, loss %.4f, train accuracy "
                  + "%.2f%%, test loss %.4f, test accuracy %.2f%%, %.0f images/s, %.1f s",
              m.epoch(),
              config.epochs(),
              lr,
              m.trainLoss(),
              100 * m.trainAccuracy(),
              m.testLoss(),
              100 * m.testAccuracy(),
              m.imagesPerSecond(),
              m.seconds()));
    }
    Map<String, Tensor> params = values(paramNames);
    if (evaluation == null) {
      // Resumed with every epoch already done: the reports still describe the final weights.
      evaluation = evaluator.evaluate(test, params);
    }
    model.saveWeights(folder.weightsFinal(), params);
    folder.writeConfusion(evaluation.confusion());
    if (!history.isEmpty()) {
      Curves.write(folder.curvesPng(), history, model.network().name());
    }
    RunReport.write(
        folder.dir(),
        model.network(),
        params,
        test,
        inference,
        config.batch(),
        evaluation.confusion());
    FinalReport report =
        new FinalReport(config.epochs(), evaluation.accuracy(), best, bestEpoch, folder.dir());
    log.log(
        String.format(
            Locale.ROOT,
            "done: test accuracy %.2f%% (best %.2f%% at epoch %d)%n%s",
            100 * evaluation.accuracy(),
            100 * best,
            bestEpoch,
            evaluation.confusion().toText()));
    progress.finish(report);
    return new Result(Status.FINISHED, last, report, evaluation);
  }

  /** The current values of {@code names} (copies), in that order. */
  private Map<String, Tensor> values(List<String> names) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String name : names) {
      out.put(name, step.value(name));
    }
    return out;
  }

  /**
   * Writes batch {@code b} of epoch {@code epoch} ({@code n} images and their labels) into the
   * step's inputs, with its dropout masks and the optimizer's inputs for step {@code stepNumber}
   * (counted from 1). The batch is copied: the prefetcher's buffers alternate while the step's stay
   * put, so the next batch can be filled while this one is used.
   */
  private void load(int epoch, int b, float[] images, int[] labels, int n, long stepNumber) {
    System.arraycopy(images, 0, step.buffer("input"), 0, inputShape.size());
    if (step.reads("labels")) {
      oneHot(labels, n, step.buffer("labels"));
    }
    for (Mask m : masks) {
      if (step.reads(m.input())) {
        fillDropoutMask(
            step.buffer(m.input()), config.seed(), epoch, b, m.index(), m.shape(), m.p());
      }
    }
    // Adam's bias corrections for the step about to be taken; SGD has no such inputs.
    if (hasStepInputs) {
      optimizer
          .stepInputs(stepNumber)
          .forEach((input, value) -> step.fill("hyper/" + input, value));
    }
  }

  /**
   * The failing step's batch {@code b} and the parameters it started from, recomputed by replaying
   * the epoch's steps from checkpoint {@code last} (at batch {@code last.batch()} of the same
   * epoch). Steps are a pure function of parameters, optimizer state and batch, so the replay ends
   * bitwise where the run was; this keeps a copy of every parameter off each step, at the price of
   * up to one epoch of steps once a run has diverged. The step's buffers hold the replayed state
   * afterwards: the run is over.
   */
  private Map<String, Tensor> valuesBefore(Batches.Epoch order, int b, Checkpoint last) {
    if (order.number() != last.epoch() || last.batch() > b) {
      throw new IllegalStateException(
          "checkpoint at epoch "
              + last.epoch()
              + ", batch "
              + last.batch()
              + " is not before epoch "
              + order.number()
              + ", batch "
              + b);
    }
    last.parameters().forEach(step::set);
    last.optimizerState().forEach(step::set);
    float[] images = new float[inputShape.size()];
    int[] labels = new int[config.batch()];
    for (int r = last.batch(); r < b; r++) {
      int n = order.fill(r, images, labels);
      load(order.number(), r, images, labels, n, last.step() + 1 + (r - last.batch()));
      step.run();
    }
    int n = order.fill(b, images, labels);
    load(order.number(), b, images, labels, n, last.step() + 1 + (b - last.batch()));
    Map<String, Tensor> out = new HashMap<>();
    for (String name : model.parameterNames()) {
      out.put(name, step.value(name));
    }
    out.put("input", step.value("input"));
    return out;
  }

  /** One-hot rows of {@code n} labels in {@code target} [batch, classes], rows past n zero. */
  private void oneHot(int[] labels, int n, float[] target) {
    java.util.Arrays.fill(target, 0, labelShape.size(), 0f);
    for (int i = 0; i < n; i++) {
      target[i * classes + labels[i]] = 1;
    }
  }

  /**
   * Inverted dropout: each entry kept with probability 1 − p and then worth 1/(1 − p), else 0,
   * drawn from (seed, epoch, batch, layer index) alone, so a resumed run draws the same masks.
   */
  static Tensor dropoutMask(long seed, int epoch, int batch, int layer, Shape shape, double p) {
    SplittableRandom random =
        new SplittableRandom(Seeds.mix(seed, MASK_STREAM, epoch, batch, layer));
    double keep = 1 - p;
    double scale = keep > 0 ? 1 / keep : 0;
    double[] d = new double[shape.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextDouble() < keep ? scale : 0;
    }
    return Tensor.wrap(shape, d);
  }

  /**
   * {@link #dropoutMask} rounded to float, as the step reads it, written into {@code target}
   * without allocating.
   */
  static void fillDropoutMask(
      float[] target, long seed, int epoch, int batch, int layer, Shape shape, double p) {
    SplittableRandom random =
        new SplittableRandom(Seeds.mix(seed, MASK_STREAM, epoch, batch, layer));
    double keep = 1 - p;
    float scale = keep > 0 ? (float) (1 / keep) : 0;
    int size = shape.size();
    for (int i = 0; i < size; i++) {
      target[i] = random.nextDouble() < keep ? scale : 0f;
    }
  }

  /** The first trainable parameter whose update is not finite, in words; null if none. */
  private String firstNonFinite() {
    for (String name : trainable) {
      if (!finite(name)) {
        return "the update of parameter " + name;
      }
    }
    for (String name : stateNames) {
      if (!finite(name)) {
        return "the update of optimizer state " + name;
      }
    }
    return null;
  }

  /** Whether carried value {@code name} (just updated) is finite everywhere. */
  private boolean finite(String name) {
    if (!step.reads(name)) {
      return finite(step.value(name));
    }
    return allFinite(step.buffer(name), step.shape(name).size());
  }

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  /**
   * Whether the first {@code size} floats of {@code d} are finite. x * 0 is ±0 for finite x and NaN
   * otherwise, so a sum of them is 0 or NaN in any order: the lanes and the four independent sums
   * (which keep the adds from waiting on each other) change nothing. This runs over every parameter
   * after every step, so it has to cost a small part of a step.
   */
  static boolean allFinite(float[] d, int size) {
    FloatVector s0 = FloatVector.zero(SPECIES);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    int lanes = SPECIES.length();
    int i = 0;
    for (; i <= size - 4 * lanes; i += 4 * lanes) {
      s0 = s0.add(FloatVector.fromArray(SPECIES, d, i).mul(0f));
      s1 = s1.add(FloatVector.fromArray(SPECIES, d, i + lanes).mul(0f));
      s2 = s2.add(FloatVector.fromArray(SPECIES, d, i + 2 * lanes).mul(0f));
      s3 = s3.add(FloatVector.fromArray(SPECIES, d, i + 3 * lanes).mul(0f));
    }
    float sum = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
    for (; i < size; i++) {
      sum += d[i] * 0f;
    }
    return sum == 0;
  }

  private static boolean finite(Tensor t) {
    for (double v : t.data()) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  private TrainingDiverged diverged(
      int epoch,
      int batch,
      long stepCount,
      double loss,
      String bad,
      Map<String, Tensor> values,
      Checkpoint last,
      Session session) {
    String culprit = locate(values, bad);
    String what =
        Double.isFinite(loss)
            ? bad + " is not finite (the loss is still " + loss + ")"
            : "the loss is " + (Double.isNaN(loss) ? "NaN" : loss > 0 ? "+infinity" : "-infinity");
    String message =
        String.format(
            Locale.ROOT,
            "training diverged at epoch %d, batch %d (step %d): %s; first non-finite value: %s. "
                + "The learning rate (%s at this epoch) is probably too high. The run is stopped; "
                + "its last good checkpoint (%s) is kept in %s",
            epoch + 1,
            batch + 1,
            stepCount,
            what,
            culprit,
            fmt(config.scheduleValue().rate(config.learningRate(), epoch, config.epochs())),
            describe(last),
            session.folder().dir());
    session.log().log(message);
    return new TrainingDiverged(message, stepCount, culprit);
  }

  private static String describe(Checkpoint c) {
    if (c.step() == 0) {
      return "the initial weights";
    }
    return c.batch() == 0
        ? "the end of epoch " + c.epoch() + ", step " + c.step()
        : "epoch " + (c.epoch() + 1) + " after batch " + c.batch() + ", step " + c.step();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }

  /**
   * Runs the layer outputs on the failing step's batch and parameters (before the update) and names
   * the first layer whose output is not finite; otherwise {@code fallback} (an update).
   */
  private String locate(Map<String, Tensor> values, String fallback) {
    Map<String, Tensor> outputs;
    try {
      Executable layersFn =
          model.prepare(model.layerOutputsFunction(config.batch()), config.backend());
      outputs = layersFn.run(values);
    } catch (RuntimeException e) {
      return fallback + " (the layer outputs could not be computed: " + e.getMessage() + ")";
    }
    for (Layer layer : model.network().layers()) {
      Tensor t = outputs.get("layer/" + layer.name());
      if (t != null && !finite(t)) {
        return "the output of layer "
            + layer.name()
            + " ("
            + layer.kindName()
            + ", line "
            + layer.pos().line()
            + ")";
      }
    }
    return fallback;
  }
}
