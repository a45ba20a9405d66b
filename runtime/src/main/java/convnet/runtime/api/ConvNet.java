package convnet.runtime.api;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Tensor;
import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.Tolerance;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.DslException;
import convnet.dsl.SourcePos;
import convnet.dsl.TrainSpec;
import convnet.dsl.lower.Lowering;
import convnet.dsl.lower.LoweringException;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.model.Parameter;
import convnet.runtime.model.RandomGradientCheck;
import convnet.runtime.run.ConfusionMatrix;
import convnet.runtime.train.ModelBinding;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A checked network, the entry point of the Java API: parse and check a {@code .cnn} text, make or
 * load weights, run it forward, take gradients, train, evaluate, and check its gradients.
 *
 * <p>Functions run as compiled JVM bytecode in float32 (falling back to the reference interpreter
 * where the compiler is not available); each batch size is compiled once and kept. Problems with
 * what the caller gave are {@link ConvNetException}s carrying the message the command line would
 * print.
 */
public final class ConvNet {
  private final NetworkModel model;
  private final String source;
  private final ModelBinding binding;
  private final Map<Integer, Executable> inference = new ConcurrentHashMap<>();
  private final Map<Integer, Executable> gradient = new ConcurrentHashMap<>();

  private ConvNet(NetworkModel model, String source) {
    this.model = model;
    this.source = source;
    // The one-line notice of a fallback to the interpreter is not for a library's callers.
    this.binding = ModelBinding.of(model, new PrintWriter(new StringWriter()));
  }

  // ---- reading and checking

  /**
   * Reads and checks a {@code .cnn} file; errors become a {@link ConvNetException} with the
   * diagnostics.
   */
  public static ConvNet load(Path file) {
    return parse(read(file), file.toString());
  }

  /** Checks {@code source} (named {@code fileName} in messages); errors as in {@link #load}. */
  public static ConvNet parse(String source, String fileName) {
    CheckReport report = check(source, fileName);
    if (!report.ok()) {
      int n = report.errors().size();
      throw new ConvNetException(
          report.rendered().stripTrailing() + "\n" + n + " error" + (n == 1 ? "" : "s"),
          report.diagnostics());
    }
    try {
      return new ConvNet(NetworkModel.fromSource(source, fileName, null), source);
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /**
   * Checks {@code source} and returns its diagnostics as values; never throws for a bad network.
   */
  public static CheckReport check(String source, String fileName) {
    CheckResult r = Checker.checkSource(source, fileName);
    List<Diagnostic> out = new ArrayList<>();
    for (convnet.dsl.Diagnostic d : r.diagnostics().sorted().all()) {
      SourcePos p = d.pos();
      out.add(
          new Diagnostic(
              d.isError(),
              p.file(),
              p.line(),
              p.col(),
              p.length(),
              d.message(),
              d.hint(),
              convnet.dsl.Diagnostics.of(d).render(source)));
    }
    String name = r.network() != null ? r.network().name() : null;
    return new CheckReport(name, out, r.diagnostics().sorted().render(source));
  }

  /** Reads {@code file} and checks it as {@link #check(String, String)} does. */
  public static CheckReport check(Path file) {
    return check(read(file), file.toString());
  }

  private static String read(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new ConvNetException(file + ": is a directory, not a .cnn file", List.of());
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConvNetException(file + ": no such file", e);
    } catch (IOException e) {
      throw new ConvNetException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  // ---- what the network is

  /** The network's name. */
  public String name() {
    return model.network().name();
  }

  /** The text it was read from. */
  public String source() {
    return source;
  }

  /** The file name used in messages. */
  public String fileName() {
    return model.fileName();
  }

  /** The shape of one input image: channels, height, width. */
  public int[] inputShape() {
    var in = model.network().input();
    return new int[] {in.channels(), in.height(), in.width()};
  }

  /** The number of classes of the final {@code logistic} layer, or 0 when there is none. */
  public int classes() {
    return model.classes();
  }

  /** The parameter names ({@code <layer>.weight}, …) in layer order, as in {@code .npz} files. */
  public List<String> parameterNames() {
    return model.parameterNames();
  }

  /** The shape of every parameter, by name, in layer order. */
  public Map<String, int[]> parameterShapes() {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (Parameter p : model.parameters()) {
      out.put(p.name(), p.shape().dims());
    }
    return out;
  }

  /**
   * The training settings written in the network's {@code train} block (defaults where it has
   * none).
   */
  public TrainOptions trainOptions() {
    TrainSpec t = model.network().train();
    return new TrainOptions(
        t.epochs(),
        t.batch(),
        t.optimizer().learningRate(),
        t.optimizer().momentum(),
        t.optimizer().weightDecay(),
        t.schedule() != null && t.schedule().kind() == TrainSpec.Schedule.Kind.COSINE,
        t.seed());
  }

  // ---- weights

  /**
   * PyTorch's default initialisation, each array a function of the seed and its name (as {@code
   * convnet init}).
   */
  public Weights initWeights(long seed) {
    try {
      return Weights.fromTensors(model.init(seed));
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /**
   * Reads an {@code .npz} and checks that it holds exactly this network's parameters with their
   * shapes.
   */
  public Weights loadWeights(Path npz) {
    try {
      if (Files.isDirectory(npz)) {
        throw new ConvNetException(npz + ": is a folder, not a file", List.of());
      }
      return Weights.fromTensors(model.loadWeights(npz));
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  // ---- running

  /**
   * The network's output for images [N, C, H, W]: logits [N, K] for a classifier, else the last
   * maps.
   */
  public NdArray forward(Weights weights, NdArray images) {
    int n = batchOf(images);
    Map<String, Tensor> values = values(weights);
    values.put(Lowering.INPUT, Weights.tensor(images));
    try {
      Executable exe =
          inference.computeIfAbsent(
              n, k -> binding.prepare(model.inferenceFunction(k, false), Backend.COMPILED));
      return Weights.array(exe.run(values).get(Lowering.OUTPUT));
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /**
   * The mean cross-entropy of a batch and its gradient with respect to every parameter and to the
   * images.
   */
  public record Gradients(double loss, Weights parameters, NdArray input) {}

  /**
   * Loss and gradients for images [N, C, H, W] with class indices {@code labels} (dropout is the
   * identity).
   */
  public Gradients gradients(Weights weights, NdArray images, int[] labels) {
    int n = batchOf(images);
    if (classes() == 0) {
      throw new ConvNetException(
          "network '" + name() + "' has no classifier at the end, so it has no loss", List.of());
    }
    if (labels.length != n) {
      throw new IllegalArgumentException(n + " images but " + labels.length + " labels");
    }
    Map<String, Tensor> values = values(weights);
    values.put(Lowering.INPUT, Weights.tensor(images));
    try {
      values.put(Lowering.LABELS, NetworkModel.oneHot(labels, classes()));
      Executable exe =
          gradient.computeIfAbsent(
              n, k -> binding.prepare(model.gradientFunction(k), Backend.COMPILED));
      Map<String, Tensor> out = exe.run(values);
      Map<String, Tensor> grads = new LinkedHashMap<>();
      for (String p : parameterNames()) {
        grads.put(p, out.get(NetworkModel.GRAD + p));
      }
      return new Gradients(
          out.get(Lowering.LOSS).item(),
          Weights.fromTensors(grads),
          Weights.array(out.get(NetworkModel.GRAD + Lowering.INPUT)));
    } catch (IllegalArgumentException e) {
      throw new ConvNetException(e.getMessage(), List.of());
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /**
   * Trains from {@code start} on {@code train} with SGD, evaluating on {@code test} after every
   * epoch and calling {@code listener} then; returns the final weights. Runs in memory: no run
   * folder, checkpoint or report is written (that is {@code convnet train}'s job). Every parameter
   * is trained.
   */
  public Weights train(
      Weights start, DataSet train, DataSet test, TrainOptions options, EpochListener listener) {
    values(start);
    try {
      return new InMemoryTraining(model, binding, options).run(start, train, test, listener);
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /** Loss, accuracy and confusion matrix of {@code weights} on {@code data}. */
  public Evaluation evaluate(Weights weights, DataSet data) {
    values(weights);
    try {
      return InMemoryTraining.evaluate(model, binding, weights, data, 64);
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /**
   * Checks the symbolic gradients of every parameter and of the input against central finite
   * differences, in double precision on the reference interpreter, at {@code weights} (or initial
   * weights of {@code seed} when null) with standard normal images and random labels drawn from
   * {@code seed}. Needs a classifier.
   */
  public GradientReport checkGradients(Weights weights, long seed) {
    if (classes() == 0) {
      throw new ConvNetException(
          "network '"
              + name()
              + "' has no classifier at the end, so it has no loss to "
              + "differentiate; end it with 'logistic N'",
          List.of());
    }
    int batch = 2;
    try {
      Map<String, Tensor> values =
          RandomGradientCheck.values(
              model, weights != null ? values(weights) : model.init(seed), batch, seed);
      Function f = model.inferenceFunction(batch, true);
      GradientCheckReport report =
          GradientCheck.check(
              f, Lowering.LOSS, values, List.of(Lowering.INPUT), seed, Tolerance.standard());
      return new GradientReport(
          report.passed(), report.probes().size(), report.failingParams(), report.summary());
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  // ---- internals

  NetworkModel model() {
    return model;
  }

  private int batchOf(NdArray images) {
    int[] s = images.shape();
    int[] in = inputShape();
    if (s.length != 4 || s[0] < 1 || s[1] != in[0] || s[2] != in[1] || s[3] != in[2]) {
      throw new ConvNetException(
          "images of shape "
              + java.util.Arrays.toString(s)
              + " do not fit network '"
              + name()
              + "': expected [N, "
              + in[0]
              + ", "
              + in[1]
              + ", "
              + in[2]
              + "]",
          List.of());
    }
    return s[0];
  }

  /** The weights as tensors, checked to be exactly this network's parameters. */
  private Map<String, Tensor> values(Weights weights) {
    List<String> problems = new ArrayList<>();
    Map<String, int[]> shapes = parameterShapes();
    shapes.forEach(
        (name, shape) -> {
          NdArray a = weights.asMap().get(name);
          if (a == null) {
            problems.add("missing " + name + " " + java.util.Arrays.toString(shape));
          } else if (!java.util.Arrays.equals(a.shape(), shape)) {
            problems.add(
                "wrong shape "
                    + name
                    + ": expected "
                    + java.util.Arrays.toString(shape)
                    + ", found "
                    + java.util.Arrays.toString(a.shape()));
          }
        });
    weights.names().stream()
        .filter(n -> !shapes.containsKey(n))
        .forEach(n -> problems.add("unexpected " + n));
    if (!problems.isEmpty()) {
      throw new ConvNetException(
          "the weights do not fit network '" + name() + "': " + String.join("; ", problems),
          List.of());
    }
    return new HashMap<>(weights.tensors());
  }

  /**
   * The user's problems (bad files, data, settings) become {@link ConvNetException}s with their
   * message and no cause, so no parser or code generator type travels with them; bugs pass through
   * unchanged.
   */
  static RuntimeException translate(RuntimeException e) {
    if (e instanceof ConvNetException) {
      return e;
    }
    if (e instanceof UserError || e instanceof UsageError || e instanceof DslException) {
      return new ConvNetException(e.getMessage(), List.of());
    }
    if (e instanceof LoweringException l) {
      return new ConvNetException(
          l.getMessage() + (l.hint() == null ? "" : "\nhint: " + l.hint()), List.of());
    }
    return e;
  }

  /** Confusion counts as a plain matrix. */
  static long[][] counts(ConfusionMatrix m) {
    int k = m.classCount();
    long[][] out = new long[k][k];
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        out[t][p] = m.count(t, p);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "ConvNet[" + name() + "]";
  }
}
