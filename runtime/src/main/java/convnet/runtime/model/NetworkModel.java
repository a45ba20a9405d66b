package convnet.runtime.model;

import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.NpyFormatException;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.autodiff.optim.Optimizer;
import convnet.autodiff.optim.Sgd;
import convnet.autodiff.optim.TrainingStep;
import convnet.autodiff.rewrite.Pipeline;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.Diagnostic;
import convnet.dsl.Diagnostics;
import convnet.dsl.Layer;
import convnet.dsl.LayerKind;
import convnet.dsl.Network;
import convnet.dsl.ParamSpec;
import convnet.dsl.ProtocolSyntax;
import convnet.dsl.TrainSpec;
import convnet.dsl.lower.Lowering;
import convnet.dsl.lower.LoweringException;
import convnet.dsl.lower.TrainingGraph;
import convnet.runtime.errors.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A checked network and the functions built from it: the training step, inference and gradient
 * functions of the training-step contract (built by {@link TrainingGraph}, below the runtime),
 * initial weights, and weight files.
 *
 * <p>Function inputs: {@code input} [N, C, H, W]; {@code labels} [N, K] one-hot; {@code
 * mask/<layer>} per dropout layer (training only); {@code hyper/lr} a scalar (training only).
 * Parameters are named as in {@code .npz} files.
 */
public final class NetworkModel {
  /** The learning-rate input of the training function, a scalar (shape []). */
  public static final String LEARNING_RATE = TrainingStep.LEARNING_RATE;

  /** Prefix of velocity parameters and of the outputs holding their next value. */
  public static final String VELOCITY = Sgd.VELOCITY;

  /** Prefix of the scalar inputs of the training function. */
  public static final String HYPER = TrainingStep.HYPER;

  /** Prefix of training-function outputs holding a parameter's next value. */
  public static final String NEW = TrainingStep.NEW;

  /** Prefix of gradient-function outputs. */
  public static final String GRAD = TrainingGraph.GRAD;

  private final String fileName;
  private final Network network;
  private final List<Parameter> parameters;

  /** Cache of {@link #maxBatch()}; 0 until first asked. */
  private volatile int maxBatch;

  private NetworkModel(String fileName, Network network) {
    this.fileName = fileName;
    this.network = network;
    this.parameters = List.copyOf(describe(network, fileName));
  }

  /**
   * Reads and checks a {@code .cnn} file. Read errors and diagnostics become a {@link UserError}
   * with the full rendering ({@code FILE:LINE:COL: error: ...}, the line, a caret); warnings go to
   * {@code warnings}.
   */
  public static NetworkModel load(Path file, PrintWriter warnings) {
    return load(file, warnings, Checker.Options.DEFAULT, true);
  }

  /**
   * As {@link #load(Path, PrintWriter)}, checked with {@code options} (with {@link
   * Checker.Options#WITH_DATA}, the train block's data must be available, as for training without
   * {@code --data}).
   */
  public static NetworkModel load(Path file, PrintWriter warnings, Checker.Options options) {
    return load(file, warnings, options, true);
  }

  /**
   * Reads and checks a {@code .cnn} file for a command that runs the network as it stands ({@code
   * forward}, {@code init}): there a network without a classifier is a feature extractor, nothing
   * is wrong, so the checker's warning about the missing classifier is not shown.
   */
  public static NetworkModel loadAsIs(Path file, PrintWriter warnings) {
    return load(file, warnings, Checker.Options.DEFAULT, false);
  }

  private static NetworkModel load(
      Path file, PrintWriter warnings, Checker.Options options, boolean classifierExpected) {
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw new UserError(file + ": is a directory, not a .cnn file");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (IOException e) {
      throw UserError.io(file, "read", e);
    } catch (SecurityException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    }
    String name = file.toString();
    CheckResult result = Checker.checkBytes(bytes, name, options);
    if (!classifierExpected) {
      result = withoutClassifierWarning(result);
    }
    return checked(result, new String(bytes, StandardCharsets.UTF_8), name, warnings);
  }

  /** The result without the checker's "has no classifier at the end" warning. */
  private static CheckResult withoutClassifierWarning(CheckResult result) {
    List<Diagnostic> kept =
        result.diagnostics().all().stream()
            .filter(d -> d.isError() || !d.message().endsWith(NO_CLASSIFIER_WARNING))
            .toList();
    return new CheckResult(result.network(), new Diagnostics(kept));
  }

  /** The end of the checker's warning for a network without {@code logistic N}. */
  static final String NO_CLASSIFIER_WARNING = "has no classifier at the end";

  /** Reads and checks a {@code .cnn} file, printing warnings to standard error. */
  public static NetworkModel load(Path file) {
    return load(file, new PrintWriter(System.err, true));
  }

  /**
   * Checks source text (for generated networks); errors and warnings as in {@link #load(Path,
   * PrintWriter)}.
   */
  public static NetworkModel fromSource(String source, String fileName, PrintWriter warnings) {
    return checked(Checker.checkSource(source, fileName), source, fileName, warnings);
  }

  private static NetworkModel checked(
      CheckResult result, String source, String name, PrintWriter warnings) {
    Diagnostics d = result.diagnostics();
    if (!result.ok()) {
      int e = d.errors().size();
      throw new UserError(
          d.render(source).stripTrailing() + "\n" + e + " error" + (e == 1 ? "" : "s"));
    }
    if (!d.isEmpty() && warnings != null) {
      warnings.print(d.render(source));
      warnings.flush();
    }
    return new NetworkModel(name, result.network());
  }

  /**
   * This model with its random connection tables drawn for run seed {@code seed} (the train block's
   * seed gives the tables {@code check} shows); the same model when it has none.
   */
  public NetworkModel withTableSeed(long seed) {
    Network seeded = network.withTableSeed(seed);
    return seeded == network ? this : new NetworkModel(fileName, seeded);
  }

  /** The suffix of the arrays that hold a layer's connection table in weight files. */
  public static final String TABLE = ".table";

  /**
   * The random connection tables as arrays {@code <layer>.table} of shape [out, k]: row o holds the
   * input maps output map o sees. Saved with the weights, so that weights are always used with the
   * tables they were trained with.
   */
  public Map<String, Tensor> tables() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    network
        .tables()
        .forEach(
            (layer, t) -> {
              double[] d = new double[t.outputs() * t.perOutput()];
              for (int o = 0; o < t.outputs(); o++) {
                int[] row = t.inputsOf(o);
                for (int j = 0; j < row.length; j++) {
                  d[o * row.length + j] = row[j];
                }
              }
              out.put(layer + TABLE, Tensor.wrap(Shape.of(t.outputs(), t.perOutput()), d));
            });
    return out;
  }

  /** Wraps an already checked network. */
  public static NetworkModel of(Network network, String fileName) {
    return new NetworkModel(fileName, network);
  }

  public Network network() {
    return network;
  }

  /** The name of the file the network came from, for messages. */
  public String fileName() {
    return fileName;
  }

  /** Every parameter tensor in layer order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /** The parameter names in layer order. */
  public List<String> parameterNames() {
    return parameters.stream().map(Parameter::name).toList();
  }

  /** Number of classes of the final {@code logistic} layer, or 0 when the network has none. */
  public int classes() {
    List<Layer> layers = network.layers();
    Layer last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
    return last != null && last.kind() == LayerKind.LOGISTIC ? last.output().channels() : 0;
  }

  /** Shape of one batch of input images. */
  public Shape inputShape(int batch) {
    return Shape.of(
        batch, network.input().channels(), network.input().height(), network.input().width());
  }

  /** The mask inputs the training function takes, one per dropout layer, in layer order. */
  public List<DropoutMask> dropoutMasks(int batch) {
    List<DropoutMask> out = new ArrayList<>();
    for (Layer l : network.layers()) {
      if (l.args() instanceof convnet.dsl.LayerArgs.Dropout d) {
        out.add(
            new DropoutMask(
                Lowering.maskName(l.name()),
                Shape.of(batch, l.input().channels(), l.input().height(), l.input().width()),
                d.p()));
      }
    }
    return out;
  }

  private static List<Parameter> describe(Network network, String fileName) {
    List<Parameter> out = new ArrayList<>();
    for (Layer l : network.layers()) {
      int stage = network.convStageOf(l);
      for (ParamSpec p : l.params()) {
        long size = 1;
        for (int d : p.dims()) {
          size = Math.multiplyHigh(size, d) != 0 ? Long.MAX_VALUE : size * d;
        }
        // 'convnet check' counts such a network; running it needs the tensor as one Java array.
        if (size > Integer.MAX_VALUE) {
          throw new UserError(
              fileName
                  + ":"
                  + l.pos().line()
                  + ":"
                  + l.pos().col()
                  + ": error: "
                  + "parameter "
                  + p.name()
                  + " "
                  + java.util.Arrays.toString(p.dims())
                  + " has "
                  + "2^31 values or more, too many for one tensor; make the layer or its input "
                  + "smaller");
        }
        out.add(new Parameter(p.name(), Shape.of(p.dims()), l.name(), l.kind(), stage));
      }
    }
    return out;
  }

  // ---- weights

  /**
   * Initial weights, PyTorch's default: every weight and bias uniform in ±1/√fan_in (fan_in: the
   * layer's inputs per output unit, as its {@link ParamSpec} says: in/groups·kh·kw for a
   * convolution, k·kh·kw with a connection table, in for a dense layer), every gain 1. Each tensor
   * is drawn from its own generator seeded by {@code seed} and the parameter's name, so adding a
   * layer leaves the others' values alone; values are rounded to float32 so the saved file and the
   * tensors in memory are the same numbers.
   */
  public Map<String, Tensor> init(long seed) {
    checkParametersFitInMemory();
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (ParamSpec p : network.parameterSpecs()) {
      Shape shape = Shape.of(p.dims());
      double[] d = new double[shape.size()];
      if (p.role() == ParamSpec.Role.GAIN) {
        java.util.Arrays.fill(d, 1.0);
      } else {
        double bound = 1 / Math.sqrt(p.fanIn());
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + nameHash(p.name()));
        for (int i = 0; i < d.length; i++) {
          d[i] = (float) ((2 * r.nextDouble() - 1) * bound);
        }
      }
      out.put(p.name(), Tensor.wrap(shape, d));
    }
    return out;
  }

  /**
   * Refuses, before allocating, a network whose parameters alone (held as doubles) would fill more
   * than half of the Java heap: an {@link OutOfMemoryError} later would end the tool with a trace.
   */
  public void checkParametersFitInMemory() {
    long values = parameters.stream().mapToLong(p -> p.shape().size()).sum();
    long bytes = values * Double.BYTES;
    long heap = Runtime.getRuntime().maxMemory();
    if (bytes > heap / 2) {
      throw new UserError(
          String.format(
              java.util.Locale.ROOT,
              "%s: network '%s' has %,d "
                  + "parameters (%.1f GB as doubles), more than half of the %.1f GB of memory Java may "
                  + "use; make the network smaller or give Java more memory (CONVNET_JAVA_OPTS=-Xmx...)",
              fileName,
              network.name(),
              values,
              bytes / 1e9,
              heap / 1e9));
    }
  }

  private static long nameHash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /**
   * Reads weights from an {@code .npz} file and checks them against the network: every parameter
   * present with its shape and nothing else but connection tables ({@code <layer>.table}, which
   * must be this model's) and pre-training dictionaries ({@code <layer>.decoder}, which are left
   * out); otherwise a {@link UserError} listing what is missing, unexpected or of the wrong shape.
   */
  public Map<String, Tensor> loadWeights(Path npz) {
    Trained trained = loadTrained(npz);
    if (!trained.model().network().tables().equals(network.tables())) {
      throw new UserError(
          npz
              + ": the weights were trained with other connection tables (another seed) than network '"
              + network.name()
              + "' draws here; they are used with their own tables by eval and forward");
    }
    return trained.weights();
  }

  private Map<String, Tensor> readNpz(Path npz) {
    checkParametersFitInMemory();
    try {
      if (parameters.isEmpty() && isEmptyZip(npz)) {
        // What 'convnet init' (and numpy.savez()) writes for a network without parameters.
        return new LinkedHashMap<>();
      }
      return Npz.read(npz);
    } catch (NpyFormatException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw UserError.io(npz, "read", e);
    }
  }

  /**
   * The parameters of {@code found}, checked against the network; connection tables are left out.
   */
  private Map<String, Tensor> checkWeights(Path npz, Map<String, Tensor> found) {
    Set<String> tableNames = tables().keySet();
    List<String> problems = new ArrayList<>();
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Parameter p : parameters) {
      Tensor t = found.get(p.name());
      if (t == null) {
        problems.add("  missing     " + p.name() + " " + p.shape());
      } else if (!t.shape().equals(p.shape())) {
        problems.add(
            "  wrong shape " + p.name() + ": expected " + p.shape() + ", found " + t.shape());
      } else {
        out.put(p.name(), t);
      }
    }
    Set<String> expected = new LinkedHashSet<>(parameterNames());
    for (Map.Entry<String, Tensor> e : found.entrySet()) {
      if (!expected.contains(e.getKey())
          && !tableNames.contains(e.getKey())
          && !isDictionary(e.getKey(), expected)) {
        problems.add("  unexpected  " + e.getKey() + " " + e.getValue().shape());
      }
    }
    if (!problems.isEmpty()) {
      throw new UserError(
          npz
              + ": the weights do not fit network '"
              + network.name()
              + "' of "
              + fileName
              + ":\n"
              + String.join("\n", problems)
              + "\nexpected "
              + parameters.size()
              + " arrays: "
              + String.join(
                  ", ", parameters.stream().map(p -> p.name() + " " + p.shape()).toList()));
    }
    requireFinite(npz, out);
    return out;
  }

  /**
   * Whether {@code name} is a pre-training dictionary ({@code <layer>.decoder}, written by {@code
   * convnet pretrain}) of one of this network's filter layers: such files start training as they
   * are, the dictionary being left out.
   */
  private static boolean isDictionary(String name, Set<String> parameterNames) {
    String suffix = ".decoder";
    return name.endsWith(suffix)
        && parameterNames.contains(name.substring(0, name.length() - suffix.length()) + ".weight");
  }

  /** Weights read from a file, and this model with the connection tables they were trained with. */
  public record Trained(NetworkModel model, Map<String, Tensor> weights) {}

  /**
   * Reads weights as {@link #loadWeights} does, together with the connection tables stored with
   * them ({@code <layer>.table}); the model returned uses those tables (this model's own when the
   * file has none, as files written before tables were saved).
   */
  public Trained loadTrained(Path npz) {
    Map<String, Tensor> found = readNpz(npz);
    Map<String, convnet.dsl.ConnectionTable> tables = new LinkedHashMap<>();
    Map<String, convnet.dsl.ConnectionTable> own = network.tables();
    for (Map.Entry<String, convnet.dsl.ConnectionTable> e : own.entrySet()) {
      Tensor t = found.get(e.getKey() + TABLE);
      if (t != null) {
        tables.put(e.getKey(), table(npz, e.getKey(), e.getValue(), t));
      }
    }
    NetworkModel model =
        tables.isEmpty() ? this : new NetworkModel(fileName, network.withTables(tables));
    return new Trained(model, model.checkWeights(npz, found));
  }

  private static convnet.dsl.ConnectionTable table(
      Path npz, String layer, convnet.dsl.ConnectionTable own, Tensor t) {
    String name = layer + TABLE;
    if (!t.shape().equals(Shape.of(own.outputs(), own.perOutput()))) {
      throw new UserError(
          npz
              + ": array "
              + name
              + " has shape "
              + t.shape()
              + " but layer "
              + layer
              + "'s table is "
              + Shape.of(own.outputs(), own.perOutput()));
    }
    int[][] rows = new int[own.outputs()][own.perOutput()];
    double[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      if (d[i] != Math.rint(d[i]) || !(d[i] >= 0 && d[i] < own.inputs())) {
        throw new UserError(
            npz
                + ": array "
                + name
                + " at index "
                + i
                + " holds "
                + d[i]
                + ", not an input map of "
                + layer
                + " (0.."
                + (own.inputs() - 1)
                + ")");
      }
      rows[i / own.perOutput()][i % own.perOutput()] = (int) d[i];
    }
    try {
      return convnet.dsl.ConnectionTable.of(own.inputs(), rows);
    } catch (IllegalArgumentException e) {
      throw new UserError(
          npz + ": array " + name + " is not a connection table: " + e.getMessage());
    }
  }

  /** Writes weights and this model's connection tables as a float32 {@code .npz}, atomically. */
  public void saveTrained(Path npz, Map<String, Tensor> weights) {
    Map<String, Tensor> all = new LinkedHashMap<>(weights);
    all.putAll(tables());
    saveWeights(npz, all);
  }

  /**
   * Refuses weights holding NaN or an infinity, naming the first such array and index: they would
   * only give a NaN loss and invented predictions.
   */
  public static void requireFinite(Path npz, Map<String, Tensor> weights) {
    for (Map.Entry<String, Tensor> e : weights.entrySet()) {
      double[] d = e.getValue().data();
      for (int i = 0; i < d.length; i++) {
        if (!Double.isFinite(d[i])) {
          throw new UserError(
              npz
                  + ": array '"
                  + e.getKey()
                  + "' holds "
                  + (Double.isNaN(d[i]) ? "NaN" : d[i] > 0 ? "+infinity" : "-infinity")
                  + " at index "
                  + index(e.getValue().shape().dims(), i)
                  + "; weights must be finite numbers");
        }
      }
    }
  }

  /**
   * The multi-index {@code [i, j, ...]} of flat (row-major) position {@code flat} in {@code dims}.
   */
  private static String index(int[] dims, int flat) {
    int[] at = new int[dims.length];
    for (int k = dims.length - 1; k >= 0; k--) {
      at[k] = dims[k] == 0 ? 0 : flat % dims[k];
      flat = dims[k] == 0 ? flat : flat / dims[k];
    }
    return java.util.Arrays.toString(at);
  }

  /**
   * Whether {@code file} is a zip archive without entries: nothing but the 22-byte end of central
   * directory record (signature, zero entries, its comment). {@link Npz} refuses such a file as
   * corrupt, rightly for a network with parameters.
   */
  private static boolean isEmptyZip(Path file) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) > 22 + 0xffff) {
      return false;
    }
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    return b.capacity() >= 22
        && b.getInt(0) == 0x06054b50
        && b.getShort(8) == 0
        && b.getShort(10) == 0
        && (b.getShort(20) & 0xffff) == b.capacity() - 22;
  }

  /**
   * Writes weights as a float32 {@code .npz} (temporary file in the same folder, then a rename).
   */
  public static void saveWeights(Path npz, Map<String, Tensor> weights) {
    try {
      Npz.write(npz, weights, NpyType.FLOAT32);
    } catch (IOException e) {
      throw UserError.io(npz, "write", e);
    }
  }

  // ---- protocols

  /**
   * The parameters kept fixed under a protocol such as {@code R+R+}, {@code RR} or {@code UU+}: one
   * letter per conv stage, {@code R} or {@code U} = that stage's filters (weight, bias, gain) keep
   * the values they start with (random, or pre-trained without labels), {@code R+} or {@code U+} =
   * they are trained. Letters are read by {@link ProtocolSyntax}, which decides the letters
   * training implements.
   */
  public Set<String> frozenFor(String protocol) {
    ProtocolSyntax.Result r = ProtocolSyntax.parse(protocol, network.convStages().size());
    if (!r.ok()) {
      throw new UserError(r.problem().describe(protocol) + " (network '" + network.name() + "')");
    }
    return frozenFor(r.stages());
  }

  /**
   * As {@link #frozenFor(String)}, for letters already read (a {@code train} block's protocol):
   * they must be one per conv stage of this network.
   */
  public Set<String> frozenFor(List<TrainSpec.StageProtocol> protocol) {
    int stages = network.convStages().size();
    if (protocol.size() != stages) {
      String text =
          String.join("", protocol.stream().map(TrainSpec.StageProtocol::toString).toList());
      throw new UserError(
          "protocol '"
              + text
              + "' has "
              + protocol.size()
              + " stage letter"
              + (protocol.size() == 1 ? "" : "s")
              + " but network '"
              + network.name()
              + "' has "
              + stages
              + " conv stage"
              + (stages == 1 ? "" : "s"));
    }
    return TrainingGraph.frozen(network, protocol);
  }

  // ---- graphs and functions

  /**
   * The largest batch for which every tensor computed from the images holds fewer than 2^31 values
   * (one Java array). Such a tensor grows at most linearly with the batch, so its size at batch 1
   * bounds it; tensors computed from parameters alone do not grow and are left out.
   */
  public int maxBatch() {
    int m = maxBatch;
    if (m == 0) {
      long largest = 1;
      Set<Node> perImage = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      Graph g = lower(1, Lowering.Mode.TRAINING, classes() > 0);
      for (Node n : Graph.topologicalOrder(g.outputs().values())) {
        if (n.kind() == OpKind.INPUT || n.inputs().stream().anyMatch(perImage::contains)) {
          perImage.add(n);
          largest = Math.max(largest, n.shape().size());
        }
      }
      m = (int) Math.max(1, Integer.MAX_VALUE / largest);
      maxBatch = m;
    }
    return m;
  }

  /** The forward graph as lowered, before simplification. */
  public Graph forwardGraph(int batch, Lowering.Mode mode, boolean withLoss) {
    checkBatch(batch);
    return lower(batch, mode, withLoss);
  }

  /** Refuses a batch whose tensors would not fit Java arrays. */
  private void checkBatch(int batch) {
    if (batch > 1 && batch > maxBatch()) {
      throw new UserError(
          fileName
              + ": a batch of "
              + batch
              + " images is too large for network '"
              + network.name()
              + "': its tensors would hold 2^31 values or more; the largest batch is "
              + maxBatch());
    }
  }

  private Graph lower(int batch, Lowering.Mode mode, boolean withLoss) {
    return lowered(() -> Lowering.lower(network, batch, mode, withLoss));
  }

  /**
   * {@code build}'s graph, a network that cannot be lowered (no classifier for a loss) being a user
   * error.
   */
  private Graph lowered(Supplier<Graph> build) {
    try {
      return build.get();
    } catch (LoweringException e) {
      throw new UserError(
          fileName + ": " + e.getMessage() + (e.hint() == null ? "" : "\nhint: " + e.hint()));
    }
  }

  /**
   * The gradient function before simplification: dropout is the identity (no masks), outputs {@code
   * output}, {@code loss}, {@code grad/<param>} for every parameter and {@code grad/input}.
   */
  public Graph gradientGraph(int batch) {
    checkBatch(batch);
    return lowered(() -> TrainingGraph.gradient(network, batch));
  }

  /** Every layer's output in inference mode, {@code layer/<name>}, before simplification. */
  public Graph layerOutputsGraph(int batch) {
    checkBatch(batch);
    return lowered(() -> TrainingGraph.layerOutputs(network, batch));
  }

  /** The gradient function, simplified. */
  public Function gradientFunction(int batch) {
    return new Function(network.name() + ".gradient", simplify(gradientGraph(batch)));
  }

  /**
   * The inference function, simplified: dropout is the identity; {@code loss} and the labels input
   * when asked.
   */
  public Function inferenceFunction(int batch, boolean withLoss) {
    return new Function(
        network.name() + ".inference",
        simplify(forwardGraph(batch, Lowering.Mode.INFERENCE, withLoss)));
  }

  /** The training step before simplification (see {@link #trainingFunction}). */
  public Graph trainingGraph(int batch, Optimizer optimizer, Set<String> frozen) {
    checkBatch(batch);
    return lowered(() -> TrainingGraph.training(network, batch, optimizer, frozen));
  }

  /**
   * The training step, simplified: inputs {@code input}, {@code labels}, {@code mask/<layer>},
   * {@code hyper/lr} and the optimizer's scalar step inputs ({@code hyper/<name>}); params every
   * parameter and one state tensor {@code <prefix>X} per state prefix of the optimizer ({@code
   * velocity/X} for SGD) for every trainable X; outputs {@code output}, {@code loss}, {@code new/X}
   * and {@code new/<prefix>X} for every trainable X. Frozen parameters get no gradient and no
   * {@code new/} output. With zero momentum (or zero weight decay) simplification drops the terms
   * it multiplies, so a state tensor may then be absent from the graph's parameters; binding it
   * anyway is harmless.
   */
  public Function trainingFunction(int batch, Optimizer optimizer, Set<String> frozen) {
    return new Function(
        network.name() + ".train", simplify(trainingGraph(batch, optimizer, frozen)));
  }

  /** The standard simplification pipeline's result graph. */
  public static Graph simplify(Graph g) {
    return Pipeline.standard().run(g).graph();
  }

  /** One-hot labels [N, classes] from class indices. */
  public static Tensor oneHot(int[] labels, int classes) {
    double[] d = new double[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " at " + i + " is not in 0.." + (classes - 1));
      }
      d[i * classes + labels[i]] = 1;
    }
    return Tensor.wrap(Shape.of(labels.length, classes), d);
  }
}
