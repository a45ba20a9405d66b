package convnet.onnx.cli;

import convnet.autodiff.Tensor;
import convnet.onnx.internal.OnnxExporter;
import convnet.onnx.internal.OnnxWriter;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convnet export FILE WEIGHTS --onnx OUT}: the inference network as an ONNX model, checked
 * in ONNX Runtime.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    header = "Write a network and its weights as an ONNX model.",
    description = {
      "Write a network and its weights as an ONNX model (opset 17, standard operators",
      "only) for inference anywhere: input 'input' [N, C, H, W] float32; outputs",
      "'logits' and 'probabilities' [N, K] (softmax), or 'output' [N, C, H, W] for a",
      "network without a classifier. N and fn layers become compositions of standard",
      "operators; connection tables are folded into the weights, and so are gains of",
      "filter banks without activation (others become a Mul by per-map constants);",
      "dropout is the identity. The network's name and source text are in the model's",
      "metadata.",
      "",
      "The model is then run in ONNX Runtime on 2 random images (a whole batch with",
      "--batch N, its first 2 compared) and compared with the reference interpreter",
      "in float32: |onnx - interpreter| <= 1e-4 * |interpreter| + 1e-5 * max(1, the",
      "output's largest |value|). The file is written only if they agree."
    })
public final class ExportCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .cnn file")
  Path file;

  @Parameters(
      index = "1",
      paramLabel = "WEIGHTS",
      description =
          "the weights (.npz, as written by init or train, "
              + "or a PyTorch state_dict saved with numpy.savez)")
  Path weights;

  @Option(
      names = "--onnx",
      paramLabel = "MODEL.onnx",
      required = true,
      description = "the ONNX file to write")
  Path out;

  @Option(
      names = "--batch",
      paramLabel = "N|dynamic",
      defaultValue = "dynamic",
      description = "images per call: a fixed number, or dynamic (any number; the default)")
  String batch;

  @Option(names = "--no-verify", description = "skip the check in ONNX Runtime")
  boolean noVerify;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "seed of the random images of the " + "check (default: 1)")
  long seed;

  @Override
  public Integer call() throws IOException {
    int images = batchSize();
    checkOutput();
    NetworkModel model = NetworkModel.load(file, spec.commandLine().getErr());
    String source = Files.readString(file, StandardCharsets.UTF_8);
    try {
      // Refused before the weights are read: a network ONNX cannot hold needs no weights to say so.
      OnnxExporter.checkExportable(model);
      if (Files.isDirectory(weights)) {
        throw new UserError(weights + ": is a folder, not a file");
      }
      Map<String, Tensor> values = model.loadWeights(weights);
      OnnxExporter.Report r =
          OnnxExporter.export(
              model, source, values, new OnnxExporter.Options(images, !noVerify, seed), out);
      PrintWriter o = spec.commandLine().getOut();
      o.println(
          String.format(
              Locale.ROOT,
              "wrote %s: network %s, opset %d, %d nodes, %d initializers, %,d bytes, " + "batch %s",
              out,
              model.network().name(),
              OnnxWriter.OPSET,
              r.nodes(),
              r.initializers(),
              r.bytes(),
              images == 0 ? "dynamic" : String.valueOf(images)));
      o.println(
          r.verification() == null ? "not verified (--no-verify)" : r.verification().describe());
      o.flush();
      return 0;
    } catch (OnnxExporter.Failure e) {
      if (e.kind() == OnnxExporter.Failure.Kind.MISMATCH) {
        throw new IllegalStateException(e.getMessage(), e);
      }
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw UserError.io(out, "write", e);
    }
  }

  private int batchSize() {
    if (batch.equals("dynamic")) {
      return 0;
    }
    try {
      int n = Integer.parseInt(batch);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Falls through to the message below.
    }
    throw new UsageError("--batch must be a positive number or 'dynamic', not '" + batch + "'");
  }

  /** The output must be a file in an existing folder, and none of the inputs. */
  private void checkOutput() {
    if (out.toString().isBlank()) {
      throw new UsageError("--onnx needs a file name");
    }
    if (Files.isDirectory(out)) {
      throw new UserError(
          out + ": is a folder; --onnx names the file to write, e.g. " + out.resolve("model.onnx"));
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UserError(
          out
              + ": cannot write: "
              + parent
              + (Files.exists(parent) ? " is a file, not a folder" : ": no such folder"));
    }
    for (Path in : new Path[] {file, weights}) {
      if (out.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
        throw new UsageError(
            "--onnx "
                + out
                + " is also an input of the command; writing it would destroy that file");
      }
    }
  }
}
