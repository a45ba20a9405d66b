package convnet.onnx.internal;

import convnet.autodiff.Tensor;
import convnet.autodiff.io.AtomicFiles;
import convnet.onnx.internal.proto.OnnxProto.ModelProto;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Export of a checked network with its weights: refusal of what ONNX cannot hold, writing,
 * verification in ONNX Runtime, and an atomic write of the file, in that order, so a model that
 * fails its check is never written.
 */
public final class OnnxExporter {
  /**
   * Random images compared with the interpreter: more than one, so that a batch mix-up shows. A
   * dynamic batch is run with this many; a fixed batch of N is run whole in ONNX Runtime and its
   * first images are compared.
   */
  public static final int VERIFY_IMAGES = 2;

  private OnnxExporter() {}

  /**
   * {@code batch} images per call (0: any number), whether to verify, and the seed of the
   * verification images.
   */
  public record Options(int batch, boolean verify, long seed) {
    public Options {
      if (batch < 0) {
        throw new IllegalArgumentException("batch must be 0 (dynamic) or positive, not " + batch);
      }
    }
  }

  /**
   * What was written: the file, its size, its node and initializer counts, and the verification
   * (null if skipped).
   */
  public record Report(
      Path file, long bytes, int nodes, int initializers, OnnxVerifier.Result verification) {}

  /** Why an export did not happen; {@link #kind()} separates the user's problems from convnet's. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
      /** The network has a layer ONNX cannot hold. */
      REFUSED,
      /** ONNX Runtime is missing or failed. */
      RUNTIME_UNAVAILABLE,
      /** ONNX Runtime and the interpreter disagree: a bug in the exporter. */
      MISMATCH
    }

    private final Kind kind;

    Failure(Kind kind, String message) {
      super(message);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /** Refuses a network ONNX cannot hold, naming each layer and why; looks at shapes only. */
  public static void checkExportable(NetworkModel model) {
    List<String> refused = OnnxWriter.refusals(model.network());
    if (!refused.isEmpty()) {
      throw new Failure(
          Failure.Kind.REFUSED,
          model.fileName()
              + ": network '"
              + model.network().name()
              + "' cannot be exported to ONNX:\n  "
              + String.join("\n  ", refused));
    }
  }

  /** The model's bytes, before any check. */
  public static byte[] modelBytes(
      NetworkModel model, String source, Map<String, Tensor> weights, int batch) {
    checkExportable(model);
    return OnnxWriter.write(model.network(), source, weights, batch).toByteArray();
  }

  /** Writes, verifies (unless asked not to) and then atomically writes {@code out}. */
  public static Report export(
      NetworkModel model, String source, Map<String, Tensor> weights, Options options, Path out)
      throws IOException {
    checkExportable(model);
    ModelProto proto = OnnxWriter.write(model.network(), source, weights, options.batch());
    byte[] bytes = proto.toByteArray();
    OnnxVerifier.Result verification = null;
    if (options.verify()) {
      int images = options.batch() == 0 ? VERIFY_IMAGES : options.batch();
      try {
        verification =
            OnnxVerifier.verify(bytes, model, weights, images, VERIFY_IMAGES, options.seed());
      } catch (OnnxVerifier.RuntimeUnavailable e) {
        throw new Failure(
            Failure.Kind.RUNTIME_UNAVAILABLE,
            e.getMessage()
                + "; nothing was written (--no-verify writes the model without this check)");
      }
      if (!verification.passed()) {
        throw new Failure(
            Failure.Kind.MISMATCH,
            "ONNX Runtime disagrees with the interpreter on network '"
                + model.network().name()
                + "': "
                + verification.describe()
                + "; nothing was written");
      }
    }
    AtomicFiles.writeBytes(out, bytes);
    return new Report(
        out,
        bytes.length,
        proto.getGraph().getNodeCount(),
        proto.getGraph().getInitializerCount(),
        verification);
  }
}
