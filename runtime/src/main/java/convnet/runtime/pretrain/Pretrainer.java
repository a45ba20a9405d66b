package convnet.runtime.pretrain;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.NpyFormatException;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.dsl.Layer;
import convnet.dsl.Network;
import convnet.dsl.lower.Lowering;
import convnet.runtime.data.Augmentation;
import convnet.runtime.data.Batches;
import convnet.runtime.data.Dataset;
import convnet.runtime.data.Seeds;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.run.MetricsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Unsupervised pre-training of a network's filter stages by predictive sparse decomposition, from
 * the lowest stage up: each stage learns on the outputs of every layer below its filter bank
 * (rectification, normalization and pooling included, at the weights those layers have by then),
 * computed from the training images.
 *
 * <p>Everything is a pure function of the starting weights, the settings, the seed and the data:
 * the batch order of stage s in epoch e comes from (seed, s, e), the dictionary's start from (seed,
 * s), and FISTA and the learning step are deterministic. A checkpoint after every epoch ({@code
 * checkpoint.npz} in the pre-training folder: all weights and dictionaries in float64 and the
 * position) therefore lets a stopped pre-training resume, from its last finished epoch, to bitwise
 * the weights of one never stopped. {@code metrics.csv} gets a row per stage and epoch.
 */
public final class Pretrainer {
  /** Columns of the pre-training {@code metrics.csv}. */
  public static final List<String> METRICS_COLUMNS =
      List.of(
          "stage",
          "layer",
          "epoch",
          "reconstruction_error",
          "mean_abs_code",
          "prediction_error",
          "seconds");

  private static final int FORMAT = 1;
  private static final String STATE = "pretrain/state";
  private static final long ORDER_STREAM = 0x505344L;
  private static final long DICTIONARY_STREAM = 0x44494354L;

  private final Network network;
  private final PsdSettings settings;
  private final int batch;
  private final long seed;
  private final java.util.function.Function<Function, Executable> prepare;

  /**
   * A pre-trainer for {@code network} with minibatches of {@code batch} images; {@code prepare}
   * makes each function ready to run on the chosen backend.
   */
  public Pretrainer(
      Network network,
      PsdSettings settings,
      int batch,
      long seed,
      java.util.function.Function<Function, Executable> prepare) {
    this.network = network;
    this.settings = settings;
    this.batch = batch;
    this.seed = seed;
    this.prepare = prepare;
  }

  /** One stage to pre-train: its index among the conv stages (from 0) and its filter layer. */
  public record Stage(int convStage, int layerIndex, Layer filter) {}

  /**
   * The filter layers of conv stages {@code convStages} (from 0), in network order; a stage whose
   * filter bank PSD cannot learn is a {@link UserError} naming it.
   */
  public List<Stage> stages(List<Integer> convStages) {
    List<Integer> lines = network.convStages();
    List<Stage> out = new ArrayList<>();
    for (int s : convStages.stream().sorted().distinct().toList()) {
      if (s < 0 || s >= lines.size()) {
        throw new UserError(
            "stage "
                + (s + 1)
                + ": network '"
                + network.name()
                + "' has "
                + lines.size()
                + " conv stage"
                + (lines.size() == 1 ? "" : "s"));
      }
      List<Layer> layers = network.layers();
      for (int i = 0; i < layers.size(); i++) {
        Layer l = layers.get(i);
        if (l.stage() == lines.get(s) && l.kind().opensFilterStage()) {
          // Checks the layer kind now, before any work.
          PsdGraphs.of(network, l, 1, settings);
          out.add(new Stage(s, i, l));
          break;
        }
      }
    }
    return out;
  }

  /** Reports pre-training as it goes. */
  public interface Listener {
    /** Batch {@code batch} (from 1) of {@code batches} of an epoch is done. */
    default void batch(
        Stage stage, int epoch, int batch, int batches, double reconstructionError) {}

    /** An epoch of a stage is done (epochs count from 1). */
    void epoch(Stage stage, int epoch, int epochs, Metrics metrics);
  }

  /** The means over one epoch's batches, and its seconds. */
  public record Metrics(
      double reconstructionError, double meanAbsCode, double predictionError, double seconds) {}

  /**
   * How {@link #run} ended: every stage done, or stopped at an epoch boundary of the last
   * checkpoint.
   */
  public record Result(boolean finished, Map<String, Tensor> weights, List<Metrics> epochs) {}

  /**
   * The position of a pre-training: stage ordinal (among the stages pre-trained) and epoch done in
   * it.
   */
  private record Position(int stage, int epoch) {}

  /**
   * Pre-trains {@code stages} on {@code train}, from the weights {@code initial} (every network
   * parameter), in {@code folder} (created if absent): a fresh start when it holds no checkpoint,
   * else a resume from it. Returns the network's weights and a {@code <layer>.decoder} dictionary
   * per stage pre-trained. {@code stop} is asked, with the number of batches done in this call,
   * before every batch; when it says yes the pre-training ends, its last checkpoint kept.
   */
  public Result run(
      Map<String, Tensor> initial,
      List<Stage> stages,
      Dataset train,
      Path folder,
      Listener listener,
      LongPredicate stop)
      throws IOException {
    Files.createDirectories(folder);
    Path checkpoint = folder.resolve("checkpoint.npz");
    Map<String, Tensor> weights = new LinkedHashMap<>(initial);
    Position at;
    MetricsCsv csv;
    if (Files.isRegularFile(checkpoint)) {
      at = read(checkpoint, weights, stages);
      csv =
          MetricsCsv.resume(
              folder.resolve("metrics.csv"),
              METRICS_COLUMNS,
              at.stage() * settings.epochs() + at.epoch());
    } else {
      at = new Position(0, 0);
      csv = MetricsCsv.create(folder.resolve("metrics.csv"), METRICS_COLUMNS);
      write(checkpoint, weights, at);
    }
    List<Metrics> done = new ArrayList<>();
    long batchesDone = 0;
    for (int k = at.stage(); k < stages.size(); k++) {
      Stage stage = stages.get(k);
      PsdGraphs graphs = PsdGraphs.of(network, stage.filter(), batch, settings);
      weights.computeIfAbsent(
          graphs.decoderName(),
          name ->
              PsdStage.initialDictionary(
                  graphs.decoderShape(), Seeds.mix(seed, DICTIONARY_STREAM, stage.convStage())));
      PsdStage psd = new PsdStage(graphs, prepare);
      Executable below = stage.layerIndex() == 0 ? null : prepare.apply(belowFunction(stage));
      Batches batches =
          Batches.training(
              train, batch, Seeds.mix(seed, ORDER_STREAM, stage.convStage()), Augmentation.NONE);
      float[] images = new float[batches.bufferLength()];
      int[] labels = new int[batch];
      Shape imageShape = Shape.of(batch, train.channels(), train.height(), train.width());
      List<String> names = new ArrayList<>(graphs.encoderParameters());
      names.add(graphs.decoderName());
      int firstEpoch = k == at.stage() ? at.epoch() : 0;
      for (int epoch = firstEpoch; epoch < settings.epochs(); epoch++) {
        long start = System.nanoTime();
        Batches.Epoch order = batches.epoch(epoch);
        double rec = 0;
        double code = 0;
        double pred = 0;
        int perEpoch = batches.batchesPerEpoch();
        for (int b = 0; b < perEpoch; b++) {
          if (stop.test(batchesDone)) {
            return new Result(false, weights, done);
          }
          order.fill(b, images, labels);
          Tensor x = Tensor.ofFloats(imageShape, images);
          if (below != null) {
            Map<String, Tensor> values = new HashMap<>(weights);
            values.put(Lowering.INPUT, x);
            x = below.run(values).get(Lowering.OUTPUT);
          }
          Map<String, Tensor> params = new HashMap<>();
          for (String name : names) {
            params.put(name, weights.get(name));
          }
          PsdStage.Step step = psd.train(x, params, settings.lr());
          if (!finite(step)) {
            throw new UserError(
                String.format(
                    Locale.ROOT,
                    "pre-training of stage %d (%s) "
                        + "diverged at epoch %d, batch %d: a dictionary or encoder value is not finite; "
                        + "lower lr in pretrain = psd(...) (it is %s)",
                    stage.convStage() + 1,
                    stage.filter().name(),
                    epoch + 1,
                    b + 1,
                    settings.lr()));
          }
          weights.putAll(step.parameters());
          rec += step.reconstructionError();
          code += step.meanAbsCode();
          pred += step.predictionError();
          batchesDone++;
          listener.batch(stage, epoch + 1, b + 1, perEpoch, rec / (b + 1));
        }
        Metrics m =
            new Metrics(
                rec / perEpoch,
                code / perEpoch,
                pred / perEpoch,
                (System.nanoTime() - start) / 1e9);
        done.add(m);
        csv.append(
            stage.convStage() + 1,
            stage.filter().name(),
            epoch + 1,
            m.reconstructionError(),
            m.meanAbsCode(),
            m.predictionError(),
            m.seconds());
        write(
            checkpoint,
            weights,
            epoch + 1 < settings.epochs() ? new Position(k, epoch + 1) : new Position(k + 1, 0));
        listener.epoch(stage, epoch + 1, settings.epochs(), m);
      }
    }
    return new Result(true, weights, done);
  }

  /**
   * Writes what a finished pre-training leaves for people: {@code weights.npz} (every weight and
   * dictionary, float32) and {@code dictionary.png}, the grid of the lowest stage's dictionary.
   */
  public static void writeOutputs(Path folder, Map<String, Tensor> weights, List<Stage> stages)
      throws IOException {
    NetworkModel.saveWeights(folder.resolve("weights.npz"), weights);
    if (!stages.isEmpty()) {
      DictionaryImage.write(
          folder.resolve("dictionary.png"),
          weights.get(PsdGraphs.decoderName(stages.get(0).filter().name())));
    }
  }

  /** Every layer below {@code stage}'s filter bank, in inference mode: the stage's input. */
  private Function belowFunction(Stage stage) {
    Network n = network;
    Network prefix =
        new Network(
            n.name(), n.input(), n.layers().subList(0, stage.layerIndex()), n.train(), n.stages());
    Graph g = Lowering.lower(prefix, batch, Lowering.Mode.INFERENCE, false);
    return new Function(n.name() + ".below-" + stage.filter().name(), NetworkModel.simplify(g));
  }

  private static boolean finite(PsdStage.Step step) {
    for (Tensor t : step.parameters().values()) {
      for (double v : t.data()) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return Double.isFinite(step.reconstructionError());
  }

  private static void write(Path file, Map<String, Tensor> weights, Position at)
      throws IOException {
    Map<String, Tensor> arrays = new LinkedHashMap<>(weights);
    arrays.put(STATE, Tensor.of(Shape.of(3), FORMAT, at.stage(), at.epoch()));
    Npz.write(file, arrays, NpyType.FLOAT64);
  }

  /** Reads a checkpoint into {@code weights}, checking it belongs to these weights and stages. */
  private Position read(Path file, Map<String, Tensor> weights, List<Stage> stages) {
    Map<String, Tensor> arrays;
    try {
      arrays = Npz.read(file);
    } catch (NpyFormatException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw UserError.io(file, "read", e);
    }
    Tensor state = arrays.remove(STATE);
    if (state == null || state.size() != 3 || state.get(0) != FORMAT) {
      throw new UserError(
          file
              + ": not a pre-training checkpoint of this version (no "
              + STATE
              + " array of format "
              + FORMAT
              + ")");
    }
    int stage = (int) state.get(1);
    int epoch = (int) state.get(2);
    if (stage < 0 || stage > stages.size() || epoch < 0 || epoch >= settings.epochs()) {
      throw new UserError(
          file
              + ": the checkpoint is at stage "
              + (stage + 1)
              + ", epoch "
              + epoch
              + ", which this pre-training ("
              + stages.size()
              + " stages of "
              + settings.epochs()
              + " epochs) does not have: it was written with other settings");
    }
    for (Map.Entry<String, Tensor> e : weights.entrySet()) {
      Tensor t = arrays.get(e.getKey());
      if (t == null || !t.shape().equals(e.getValue().shape())) {
        throw new UserError(
            file
                + ": the checkpoint lacks "
                + e.getKey()
                + " "
                + e.getValue().shape()
                + " or has it in another shape: it was written for another network");
      }
    }
    weights.putAll(arrays);
    return new Position(stage, epoch);
  }
}
