package convnet.runtime.cli;

import convnet.autodiff.DType;
import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.Npy;
import convnet.autodiff.io.NpyArray;
import convnet.autodiff.io.NpyFormatException;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.dsl.MapShape;
import convnet.dsl.lower.Lowering;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.Backends;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convnet forward}: outputs, loss and gradients of a network on given images, weights and
 * labels.
 */
@Command(
    name = "forward",
    header = "Run a network on images and write its outputs and gradients.",
    mixinStandardHelpOptions = true,
    description = {
      "Run a network on images with given weights and write the results to an .npz:",
      "  output         the logits [N, K] (or the last layer's maps)",
      "  loss           mean softmax cross-entropy (only with --labels)",
      "  grad/<param>   d loss / d parameter, for every parameter (only with --labels)",
      "  grad/input     d loss / d input, shaped like the input file (only with --labels)",
      "",
      "X.npy holds float32 or float64 images [N, C, H, W], or [C, H, W] for one image;",
      "Y.npy holds int32 or int64 class indices [N]. Weights are an .npz as written",
      "by 'convnet init' or by numpy.savez of a PyTorch state_dict. Dropout is the",
      "identity. Results are float32 unless --precision f64. Weights holding NaN",
      "or an infinity are refused (exit status 1), naming the array and index."
    })
public final class ForwardCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .cnn file")
  Path file;

  @Option(names = "--weights", paramLabel = "W.npz", required = true, description = "the weights")
  Path weights;

  @Option(names = "--input", paramLabel = "X.npy", required = true, description = "the images")
  Path input;

  @Option(
      names = "--labels",
      paramLabel = "Y.npy",
      description = "class indices; adds loss and gradients")
  Path labels;

  @Option(
      names = "--out",
      paramLabel = "O.npz",
      required = true,
      description = "the .npz file to write")
  Path out;

  @Option(
      names = "--backend",
      paramLabel = "interpreted|compiled",
      description =
          "how to run it: compiled (float32 bytecode, the default) or interpreted (the reference "
              + "interpreter, the default with --precision f64)")
  String backend;

  @Option(
      names = "--precision",
      paramLabel = "f32|f64",
      defaultValue = "f32",
      description = "arithmetic and output precision (default: f32)")
  String precision;

  @picocli.CommandLine.Mixin ThreadsOption threadsOption = new ThreadsOption();

  @Override
  public Integer call() throws Exception {
    threadsOption.apply();
    return OutOfMemory.guard("running the network", this::work);
  }

  private Integer work() {
    // Without --backend, f64 asks for the interpreter: compiled code runs in float32 only.
    Backend be =
        backend == null
            ? precision.equals("f64") ? Backend.INTERPRETED : Backend.COMPILED
            : Backend.named(backend)
                .orElseThrow(
                    () ->
                        new UsageError(
                            "--backend must be interpreted or compiled, not '" + backend + "'"));
    DType dtype =
        switch (precision) {
          case "f32" -> DType.F32;
          case "f64" -> DType.F64;
          default ->
              throw new UsageError("--precision must be f32 or f64, not '" + precision + "'");
        };
    FileArgs.checkWritable("--out", out);
    FileArgs.checkNotAnInput("--out", out, file, weights, input, labels);
    NetworkModel loaded = NetworkModel.loadAsIs(file, spec.commandLine().getErr());
    FileArgs.checkReadable(weights);
    // The weights come with the connection tables they were trained with.
    NetworkModel.Trained trained = loaded.loadTrained(weights);
    NetworkModel model = trained.model();
    Map<String, Tensor> values = new HashMap<>(trained.weights());
    NpyArray images = read(input);
    Tensor x = images(images.tensor(), images.type(), model.network().input());
    int n = x.shape().dim(0);
    values.put(Lowering.INPUT, x);
    if (labels != null) {
      if (model.classes() == 0) {
        throw new UserError(
            labels
                + ": labels need a classifier, but network '"
                + model.network().name()
                + "' of "
                + file
                + " does not end with 'logistic N'");
      }
      values.put(
          Lowering.LABELS,
          NetworkModel.oneHot(labels(read(labels), n, model.classes()), model.classes()));
    }
    Function f = labels != null ? model.gradientFunction(n) : model.inferenceFunction(n, false);
    Executable exe = Backends.prepare(f, be, dtype);
    Map<String, Tensor> results = exe.run(values);
    Map<String, Tensor> written = new LinkedHashMap<>();
    written.put(Lowering.OUTPUT, results.get(Lowering.OUTPUT));
    if (labels != null) {
      written.put(Lowering.LOSS, results.get(Lowering.LOSS));
      for (String p : model.parameterNames()) {
        written.put(NetworkModel.GRAD + p, results.get(NetworkModel.GRAD + p));
      }
      written.put(
          NetworkModel.GRAD + Lowering.INPUT,
          results.get(NetworkModel.GRAD + Lowering.INPUT).reshape(images.tensor().shape()));
    }
    try {
      Npz.write(out, written, dtype == DType.F32 ? NpyType.FLOAT32 : NpyType.FLOAT64);
    } catch (IOException e) {
      throw UserError.io(out, "write", e);
    }
    PrintWriter o = spec.commandLine().getOut();
    o.print(
        String.format(
            Locale.ROOT, "wrote %s: output %s", out, written.get(Lowering.OUTPUT).shape()));
    if (labels != null) {
      o.print(
          String.format(
              Locale.ROOT,
              ", loss %.6g, %d gradients",
              written.get(Lowering.LOSS).item(),
              written.size() - 2));
    }
    o.println();
    o.flush();
    return 0;
  }

  private static NpyArray read(Path p) {
    FileArgs.checkReadable(p);
    try {
      return Npy.readArray(p);
    } catch (NpyFormatException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw UserError.io(p, "read", e);
    }
  }

  /** The images as [N, C, H, W], checked against the network's input shape. */
  private Tensor images(Tensor t, NpyType type, MapShape in) {
    if (type != NpyType.FLOAT32 && type != NpyType.FLOAT64) {
      throw new UserError(
          input
              + ": images must be float32 or float64, found "
              + name(type)
              + " (convert with x.astype(numpy.float32))");
    }
    Shape s = t.shape();
    Shape one = Shape.of(in.channels(), in.height(), in.width());
    boolean batchOk =
        s.rank() == 4 && s.dim(0) >= 1 && Shape.of(s.dim(1), s.dim(2), s.dim(3)).equals(one);
    if (!batchOk && !s.equals(one)) {
      throw new UserError(
          input
              + ": images of shape "
              + s
              + " do not fit the network's input "
              + in
              + "; expected [N, "
              + in.channels()
              + ", "
              + in.height()
              + ", "
              + in.width()
              + "] or "
              + one);
    }
    return batchOk ? t : t.reshape(Shape.of(1, in.channels(), in.height(), in.width()));
  }

  /** Class indices, one per image, each in 0..classes-1. */
  private int[] labels(NpyArray a, int n, int classes) {
    if (a.type() != NpyType.INT32 && a.type() != NpyType.INT64) {
      throw new UserError(
          labels + ": labels must be int32 or int64 class indices, found " + name(a.type()));
    }
    Shape s = a.tensor().shape();
    if (!(s.rank() == 1 && s.dim(0) == n) && !(n == 1 && s.rank() == 0)) {
      throw new UserError(
          labels
              + ": labels of shape "
              + s
              + " do not fit "
              + n
              + " image"
              + (n == 1 ? "" : "s")
              + " of "
              + input
              + "; expected ["
              + n
              + "]");
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      double v = a.tensor().get(i);
      if (v < 0 || v >= classes) {
        throw new UserError(
            labels
                + ": label "
                + (long) v
                + " at index "
                + i
                + " is not a class of the network (0.."
                + (classes - 1)
                + ")");
      }
      out[i] = (int) v;
    }
    return out;
  }

  private static String name(NpyType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }
}
