package convnet.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.autodiff.DType;
import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.CompileOptions;
import convnet.compiler.CompiledFunction;
import convnet.compiler.Compiler;
import convnet.runtime.errors.UsageError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convnet bench FILE}: training-step and inference throughput per backend, and time per
 * compiled kernel.
 */
@Command(
    name = "bench",
    header = "Measure training and inference speed in images per second.",
    mixinStandardHelpOptions = true,
    description = {
      "Measure images per second of a training step (forward, softmax cross-entropy,",
      "backward, SGD with momentum) and of inference, on random data, float32.",
      "",
      "Each backend is warmed up, then timed over R repeats of at least --min-time",
      "seconds each; reported: the median rate and the spread (max - min) / median.",
      "The compiled training step and inference are then run once more with every",
      "kernel timed, giving milliseconds per call and GFLOP/s of the convolution and",
      "matrix kernels;",
      "the whole step's and inference's GFLOP/s are put against this machine's SGEMM",
      "ceiling. With several files, --json prints a JSON array of one object per file.",
      "",
      "--compare-torch times the PyTorch peer of each benchmark network",
      "(examples/bench/b1.cnn .. b5.cnn, as B1..B5) in a Python child process, our",
      "compiled step and the peer's taking turns for --rounds rounds, and prints per",
      "network the median ratio ours / PyTorch and its range over the rounds, for",
      "training and inference. It needs a Python with PyTorch (Debian: apt-get install",
      "python3-torch libopenblas0-openmp); the peer uses as many threads as we do.",
    })
public final class BenchCommand implements Callable<Integer> {

  /** Which backends to measure. */
  enum Backends {
    compiled,
    interpreted,
    both
  }

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "the .cnn files, measured one after the other")
  List<Path> files;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "batch size (default: the train block's, else 64)")
  Integer batch;

  @Option(
      names = "--repeats",
      paramLabel = "R",
      defaultValue = "5",
      description = "timed repeats per measurement (default 5)")
  int repeats;

  @Option(
      names = "--min-time",
      paramLabel = "S",
      defaultValue = "1.0",
      description = "minimum seconds of one timed repeat (default 1.0)")
  double minTime;

  @Option(
      names = "--warmup",
      paramLabel = "S",
      defaultValue = "3.0",
      description =
          "seconds of warm-up before timing, so the JIT compiles the kernels (default 3.0); "
              + "warm-up goes on while the JIT is still compiling, up to a minute")
  double warmup;

  @Option(
      names = "--backend",
      paramLabel = "B",
      defaultValue = "both",
      description =
          "both (default), compiled, or interpreted; on large networks the reference interpreter takes"
              + " seconds or minutes per step, so give --backend compiled there")
  Backends backend;

  @Option(names = "--json", description = "print one JSON object instead of a table")
  boolean json;

  @Option(
      names = "--no-ceiling",
      description =
          "skip measuring this machine's SGEMM ceiling (OpenBLAS through NumPy when Python has NumPy, and"
              + " convnet's own SGEMM), against which the kernels' GFLOP/s are put")
  boolean noCeiling;

  @Option(
      names = "--no-quiet",
      description =
          "time whatever happens; by default (on Linux) each repeat waits for a quiet machine and is"
              + " redone while other processes use more than 0.05 cores, as the PyTorch benchmark does")
  boolean noQuiet;

  @Option(
      names = "--compare-torch",
      description =
          "time the PyTorch peer of each network (B1..B5) alternately with ours and print the ratios")
  boolean compareTorch;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "with --compare-torch: interleaved rounds, each one timed repeat per side (default 5)")
  int rounds;

  @Option(
      names = "--lcn",
      paramLabel = "FORM",
      defaultValue = "mean",
      description =
          "with --compare-torch: the peer's form of the N layer in B2 and B3, mean (default; maps averaged"
              + " first, PyTorch's fastest form) or conv (the formula literally)")
  String lcn;

  @Option(
      names = "--python",
      paramLabel = "PATH",
      defaultValue = "/usr/bin/python3",
      description =
          "with --compare-torch: the Python with PyTorch that runs the peer (default /usr/bin/python3)")
  String python;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /**
   * Median and relative spread of the repeats, in images per second, and the worst foreign load
   * accepted.
   */
  record Rate(double median, double spread, double[] repeats, double foreignLoad) {}

  /**
   * One backend's figures, with the FLOP of a training step and of an inference call counted over
   * the convolution and matrix kernels (0 where not counted).
   */
  record Figures(Rate train, Rate inference, long trainFlops, long inferenceFlops) {
    Figures(Rate train, Rate inference) {
      this(train, inference, 0, 0);
    }
  }

  @picocli.CommandLine.Mixin ThreadsOption threadsOption = new ThreadsOption();

  @Override
  public Integer call() {
    threadsOption.apply();
    if (repeats < 1) {
      throw new UsageError("--repeats must be at least 1, got " + repeats);
    }
    if (!(minTime >= 0) || !(warmup >= 0)) {
      throw new UsageError("--min-time and --warmup must be non-negative seconds");
    }
    if (compareTorch) {
      return compareTorch();
    }
    for (String option : List.of("--rounds", "--lcn", "--python")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new UsageError(option + " is an option of --compare-torch");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    List<String> jsons = new ArrayList<>();
    SgemmCeiling ceiling = null;
    for (Path file : files) {
      NetworkModel model = NetworkModel.load(file, spec.commandLine().getErr());
      int n = CompileCommand.batchSize(model, batch);
      Function train = CompileCommand.function(model, CompileCommand.Kind.train, n);
      Function inference = CompileCommand.function(model, CompileCommand.Kind.inference, n);
      Map<String, Tensor> values = values(model, train, n, 1);
      Map<Backend, Figures> figures = new LinkedHashMap<>();
      List<CompiledFunction.KernelTime> kernels = List.of();
      List<CompiledFunction.KernelTime> inferenceKernels = List.of();
      if (backend != Backends.interpreted) {
        CompiledFunction t = compiled(train, values, false);
        CompiledFunction i = compiled(inference, values, false);
        figures.put(
            Backend.COMPILED,
            new Figures(measure(t::run, n), measure(i::run, n), flops(t), flops(i)));
        kernels = profile(train, values);
        inferenceKernels = profile(inference, values);
        if (!noCeiling && ceiling == null) {
          ceiling = SgemmCeiling.measure(CompiledFunction.threads());
        }
      }
      if (backend != Backends.compiled) {
        Executable t = Interpreter.compile(train, DType.F32);
        Executable i = Interpreter.compile(inference, DType.F32);
        figures.put(
            Backend.INTERPRETED,
            new Figures(measure(() -> t.run(values), n), measure(() -> i.run(values), n)));
      }
      if (json) {
        jsons.add(json(model, n, figures, kernels, inferenceKernels, ceiling));
      } else {
        out.print(table(model, n, figures, kernels, inferenceKernels, ceiling));
        out.println();
        out.flush();
      }
    }
    if (json) {
      out.print(
          jsons.size() == 1
              ? jsons.get(0)
              : "[\n" + String.join(",\n", jsons.stream().map(String::strip).toList()) + "\n]\n");
    }
    out.flush();
    return 0;
  }

  /**
   * One network of a comparison: our compiled functions and every round's rates, ours and the
   * peer's.
   */
  private record Compared(
      NetworkModel model,
      String peerId,
      int batch,
      CompiledFunction train,
      CompiledFunction inference,
      List<double[]> ours,
      List<TorchPeer.Rate> peer) {}

  /**
   * {@code --compare-torch}: for each round and each network, one timed repeat of our training step
   * and inference and one of the peer's, the side that goes first alternating from round to round
   * so that neither always meets the machine as the other left it. Warm-up happens in the first
   * round only.
   */
  private Integer compareTorch() {
    if (rounds < 1) {
      throw new UsageError("--rounds must be at least 1, got " + rounds);
    }
    if (!lcn.equals("mean") && !lcn.equals("conv")) {
      throw new UsageError("--lcn " + lcn + ": expected mean or conv");
    }
    if (backend == Backends.interpreted) {
      throw new UsageError(
          "--compare-torch times the compiled backend; leave out --backend interpreted");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Compared> networks = new ArrayList<>();
    for (Path file : files) {
      NetworkModel model = NetworkModel.load(file, err);
      String id =
          TorchPeer.peerId(model.network().name())
              .orElseThrow(
                  () ->
                      new UsageError(
                          file
                              + ": network '"
                              + model.network().name()
                              + "' has no PyTorch peer; --compare-torch knows the benchmark"
                              + " networks b1 .. b5 (examples/bench/b1.cnn .. b5.cnn)"));
      int n = CompileCommand.batchSize(model, batch);
      networks.add(new Compared(model, id, n, null, null, new ArrayList<>(), new ArrayList<>()));
    }
    boolean quiet = !noQuiet && Quiet.available();
    try (TorchPeer peer =
        TorchPeer.start(python, CompiledFunction.threads(), lcn, minTime, warmup, quiet)) {
      for (int i = 0; i < networks.size(); i++) {
        Compared c = networks.get(i);
        Function train = CompileCommand.function(c.model(), CompileCommand.Kind.train, c.batch());
        Function inference =
            CompileCommand.function(c.model(), CompileCommand.Kind.inference, c.batch());
        Map<String, Tensor> values = values(c.model(), train, c.batch(), 1);
        networks.set(
            i,
            new Compared(
                c.model(),
                c.peerId(),
                c.batch(),
                compiled(train, values, false),
                compiled(inference, values, false),
                c.ours(),
                c.peer()));
      }
      for (int round = 0; round < rounds; round++) {
        double warm = round == 0 ? warmup : 0;
        for (Compared c : networks) {
          boolean oursFirst = round % 2 == 0;
          if (!oursFirst) {
            c.peer().add(peer.measure(c.peerId(), c.batch()));
          }
          c.ours()
              .add(
                  new double[] {
                    measure(c.train()::run, c.batch(), 1, warm).median(),
                    measure(c.inference()::run, c.batch(), 1, warm).median()
                  });
          if (oursFirst) {
            c.peer().add(peer.measure(c.peerId(), c.batch()));
          }
        }
        err.printf(Locale.ROOT, "round %d of %d done%n", round + 1, rounds);
        err.flush();
      }
      out.print(
          json ? comparisonJson(networks, peer.version) : comparisonTable(networks, peer.version));
      out.flush();
    }
    return 0;
  }

  /** Median of {@code values}. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }

  /** Our rate over the peer's, round by round: side 0 training, 1 inference. */
  private static double[] ratios(Compared c, int side) {
    double[] r = new double[c.ours().size()];
    for (int i = 0; i < r.length; i++) {
      TorchPeer.Rate p = c.peer().get(i);
      r[i] = c.ours().get(i)[side] / (side == 0 ? p.train() : p.inference());
    }
    return r;
  }

  private static double[] ourRates(Compared c, int side) {
    return c.ours().stream().mapToDouble(r -> r[side]).toArray();
  }

  private static double[] peerRates(Compared c, int side) {
    return c.peer().stream().mapToDouble(p -> side == 0 ? p.train() : p.inference()).toArray();
  }

  private String comparisonTable(List<Compared> networks, String version) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "convnet (compiled, %d threads) against %s, N as '%s' in the peer; %d"
                + " interleaved rounds of one %.1f s repeat per side%s%n",
            CompiledFunction.threads(),
            version,
            lcn,
            rounds,
            minTime,
            noQuiet ? ", machine load not guarded (--no-quiet)" : ""));
    sb.append(
        String.format(
            Locale.ROOT,
            "ratio = our images/s over PyTorch's in the same round: median [min - max]%n%n"));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-8s %5s  %9s %9s %-22s  %9s %9s %-22s%n",
            "network",
            "batch",
            "train",
            "torch",
            "  ratio",
            "infer",
            "torch",
            "  ratio"));
    for (Compared c : networks) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-8s %5d  %9.0f %9.0f %-22s  %9.0f %9.0f %-22s%n",
              c.peerId(),
              c.batch(),
              median(ourRates(c, 0)),
              median(peerRates(c, 0)),
              ratioText(ratios(c, 0)),
              median(ourRates(c, 1)),
              median(peerRates(c, 1)),
              ratioText(ratios(c, 1))));
    }
    return sb.toString();
  }

  private static String ratioText(double[] r) {
    double[] sorted = r.clone();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT, "  %.2fx [%.2f - %.2f]", median(r), sorted[0], sorted[sorted.length - 1]);
  }

  private String comparisonJson(List<Compared> networks, String version) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("threads", CompiledFunction.threads());
    root.put("peer", version);
    root.put("lcn", lcn);
    root.put("rounds", rounds);
    root.put("quiet", !noQuiet);
    ArrayNode list = root.putArray("networks");
    for (Compared c : networks) {
      ObjectNode o = list.addObject();
      o.put("id", c.peerId());
      o.put("network", c.model().network().name());
      o.put("batch", c.batch());
      String[] sides = {"train", "inference"};
      for (int side = 0; side < 2; side++) {
        double[] r = ratios(c, side);
        o.put(sides[side] + "_ratio_median", median(r));
        o.put(sides[side] + "_ratio_min", Arrays.stream(r).min().orElseThrow());
        o.put(sides[side] + "_ratio_max", Arrays.stream(r).max().orElseThrow());
        o.put(sides[side] + "_images_per_s", median(ourRates(c, side)));
        o.put(sides[side] + "_torch_images_per_s", median(peerRates(c, side)));
        ArrayNode ours = o.putArray(sides[side] + "_rounds");
        Arrays.stream(ourRates(c, side)).forEach(ours::add);
        ArrayNode theirs = o.putArray(sides[side] + "_torch_rounds");
        Arrays.stream(peerRates(c, side)).forEach(theirs::add);
      }
      o.put(
          "torch_foreign_load",
          c.peer().stream().mapToDouble(TorchPeer.Rate::foreignLoad).max().orElse(0));
    }
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the comparison as JSON", e);
    }
  }

  /** The FLOP of one call of {@code f}, counted over its convolution and matrix kernels. */
  private static long flops(CompiledFunction f) {
    return f.kernels().stream().mapToLong(CompiledFunction.Kernel::flops).sum();
  }

  /**
   * A compiled function with every input and parameter bound (parameters updated in place for
   * training).
   */
  private static CompiledFunction compiled(
      Function f, Map<String, Tensor> values, boolean profile) {
    CompiledFunction c =
        Compiler.compile(
            f, CompileOptions.defaults().withInPlaceUpdates(true).withProfile(profile));
    for (String name : c.inputNames()) {
      fill(c.buffer(name), values.get(name));
    }
    for (String name : c.paramNames()) {
      fill(c.buffer(name), values.get(name));
    }
    return c;
  }

  private static void fill(float[] target, Tensor value) {
    double[] d = value.data();
    for (int i = 0; i < d.length; i++) {
      target[i] = (float) d[i];
    }
  }

  /**
   * Random images (standard normal), one-hot labels, dropout masks keeping half the units (scaled
   * by 2), initial weights, zero velocities, and a small learning rate, for every leaf of the
   * training function.
   */
  static Map<String, Tensor> values(NetworkModel model, Function f, int batch, long seed) {
    Map<String, Tensor> v = new LinkedHashMap<>(model.init(seed));
    Random r = new Random(seed);
    for (Map.Entry<String, Node> e : f.inputs().entrySet()) {
      String name = e.getKey();
      Shape s = e.getValue().shape();
      double[] d = new double[s.size()];
      if (name.equals(NetworkModel.LEARNING_RATE)) {
        d[0] = 1e-3;
      } else if (name.equals("labels")) {
        int classes = s.dim(1);
        for (int i = 0; i < batch; i++) {
          d[i * classes + r.nextInt(classes)] = 1;
        }
      } else if (name.startsWith("mask/")) {
        for (int i = 0; i < d.length; i++) {
          d[i] = r.nextBoolean() ? 2 : 0;
        }
      } else {
        for (int i = 0; i < d.length; i++) {
          d[i] = r.nextGaussian();
        }
      }
      v.put(name, Tensor.wrap(s, d));
    }
    for (Map.Entry<String, Node> e : f.params().entrySet()) {
      v.putIfAbsent(e.getKey(), Tensor.zeros(e.getValue().shape()));
    }
    return v;
  }

  /**
   * Warm-up, then R timed repeats of enough steps to last minTime each. With quiet timing each
   * repeat starts on an idle machine and is redone (up to 20 times) while other processes used more
   * than 0.05 cores during it.
   */
  private Rate measure(Runnable step, int batchSize) {
    return measure(step, batchSize, repeats, warmup);
  }

  private Rate measure(Runnable step, int batchSize, int repeats, double warmup) {
    long last = warmUp(step, warmup);
    int steps =
        (int) Math.max(1, Math.min(1_000_000, Math.ceil(minTime * 1e9 / Math.max(1, last))));
    double[] rates = new double[repeats];
    double worstLoad = 0;
    boolean guard = !noQuiet && Quiet.available();
    for (int rep = 0; rep < repeats; rep++) {
      double bestLoad = Double.MAX_VALUE;
      for (int attempt = 0; attempt < (guard ? 20 : 1); attempt++) {
        if (guard) {
          Quiet.waitIdle();
        }
        Quiet.Probe probe = guard ? new Quiet.Probe() : null;
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
          step.run();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double load = guard ? probe.foreign() : 0;
        if (load < bestLoad) {
          bestLoad = load;
          rates[rep] = batchSize * (double) steps / seconds;
        }
        if (load <= Quiet.THRESHOLD) {
          break;
        }
      }
      worstLoad = Math.max(worstLoad, bestLoad);
    }
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    double median =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    return new Rate(median, (sorted[sorted.length - 1] - sorted[0]) / median, rates, worstLoad);
  }

  /**
   * Foreign load: the machine's busy CPU time ({@code /proc/stat}) minus this process's own CPU
   * time, per wall second, in cores; the same rule as the PyTorch benchmark's guard, so both sides
   * are timed alike.
   */
  static final class Quiet {
    static final double THRESHOLD = 0.05;
    private static final Path STAT = Path.of("/proc/stat");
    // USER_HZ, the unit of /proc/stat, is 100 on every Linux architecture the JVM runs on.
    private static final double TICKS_PER_SECOND = 100;

    private Quiet() {}

    static boolean available() {
      return java.nio.file.Files.isReadable(STAT)
          && java.lang.management.ManagementFactory.getOperatingSystemMXBean()
              instanceof com.sun.management.OperatingSystemMXBean;
    }

    private static long busyTicks() {
      try {
        String[] f = java.nio.file.Files.readAllLines(STAT).get(0).trim().split("\\s+");
        long sum = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
          sum += Long.parseLong(f[i]);
        }
        return sum - Long.parseLong(f[4]) - Long.parseLong(f[5]);
      } catch (java.io.IOException | RuntimeException e) {
        return 0;
      }
    }

    private static double ownSeconds() {
      return ((com.sun.management.OperatingSystemMXBean)
                  java.lang.management.ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime()
          / 1e9;
    }

    /** Foreign load since construction. */
    static final class Probe {
      private final long busy = busyTicks();
      private final double own = ownSeconds();
      private final long wall = System.nanoTime();

      double foreign() {
        double seconds = (System.nanoTime() - wall) / 1e9;
        double busySeconds = (busyTicks() - busy) / TICKS_PER_SECOND;
        return Math.max(0, (busySeconds - (ownSeconds() - own)) / seconds);
      }
    }

    /**
     * Blocks until four consecutive half seconds show under THRESHOLD foreign load (at most 15
     * minutes).
     */
    static void waitIdle() {
      long deadline = System.nanoTime() + 900L * 1_000_000_000L;
      int calm = 0;
      while (calm < 4 && System.nanoTime() < deadline) {
        Probe p = new Probe();
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        calm = p.foreign() < THRESHOLD ? calm + 1 : 0;
      }
    }
  }

  // A JIT still compiling after the warm-up time (a step compiles to many kernel classes, and on
  // two cores C2's threads compete with the kernels' own) made the first timed repeats of the
  // larger networks several times slower than the rest; warm-up therefore goes on, up to this
  // long, until the JIT has been idle for one window.
  private static final long WARMUP_LIMIT_NANOS = 60_000_000_000L;
  private static final long JIT_WINDOW_NANOS = 500_000_000L;
  private static final long JIT_IDLE_MILLIS = 10;

  /**
   * Runs {@code step} for at least {@code seconds}, then on while the JIT compiled more than a few
   * milliseconds in the last half second (up to a minute in all); returns the last step's
   * nanoseconds. With no warm-up asked for (the later rounds of --compare-torch), one step.
   */
  static long warmUp(Runnable step, double seconds) {
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    boolean watch = seconds > 0 && jit != null && jit.isCompilationTimeMonitoringSupported();
    long start = System.nanoTime();
    long warmEnd = start + (long) (seconds * 1e9);
    long windowEnd = watch ? Math.max(warmEnd, start + JIT_WINDOW_NANOS) : warmEnd;
    long compiled = watch ? jit.getTotalCompilationTime() : 0;
    long last;
    while (true) {
      long t0 = System.nanoTime();
      step.run();
      last = System.nanoTime() - t0;
      long now = System.nanoTime();
      if (now < windowEnd) {
        continue;
      }
      long compiledNow = watch ? jit.getTotalCompilationTime() : 0;
      if (!watch || compiledNow - compiled <= JIT_IDLE_MILLIS || now - start > WARMUP_LIMIT_NANOS) {
        return last;
      }
      compiled = compiledNow;
      windowEnd = now + JIT_WINDOW_NANOS;
    }
  }

  /**
   * Every kernel of the compiled function (training step or inference), timed over the calls that
   * fit in max(minTime, 0.5) seconds after the full warm-up (a fresh compilation: its kernels are
   * new classes for the JIT).
   */
  private List<CompiledFunction.KernelTime> profile(Function f, Map<String, Tensor> values) {
    CompiledFunction p = compiled(f, values, true);
    warmUp(p::run, warmup);
    p.resetProfile();
    long end = System.nanoTime() + (long) (Math.max(minTime, 0.5) * 1e9);
    do {
      p.run();
    } while (System.nanoTime() < end);
    return p.profile();
  }

  private static String table(
      NetworkModel model,
      int batch,
      Map<Backend, Figures> figures,
      List<CompiledFunction.KernelTime> kernels,
      List<CompiledFunction.KernelTime> inferenceKernels,
      SgemmCeiling ceiling) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "network %s, batch %d, %d threads%n",
            model.network().name(),
            batch,
            CompiledFunction.threads()));
    sb.append(
        String.format(
            Locale.ROOT, "%-12s %22s %26s%n", "backend", "train images/s", "inference images/s"));
    figures.forEach(
        (name, f) ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "%-12s %14.1f (±%4.1f%%) %18.1f (±%4.1f%%)%n",
                    name.keyword(),
                    f.train().median(),
                    50 * f.train().spread(),
                    f.inference().median(),
                    50 * f.inference().spread())));
    Figures c = figures.get(Backend.COMPILED);
    if (c != null && c.trainFlops() > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%nwhole step, compiled (FLOP of the convolution and matrix kernels):%n"));
      sb.append(wholeStep("training step", c.trainFlops(), c.train().median(), batch, ceiling));
      sb.append(wholeStep("inference", c.inferenceFlops(), c.inference().median(), batch, ceiling));
    }
    kernelTable(sb, "training step, %.2f ms per step", kernels, ceiling);
    kernelTable(sb, "inference, %.2f ms per call", inferenceKernels, ceiling);
    return sb.toString();
  }

  /** Appends the per-kernel profile of one compiled function, slowest kernel first. */
  private static void kernelTable(
      StringBuilder sb,
      String what,
      List<CompiledFunction.KernelTime> kernels,
      SgemmCeiling ceiling) {
    if (!kernels.isEmpty()) {
      double total = kernels.stream().mapToDouble(CompiledFunction.KernelTime::millis).sum();
      sb.append(String.format(Locale.ROOT, "%ncompiled " + what + ", kernels by time:%n", total));
      if (ceiling != null && !ceilingShown(sb)) {
        sb.append(ceiling.describe()).append(String.format(Locale.ROOT, "%n"));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "%9s %6s %9s %8s  %s%n",
              "ms",
              "share",
              "GFLOP/s",
              ceiling == null ? "" : "ceiling",
              "kernel"));
      List<CompiledFunction.KernelTime> sorted = new ArrayList<>(kernels);
      sorted.sort(Comparator.comparingDouble(CompiledFunction.KernelTime::millis).reversed());
      for (CompiledFunction.KernelTime k : sorted) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%9.3f %5.1f%% %9s %8s  %s%n",
                k.millis(),
                100 * k.millis() / total,
                k.kernel().flops() > 0 ? String.format(Locale.ROOT, "%.1f", k.gflops()) : "",
                k.kernel().flops() > 0 && ceiling != null
                    ? String.format(Locale.ROOT, "%.0f%%", 100 * ceiling.share(k.gflops()))
                    : "",
                k.kernel().name() + " " + describe(k.kernel())));
      }
    }
  }

  /** Whether the SGEMM ceiling's line is already in the table (it is printed once). */
  private static boolean ceilingShown(StringBuilder sb) {
    return sb.indexOf("SGEMM ceiling,") >= 0;
  }

  /** GFLOP/s of a whole call at {@code imagesPerSecond}: FLOP per call times calls per second. */
  static double wholeGflops(long flops, double imagesPerSecond, int batch) {
    return flops * (imagesPerSecond / batch) / 1e9;
  }

  private static String wholeStep(
      String what, long flops, double imagesPerSecond, int batch, SgemmCeiling ceiling) {
    double gflops = wholeGflops(flops, imagesPerSecond, batch);
    return String.format(
        Locale.ROOT,
        "  %-14s %8.3f GFLOP per call, %7.1f GFLOP/s%s%n",
        what,
        flops / 1e9,
        gflops,
        ceiling == null
            ? ""
            : String.format(
                Locale.ROOT, ", %.0f%% of the SGEMM ceiling", 100 * ceiling.share(gflops)));
  }

  private static String describe(CompiledFunction.Kernel k) {
    return k.fusedNodes().size() == 1
        ? k.fusedNodes().get(0)
        : k.fusedNodes().size() + " nodes -> " + k.writes();
  }

  private static String json(
      NetworkModel model,
      int batch,
      Map<Backend, Figures> figures,
      List<CompiledFunction.KernelTime> kernels,
      List<CompiledFunction.KernelTime> inferenceKernels,
      SgemmCeiling ceiling) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("network", model.network().name());
    root.put("batch", batch);
    root.put("threads", CompiledFunction.threads());
    figures.forEach(
        (name, f) -> {
          ObjectNode b = root.putObject(name.keyword());
          b.put("train_images_per_s", f.train().median());
          b.put("train_spread", f.train().spread());
          b.put("inference_images_per_s", f.inference().median());
          b.put("inference_spread", f.inference().spread());
          b.put("foreign_load", Math.max(f.train().foreignLoad(), f.inference().foreignLoad()));
          if (f.trainFlops() > 0) {
            double tg = wholeGflops(f.trainFlops(), f.train().median(), batch);
            double ig = wholeGflops(f.inferenceFlops(), f.inference().median(), batch);
            b.put("train_gflop_per_step", f.trainFlops() / 1e9);
            b.put("train_gflops", tg);
            b.put("inference_gflop_per_call", f.inferenceFlops() / 1e9);
            b.put("inference_gflops", ig);
            if (ceiling != null) {
              b.put("train_share_of_ceiling", ceiling.share(tg));
              b.put("inference_share_of_ceiling", ceiling.share(ig));
            }
          }
          ArrayNode tr = b.putArray("train_repeats");
          Arrays.stream(f.train().repeats()).forEach(tr::add);
          ArrayNode ir = b.putArray("inference_repeats");
          Arrays.stream(f.inference().repeats()).forEach(ir::add);
        });
    if (ceiling != null) {
      ObjectNode c = root.putObject("sgemm_ceiling");
      c.put("size", ceiling.size());
      c.put("threads", ceiling.threads());
      if (ceiling.openBlasGflops().isPresent()) {
        c.put("openblas_numpy_gflops", ceiling.openBlasGflops().get());
      } else {
        c.putNull("openblas_numpy_gflops");
      }
      c.put("openblas_source", ceiling.openBlasSource());
      c.put("convnet_sgemm_gflops", ceiling.convnetGflops());
    }
    kernelsJson(root.putArray("kernels"), kernels, ceiling);
    kernelsJson(root.putArray("inference_kernels"), inferenceKernels, ceiling);
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the benchmark as JSON", e);
    }
  }

  private static void kernelsJson(
      ArrayNode ks, List<CompiledFunction.KernelTime> kernels, SgemmCeiling ceiling) {
    for (CompiledFunction.KernelTime k : kernels) {
      ObjectNode o = ks.addObject();
      o.put("name", k.kernel().name());
      o.put("op", k.kernel().op());
      o.put("ms", k.millis());
      o.put("gflops", k.gflops());
      o.put("mflop", k.kernel().flops() / 1e6);
      if (ceiling != null && k.kernel().flops() > 0) {
        o.put("share_of_ceiling", ceiling.share(k.gflops()));
      }
    }
  }
}
