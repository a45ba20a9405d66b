package convnet.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import convnet.autodiff.DType;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.dsl.lower.Lowering;
import convnet.runtime.model.NetworkModel;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Runs an exported model in ONNX Runtime on random images and compares every output with the
 * reference interpreter run in float32 on the same images and weights.
 *
 * <p>Tolerance: each value may differ by {@value #RTOL} of its own size plus {@value #ATOL} of the
 * largest value of its output (both float32 computations sum in different orders, and LCN divides
 * by local norms, so the error scales with the output's range rather than each value).
 */
public final class OnnxVerifier {
  /** Relative part of the tolerance. */
  public static final double RTOL = 1e-4;

  /**
   * Absolute part of the tolerance, as a fraction of the largest |value| of the output (at least
   * 1).
   */
  public static final double ATOL = 1e-5;

  private OnnxVerifier() {}

  /**
   * The outcome: images compared, the largest error relative to the tolerance, and a sentence about
   * it.
   */
  public record Result(
      int images,
      int batch,
      double worstError,
      double worstAllowed,
      String output,
      boolean passed) {
    /** One line for the user. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "verified in ONNX Runtime on %d random image%s%s: largest difference %.3g "
              + "(allowed %.3g, float32, |onnx - interpreter| <= %.0e * |interpreter| + %.0e * max(1, max |output|)) in %s"
              + "%s",
          images,
          images == 1 ? "" : "s",
          batch > images ? " (the first of a batch of " + batch + ")" : "",
          worstError,
          worstAllowed,
          RTOL,
          ATOL,
          output,
          passed ? "" : ": MISMATCH");
    }
  }

  /** Thrown when ONNX Runtime cannot be loaded or cannot run the model. */
  public static final class RuntimeUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    RuntimeUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Compares on {@code images} random images drawn from {@code seed} (uniform in [0, 1), like
   * pixels).
   */
  public static Result verify(
      byte[] model, NetworkModel network, Map<String, Tensor> weights, int images, long seed)
      throws RuntimeUnavailable {
    return verify(model, network, weights, images, images, seed);
  }

  /**
   * Runs ONNX Runtime on a batch of {@code batch} random images and compares the first {@code
   * compared} of them with the interpreter: inference treats every image on its own, and the
   * interpreter is slow on large networks, so a model with a large fixed batch need not be
   * interpreted whole.
   */
  public static Result verify(
      byte[] model,
      NetworkModel network,
      Map<String, Tensor> weights,
      int batch,
      int compared,
      long seed)
      throws RuntimeUnavailable {
    int images = Math.min(batch, compared);
    Shape shape = network.inputShape(batch);
    float[] pixels = new float[shape.size()];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) r.nextDouble();
    }
    Shape first = network.inputShape(images);
    Map<String, Tensor> values = new HashMap<>(weights);
    values.put(
        Lowering.INPUT, Tensor.ofFloats(first, java.util.Arrays.copyOf(pixels, first.size())));
    Tensor reference =
        Interpreter.evaluate(network.inferenceFunction(images, false).graph(), values, DType.F32)
            .get(Lowering.OUTPUT);
    Map<String, float[]> onnx = run(model, pixels, shape);
    onnx.replaceAll((name, v) -> java.util.Arrays.copyOf(v, v.length / batch * images));
    boolean classifier = network.classes() > 0;
    Result logits =
        compare(
            onnx.get(classifier ? OnnxWriter.LOGITS : OnnxWriter.OUTPUT),
            reference.data(),
            images,
            batch,
            classifier ? OnnxWriter.LOGITS : OnnxWriter.OUTPUT);
    if (!classifier || !logits.passed()) {
      return logits;
    }
    Result probabilities =
        compare(
            onnx.get(OnnxWriter.PROBABILITIES),
            softmax(reference.data(), network.classes()),
            images,
            batch,
            OnnxWriter.PROBABILITIES);
    if (!probabilities.passed()) {
      return probabilities;
    }
    return logits.worstError() / logits.worstAllowed()
            >= probabilities.worstError() / probabilities.worstAllowed()
        ? logits
        : probabilities;
  }

  private static Map<String, float[]> run(byte[] model, float[] pixels, Shape shape)
      throws RuntimeUnavailable {
    OrtEnvironment env;
    try {
      env = OrtEnvironment.getEnvironment();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      throw new RuntimeUnavailable(
          "ONNX Runtime cannot be loaded on this machine (" + e.getMessage() + ")", e);
    }
    long[] dims = new long[shape.rank()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.dim(i);
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // One thread each: verification is small, and the machine may be busy training.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(model, options);
          OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), dims);
          OrtSession.Result result = session.run(Map.of(OnnxWriter.INPUT, input))) {
        Map<String, float[]> out = new HashMap<>();
        for (String name :
            List.of(OnnxWriter.LOGITS, OnnxWriter.PROBABILITIES, OnnxWriter.OUTPUT)) {
          Optional<OnnxValue> v = result.get(name);
          if (v.isPresent()) {
            FloatBuffer b = ((OnnxTensor) v.get()).getFloatBuffer();
            float[] f = new float[b.remaining()];
            b.get(f);
            out.put(name, f);
          }
        }
        return out;
      }
    } catch (OrtException e) {
      throw new RuntimeUnavailable(
          "ONNX Runtime could not run the exported model: " + e.getMessage(), e);
    }
  }

  private static Result compare(
      float[] onnx, double[] reference, int images, int batch, String name) {
    if (onnx == null || onnx.length != reference.length) {
      return new Result(
          images,
          batch,
          Double.POSITIVE_INFINITY,
          0,
          name
              + " (ONNX Runtime gave "
              + (onnx == null
                  ? "no such output"
                  : onnx.length + " values, expected " + reference.length)
              + ")",
          false);
    }
    double largest = 1;
    for (double v : reference) {
      largest = Math.max(largest, Math.abs(v));
    }
    double worst = 0;
    double worstAllowed = ATOL * largest;
    double worstRatio = 0;
    boolean ok = true;
    for (int i = 0; i < onnx.length; i++) {
      double err = Math.abs(onnx[i] - reference[i]);
      double allowed = RTOL * Math.abs(reference[i]) + ATOL * largest;
      if (!(err <= allowed)) {
        ok = false;
      }
      double ratio = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / allowed;
      if (ratio > worstRatio || i == 0) {
        worstRatio = ratio;
        worst = Double.isNaN(err) ? Double.NaN : err;
        worstAllowed = allowed;
      }
    }
    return new Result(images, batch, worst, worstAllowed, name, ok);
  }

  /** Softmax per row of [n, k] logits, in double precision. */
  private static double[] softmax(double[] logits, int k) {
    double[] p = new double[logits.length];
    for (int row = 0; row < logits.length / k; row++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, logits[row * k + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        p[row * k + j] = Math.exp(logits[row * k + j] - max);
        sum += p[row * k + j];
      }
      for (int j = 0; j < k; j++) {
        p[row * k + j] /= sum;
      }
    }
    return p;
  }
}
