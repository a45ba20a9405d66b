package convnet.onnx.api;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.onnx.internal.OnnxExporter;
import convnet.onnx.internal.OnnxWriter;
import convnet.runtime.api.ConvNet;
import convnet.runtime.api.ConvNetException;
import convnet.runtime.api.NdArray;
import convnet.runtime.api.Weights;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Export of a network and its weights to an ONNX model of standard operators (opset 17), as {@code
 * convnet export} does: input {@code input} [N, C, H, W]; outputs {@code logits} and {@code
 * probabilities} [N, K], or {@code output} for a network without a classifier. Unless asked not to,
 * the model is first run in ONNX Runtime on random images and compared with the reference
 * interpreter; the file is written (atomically) only if they agree.
 */
public final class OnnxExport {
  private OnnxExport() {}

  /** What was written, and the verification's sentence (null when not verified). */
  public record Result(Path file, long bytes, String verification) {}

  /** Any number of images per call. */
  public static final int DYNAMIC_BATCH = 0;

  /**
   * Writes {@code network} with {@code weights} to {@code out}, for {@code batch} images per call
   * ({@link #DYNAMIC_BATCH} for any number), verified in ONNX Runtime when {@code verify}.
   */
  public static Result export(
      ConvNet network, Weights weights, Path out, int batch, boolean verify) {
    NetworkModel model = model(network);
    try {
      OnnxExporter.Report r =
          OnnxExporter.export(
              model,
              network.source(),
              tensors(network, weights),
              new OnnxExporter.Options(batch, verify, 1),
              out);
      return new Result(
          r.file(), r.bytes(), r.verification() == null ? null : r.verification().describe());
    } catch (OnnxExporter.Failure e) {
      if (e.kind() == OnnxExporter.Failure.Kind.MISMATCH) {
        throw new IllegalStateException(e.getMessage());
      }
      throw new ConvNetException(e.getMessage());
    } catch (UserError e) {
      throw new ConvNetException(e.getMessage());
    } catch (IOException e) {
      throw new ConvNetException(out + ": cannot write: " + e.getMessage());
    }
  }

  /**
   * The model's bytes, unverified, for a program that keeps it in memory or hands it to its own
   * ONNX runtime.
   */
  public static byte[] toBytes(ConvNet network, Weights weights, int batch) {
    try {
      return OnnxExporter.modelBytes(
          model(network), network.source(), tensors(network, weights), batch);
    } catch (OnnxExporter.Failure | UserError e) {
      throw new ConvNetException(e.getMessage());
    }
  }

  /** The names of the model's input and outputs. */
  public static final String INPUT = OnnxWriter.INPUT;

  /** The classifier's scores before softmax, [N, K]. */
  public static final String LOGITS = OnnxWriter.LOGITS;

  /** The classifier's softmax, [N, K]. */
  public static final String PROBABILITIES = OnnxWriter.PROBABILITIES;

  private static NetworkModel model(ConvNet network) {
    try {
      return NetworkModel.fromSource(network.source(), network.fileName(), null);
    } catch (UserError e) {
      throw new ConvNetException(e.getMessage());
    }
  }

  /** The weights as tensors, exactly the network's parameters with their shapes. */
  private static Map<String, Tensor> tensors(ConvNet network, Weights weights) {
    Map<String, int[]> shapes = network.parameterShapes();
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      NdArray a = weights.asMap().get(e.getKey());
      if (a == null || !java.util.Arrays.equals(a.shape(), e.getValue())) {
        throw new ConvNetException(
            "the weights do not fit network '"
                + network.name()
                + "': "
                + e.getKey()
                + " "
                + (a == null ? "is missing" : "has shape " + java.util.Arrays.toString(a.shape()))
                + ", expected "
                + java.util.Arrays.toString(e.getValue()));
      }
    }
    for (String name : weights.names()) {
      if (!shapes.containsKey(name)) {
        throw new ConvNetException(
            "the weights do not fit network '" + network.name() + "': unexpected " + name);
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, NdArray> e : weights.asMap().entrySet()) {
      out.put(
          e.getKey(), Tensor.ofFloats(Shape.of(e.getValue().shape()), e.getValue().toFloatArray()));
    }
    return out;
  }
}
