package convnet.runtime.train;

import convnet.autodiff.Executable;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.CompiledFunction;
import convnet.runtime.data.Batches;
import convnet.runtime.data.Dataset;
import convnet.runtime.run.ConfusionMatrix;
import java.util.HashMap;
import java.util.Map;

/**
 * Evaluates weights on a data split with an inference function of a fixed batch size. The last
 * batch is padded with zero images whose rows are ignored: inference treats every image on its own,
 * so padding changes no real image's output and a single compiled function serves every batch. Loss
 * and predictions are computed here from the logits, in double precision.
 */
public final class Evaluator {
  private final Executable inference;
  private final int batch;
  private final int classes;

  /** {@code inference} must be the inference function of batch size {@code batch}. */
  public Evaluator(Executable inference, int batch, int classes) {
    if (batch < 1 || classes < 1) {
      throw new IllegalArgumentException("batch " + batch + ", classes " + classes);
    }
    this.inference = inference;
    this.batch = batch;
    this.classes = classes;
  }

  /** Accuracy, mean loss and confusion matrix of {@code params} on every image of {@code data}. */
  public Evaluation evaluate(Dataset data, Map<String, Tensor> params) {
    if (data.classCount() != classes) {
      throw new IllegalArgumentException(
          data.classCount() + " classes in the data, " + classes + " in the network");
    }
    Batches batches = Batches.evaluation(data, batch);
    Batches.Epoch epoch = batches.epoch(0);
    Shape inputShape = Shape.of(batch, data.channels(), data.height(), data.width());
    float[] images = new float[batches.bufferLength()];
    int[] labels = new int[batch];
    ConfusionMatrix confusion = new ConfusionMatrix(data.classNames());
    double lossSum = 0;
    Map<String, Tensor> values = new HashMap<>(params);
    // Compiled: parameters are written into the function's buffers once, and each batch goes
    // straight into its input buffer (inputs and parameters keep their buffers for its life).
    CompiledFunction compiled = inference instanceof CompiledFunction c ? c : null;
    if (compiled != null) {
      for (String name : compiled.paramNames()) {
        load(compiled, name, params.get(name));
      }
      images = compiled.buffer("input");
    }
    double[] logits = new double[batch * classes];
    for (int b = 0; b < epoch.batches(); b++) {
      int n = epoch.fill(b, images, labels);
      if (n < batch) {
        java.util.Arrays.fill(images, n * data.imageSize(), inputShape.size(), 0f);
      }
      if (compiled != null) {
        compiled.run();
        float[] out = compiled.buffer("output");
        for (int i = 0; i < logits.length; i++) {
          logits[i] = out[i];
        }
      } else {
        values.put("input", Tensor.ofFloats(inputShape, images));
        logits = inference.run(values).get("output").data();
      }
      for (int i = 0; i < n; i++) {
        lossSum += Logits.crossEntropy(logits, i, classes, labels[i]);
        int predicted = Logits.argmax(logits, i, classes);
        // A NaN row counts as wrong: it is predicted as any class but the true one.
        confusion.add(labels[i], predicted >= 0 ? predicted : (labels[i] + 1) % classes);
      }
    }
    return new Evaluation(lossSum / data.size(), confusion.accuracy(), confusion);
  }

  private static void load(CompiledFunction f, String name, Tensor value) {
    if (value == null || !value.shape().equals(f.shape(name))) {
      throw new IllegalArgumentException(
          "parameter '"
              + name
              + "' of shape "
              + f.shape(name)
              + (value == null ? " has no value" : " given as " + value.shape()));
    }
    float[] target = f.buffer(name);
    double[] d = value.data();
    for (int i = 0; i < d.length; i++) {
      target[i] = (float) d[i];
    }
  }
}
