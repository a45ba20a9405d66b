package convnet.runtime.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.runtime.errors.UserError;
import convnet.runtime.run.RunFolder;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to continue a run exactly where it stopped: parameters and the optimizer's
 * state (momentum buffers {@code velocity/X}, or Adam's moments {@code adam_m/X}, {@code adam_v/X};
 * Adam's step count is the global step), the position (epoch in progress and batches done in it,
 * counting from 0; the global step), the running sums of the epoch so far, and the best test
 * accuracy so far.
 *
 * <p>{@code checkpoint.npz} holds all of it (float64, so nothing is rounded; the position and sums
 * in the array {@code checkpoint/state}) and is the source of truth; {@code checkpoint.json},
 * written after it, repeats the position for people and scripts and marks the folder resumable.
 * Both are written atomically, so a run killed at any moment leaves a complete checkpoint: if it
 * dies between the two files, the npz is simply one checkpoint newer than the json.
 */
public record Checkpoint(
    int epoch,
    int batch,
    long step,
    double lossSum,
    long correct,
    long seen,
    double bestTestAccuracy,
    int bestEpoch,
    Map<String, Tensor> parameters,
    Map<String, Tensor> optimizerState) {

  static final int FORMAT = 1;
  private static final String STATE = "checkpoint/state";

  public Checkpoint {
    // Copies that keep the given order (the network's parameter order): it is the order of the
    // arrays in checkpoint.npz and in the weights files, which must be the same run to run.
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    optimizerState = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
    if (epoch < 0 || batch < 0 || step < 0) {
      throw new IllegalArgumentException("negative position " + epoch + "/" + batch + "/" + step);
    }
  }

  /** Writes {@code checkpoint.npz} then {@code checkpoint.json}, both atomically. */
  public void write(RunFolder folder) throws IOException {
    Map<String, Tensor> arrays = new LinkedHashMap<>(parameters);
    arrays.putAll(optimizerState);
    // Every count is far below 2^53, so doubles hold them exactly.
    arrays.put(
        STATE,
        Tensor.of(
            Shape.of(9),
            FORMAT,
            epoch,
            batch,
            step,
            lossSum,
            correct,
            seen,
            bestEpoch > 0 ? bestTestAccuracy : -1,
            bestEpoch));
    RunFolder.writing(
        folder.checkpointNpz(), () -> Npz.write(folder.checkpointNpz(), arrays, NpyType.FLOAT64));
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("format", FORMAT);
    o.put("epoch", epoch);
    o.put("batch", batch);
    o.put("step", step);
    o.put("loss_sum", lossSum);
    o.put("correct", correct);
    o.put("seen", seen);
    if (bestEpoch > 0) {
      o.put("best_test_accuracy", bestTestAccuracy);
    } else {
      o.putNull("best_test_accuracy");
    }
    o.put("best_epoch", bestEpoch);
    RunFolder.writeJson(folder.checkpointJson(), o);
  }

  /**
   * Reads the checkpoint of {@code folder}, checking it holds every parameter of {@code shapes} and
   * every optimizer state tensor of {@code stateShapes} (keyed by their full names, such as {@code
   * velocity/X}), each with its shape.
   */
  public static Checkpoint read(
      RunFolder folder, Map<String, Shape> shapes, Map<String, Shape> stateShapes) {
    Map<String, Tensor> arrays;
    try {
      arrays = Npz.read(folder.checkpointNpz());
    } catch (IOException e) {
      throw new UserError(
          folder.checkpointNpz() + ": cannot read the checkpoint: " + e.getMessage(), e);
    }
    Tensor state = arrays.get(STATE);
    if (state == null || state.size() != 9 || state.get(0) != FORMAT) {
      throw new UserError(
          folder.checkpointNpz()
              + ": not a checkpoint of this format (no "
              + STATE
              + " array of 9 values, format "
              + FORMAT
              + ")");
    }
    double[] v = state.data();
    for (int i = 1; i < v.length; i++) {
      if (!Double.isFinite(v[i]) || (i != 4 && i != 7 && (v[i] < 0 || v[i] != Math.rint(v[i])))) {
        throw new UserError(folder.checkpointNpz() + ": corrupt checkpoint state");
      }
    }
    Map<String, Tensor> params = new LinkedHashMap<>();
    Map<String, Tensor> optimizerState = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> e : shapes.entrySet()) {
      params.put(e.getKey(), expect(arrays, e.getKey(), e.getValue(), folder));
    }
    for (Map.Entry<String, Shape> e : stateShapes.entrySet()) {
      optimizerState.put(e.getKey(), expect(arrays, e.getKey(), e.getValue(), folder));
    }
    checkJson(folder, (long) v[3]);
    int bestEpoch = (int) v[8];
    return new Checkpoint(
        (int) v[1],
        (int) v[2],
        (long) v[3],
        v[4],
        (long) v[5],
        (long) v[6],
        bestEpoch > 0 ? v[7] : Double.NaN,
        bestEpoch,
        params,
        optimizerState);
  }

  /**
   * {@code checkpoint.json} must be what {@link #write} writes: this format, and a position no
   * later than the npz's (it is written second, so a run killed between the two leaves it one
   * checkpoint behind, never ahead).
   */
  private static void checkJson(RunFolder folder, long npzStep) {
    com.fasterxml.jackson.databind.JsonNode json =
        RunFolder.readJson(folder.checkpointJson(), com.fasterxml.jackson.databind.JsonNode.class);
    String problem = null;
    if (json == null || !json.isObject()) {
      problem = "not a JSON object";
    } else if (!json.path("format").canConvertToInt() || json.path("format").asInt() != FORMAT) {
      problem = "its \"format\" is not " + FORMAT;
    } else {
      for (String key : new String[] {"epoch", "batch", "step"}) {
        com.fasterxml.jackson.databind.JsonNode n = json.path(key);
        if (!n.isIntegralNumber() || n.asLong() < 0) {
          problem = "its \"" + key + "\" is not a whole number >= 0";
          break;
        }
      }
      if (problem == null && json.path("step").asLong() > npzStep) {
        problem =
            "it is at step "
                + json.path("step").asLong()
                + ", later than "
                + folder.checkpointNpz().getFileName()
                + " (step "
                + npzStep
                + ")";
      }
    }
    if (problem != null) {
      throw new UserError(folder.checkpointJson() + ": corrupt checkpoint: " + problem);
    }
  }

  private static Tensor expect(
      Map<String, Tensor> arrays, String name, Shape shape, RunFolder folder) {
    Tensor t = arrays.get(name);
    if (t == null) {
      throw new UserError(
          folder.checkpointNpz()
              + ": has no array '"
              + name
              + "': it was "
              + "written for another network or optimizer");
    }
    if (!t.shape().equals(shape)) {
      throw new UserError(
          folder.checkpointNpz()
              + ": array '"
              + name
              + "' has shape "
              + t.shape()
              + " but the network's is "
              + shape);
    }
    return t;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Checkpoint c
        && epoch == c.epoch
        && batch == c.batch
        && step == c.step
        && Double.compare(lossSum, c.lossSum) == 0
        && correct == c.correct
        && seen == c.seen
        && Double.compare(bestTestAccuracy, c.bestTestAccuracy) == 0
        && bestEpoch == c.bestEpoch
        && parameters.equals(c.parameters)
        && optimizerState.equals(c.optimizerState);
  }

  @Override
  public int hashCode() {
    return Objects.hash(epoch, batch, step, parameters.keySet());
  }
}
