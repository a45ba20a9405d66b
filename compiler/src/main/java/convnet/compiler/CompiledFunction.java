package convnet.compiler;

import convnet.autodiff.Executable;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.gen.GeneratedCode;
import convnet.compiler.kernels.Parallel;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A compiled function: float32 buffers, a generated program over them, and the buffers' names.
 *
 * <p>The low-level use (trainer, benchmarks) writes inputs and parameters into {@link
 * #buffer(String)} arrays, calls {@link #run()}, and reads outputs from {@link #buffer(String)}; no
 * copy or conversion happens per step. With {@link CompileOptions#inPlaceUpdates()}, {@code
 * buffer("new/P")} is the same array as {@code buffer("P")}, so each run also advances the
 * parameters. Not thread-safe: one caller runs it at a time (the kernels themselves use both
 * cores).
 */
public final class CompiledFunction implements Executable {
  /**
   * One kernel call of the program: its op, FLOP count, the graph nodes fused in, the buffers it
   * reads and writes.
   */
  public record Kernel(
      int index,
      String name,
      String op,
      long flops,
      List<String> fusedNodes,
      List<String> reads,
      List<String> writes) {
    public Kernel {
      fusedNodes = List.copyOf(fusedNodes);
      reads = List.copyOf(reads);
      writes = List.copyOf(writes);
    }
  }

  /** Measured time of one kernel, averaged over the profiled runs. */
  public record KernelTime(Kernel kernel, double millis) {
    /** Billions of floating-point operations per second (0 for kernels without a FLOP count). */
    public double gflops() {
      return kernel.flops() == 0 || millis <= 0 ? 0 : kernel.flops() / (millis * 1e6);
    }
  }

  private final String name;
  private final float[][] buffers;
  private final MethodHandle program;
  private final List<GeneratedCode> classes;
  private final Map<String, Integer> slots = new LinkedHashMap<>();
  private final Map<String, Integer> sizes = new LinkedHashMap<>();
  private final Map<String, Shape> shapes = new LinkedHashMap<>();
  private final List<String> inputs = new ArrayList<>();
  private final List<String> params = new ArrayList<>();
  private final List<String> outputs = new ArrayList<>();
  private final List<Kernel> kernels = new ArrayList<>();
  private final String explanation;
  private final long[] times;
  private long profiledRuns;

  CompiledFunction(
      String name,
      Planner planner,
      MemoryPlan memory,
      float[][] buffers,
      MethodHandle program,
      List<GeneratedCode> classes,
      long[] times) {
    this.name = name;
    this.buffers = buffers;
    this.program = program;
    this.classes = List.copyOf(classes);
    this.times = times;
    planner
        .graph
        .inputs()
        .forEach(
            (n, node) -> {
              inputs.add(n);
              bind(n, node, planner, memory);
            });
    planner
        .graph
        .params()
        .forEach(
            (n, node) -> {
              params.add(n);
              bind(n, node, planner, memory);
            });
    planner
        .graph
        .outputs()
        .forEach(
            (n, node) -> {
              outputs.add(n);
              bind(n, node, planner, memory);
            });
    for (Step step : planner.steps) {
      List<String> fused = new ArrayList<>();
      for (Node n : step.nodes) {
        fused.add(n.toString());
      }
      kernels.add(
          new Kernel(
              step.index,
              Compiler.identifier(name) + "_" + step.index + "_" + step.label(),
              step.label(),
              step.flops(),
              fused,
              bufferNames(planner, memory, step.reads),
              bufferNames(planner, memory, step.outputs)));
    }
    this.explanation = Explain.text(name, planner, memory, this.classes);
  }

  private static List<String> bufferNames(Planner planner, MemoryPlan memory, List<Node> nodes) {
    List<String> names = new ArrayList<>();
    for (Node n : nodes) {
      names.add(memory.of(planner, n).name);
    }
    return names;
  }

  private void bind(String key, Node node, Planner planner, MemoryPlan memory) {
    MemoryPlan.Buffer b = memory.buffers.get(planner.storage(node));
    if (b == null) {
      throw new IllegalStateException("no buffer holds '" + key + "' (" + node + ")");
    }
    slots.put(key, b.slot);
    sizes.put(key, node.shape().size());
    shapes.put(key, node.shape());
  }

  public String name() {
    return name;
  }

  /** Names of the inputs, in graph order. */
  public List<String> inputNames() {
    return Collections.unmodifiableList(inputs);
  }

  /** Names of the parameters, in graph order. */
  public List<String> paramNames() {
    return Collections.unmodifiableList(params);
  }

  /** Names of the outputs, in the function's order. */
  public List<String> outputNames() {
    return Collections.unmodifiableList(outputs);
  }

  /** The shape of an input, parameter or output. */
  public Shape shape(String key) {
    Shape s = shapes.get(key);
    if (s == null) {
      throw new IllegalArgumentException(
          "function "
              + name
              + " has no input, parameter or output '"
              + key
              + "'; it has "
              + shapes.keySet());
    }
    return s;
  }

  /**
   * The live buffer of an input, parameter or output (row-major; its first {@code
   * shape(key).size()} elements are the value, the array may be longer). Write inputs and
   * parameters before {@link #run()}; read outputs after it. The array stays the same for the life
   * of this function.
   */
  public float[] buffer(String key) {
    shape(key);
    return buffers[slots.get(key)];
  }

  /** Runs the program once over the current buffers. */
  public void run() {
    try {
      program.invokeExact(buffers);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("compiled function " + name + " failed: " + e, e);
    }
    if (times != null) {
      profiledRuns++;
    }
  }

  /** Copies the named values in (rounded to float), runs, and copies every output out. */
  @Override
  public Map<String, Tensor> run(Map<String, Tensor> values) {
    for (String key : inputs) {
      load(key, values, "input");
    }
    for (String key : params) {
      load(key, values, "parameter");
    }
    run();
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String key : outputs) {
      int size = sizes.get(key);
      float[] data = new float[size];
      System.arraycopy(buffer(key), 0, data, 0, size);
      out.put(key, Tensor.ofFloats(shapes.get(key), data));
    }
    return out;
  }

  private void load(String key, Map<String, Tensor> values, String what) {
    Tensor t = values.get(key);
    if (t == null) {
      throw new IllegalArgumentException(
          "no value for " + what + " '" + key + "' (shape " + shapes.get(key) + ")");
    }
    if (!t.shape().equals(shapes.get(key))) {
      throw new IllegalArgumentException(
          what + " '" + key + "' has shape " + t.shape() + ", expected " + shapes.get(key));
    }
    float[] target = buffer(key);
    double[] data = t.data();
    for (int i = 0; i < data.length; i++) {
      target[i] = (float) data[i];
    }
  }

  /** The kernels in program order. */
  public List<Kernel> kernels() {
    return Collections.unmodifiableList(kernels);
  }

  /** Each kernel, the graph nodes fused into it, its shapes and buffers, and the memory plan. */
  public String explain() {
    return explanation;
  }

  /** The generated classes (kernels, then the program). */
  public List<GeneratedCode> generatedClasses() {
    return classes;
  }

  /**
   * Writes every generated class file into {@code folder} (readable with {@code javap -c}); returns
   * the files.
   */
  public List<Path> dumpClasses(Path folder) throws IOException {
    List<Path> written = new ArrayList<>();
    for (GeneratedCode code : classes) {
      written.add(code.dumpTo(folder));
    }
    return written;
  }

  /** Whether this function was compiled with {@link CompileOptions#profile()}. */
  public boolean isProfiled() {
    return times != null;
  }

  /**
   * Mean time per run of every kernel since the last {@link #resetProfile()}; empty without
   * profiling.
   */
  public List<KernelTime> profile() {
    if (times == null || profiledRuns == 0) {
      return List.of();
    }
    List<KernelTime> result = new ArrayList<>();
    for (Kernel k : kernels) {
      result.add(new KernelTime(k, times[k.index()] / 1e6 / profiledRuns));
    }
    return result;
  }

  /** Clears the profile counters. */
  public void resetProfile() {
    if (times != null) {
      java.util.Arrays.fill(times, 0L);
      profiledRuns = 0;
    }
  }

  /**
   * Threads the kernels use (they take fixed chunks of the batch in turn; see {@link Parallel}).
   */
  public static int threads() {
    return Parallel.threads();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "compiled %s: %d kernels", name, kernels.size());
  }
}
