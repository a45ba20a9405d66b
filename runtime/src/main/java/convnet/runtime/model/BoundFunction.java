package convnet.runtime.model;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.CompiledFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function whose inputs, parameters and outputs stay in float buffers from one call to the next,
 * and whose carried values ({@code new/X} written back to X) are advanced by each call.
 *
 * <p>On the compiled backend the buffers are the compiled function's own arrays: the caller writes
 * a batch into them and reads the loss and logits from them, and parameters updated in place cost
 * no copy at all (an update the compiler could not place in its parameter's buffer is copied back,
 * array to array). Other backends get arrays of their own and run through {@link
 * Executable#run(Map)}. Either way every value crosses the boundary rounded to float, exactly as
 * {@code run(Map)} rounds it, so results are bitwise those of the map calls.
 */
public final class BoundFunction {
  private final Executable executable;
  private final CompiledFunction compiled;
  private final Map<String, Shape> shapes = new LinkedHashMap<>();
  private final List<String> leaves = new ArrayList<>();
  private final List<String> outputs = new ArrayList<>();

  /** Arrays of the non-compiled backends: every leaf and output. */
  private final Map<String, float[]> own = new HashMap<>();

  /** Values set for names the function does not read (simplified away), as given. */
  private final Map<String, Tensor> detached = new HashMap<>();

  private final List<Carry> carries = new ArrayList<>();

  /** Output {@code from} written back into value {@code to} after every call. */
  private record Carry(String to, String from) {}

  private BoundFunction(Function function, Executable executable) {
    this.executable = executable;
    this.compiled = executable instanceof CompiledFunction c ? c : null;
    if (compiled != null) {
      // The compiled program's own names: the compiler may drop a leaf nothing reads.
      for (String name : compiled.inputNames()) {
        leaf(name, compiled.shape(name));
      }
      for (String name : compiled.paramNames()) {
        leaf(name, compiled.shape(name));
      }
      for (String name : compiled.outputNames()) {
        outputs.add(name);
        shapes.put(name, compiled.shape(name));
      }
    } else {
      function.inputs().forEach((name, node) -> leaf(name, node.shape()));
      function.params().forEach((name, node) -> leaf(name, node.shape()));
      function
          .outputs()
          .forEach(
              (name, node) -> {
                outputs.add(name);
                shapes.put(name, node.shape());
              });
      shapes.forEach((name, shape) -> own.put(name, new float[shape.size()]));
    }
  }

  private void leaf(String name, Shape shape) {
    leaves.add(name);
    shapes.put(name, shape);
  }

  /**
   * {@code function} as {@code executable} (prepared from it) runs it, with buffers between calls.
   */
  public static BoundFunction of(Function function, Executable executable) {
    return new BoundFunction(function, executable);
  }

  /**
   * After every call, output {@code output} becomes the value of {@code name} (a parameter the
   * function reads, or a value it does not read, kept here).
   */
  public void carry(String name, String output) {
    if (!outputs.contains(output)) {
      throw new IllegalArgumentException(
          "function has no output " + output + "; outputs " + outputs);
    }
    carries.add(new Carry(name, output));
  }

  /** Whether the function reads input or parameter {@code name}. */
  public boolean reads(String name) {
    return leaves.contains(name);
  }

  /**
   * The live array of input, parameter or output {@code name}: its first {@code shape(name).size()}
   * floats are the value. Write inputs before {@link #run()}, read outputs after it.
   */
  public float[] buffer(String name) {
    Shape s = shapes.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "function has no input, parameter or output '" + name + "'");
    }
    return compiled != null ? compiled.buffer(name) : own.get(name);
  }

  /** The shape of input, parameter or output {@code name}. */
  public Shape shape(String name) {
    Shape s = shapes.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "function has no input, parameter or output '" + name + "'");
    }
    return s;
  }

  /** Sets {@code name} to {@code value} (rounded to float where the function reads it). */
  public void set(String name, Tensor value) {
    if (!reads(name)) {
      detached.put(name, value);
      return;
    }
    if (!value.shape().equals(shapes.get(name))) {
      throw new IllegalArgumentException(
          "'" + name + "' has shape " + value.shape() + ", expected " + shapes.get(name));
    }
    detached.remove(name);
    float[] target = buffer(name);
    double[] d = value.data();
    for (int i = 0; i < d.length; i++) {
      target[i] = (float) d[i];
    }
  }

  /** Sets every element of input {@code name} to {@code value}, if the function reads it. */
  public void fill(String name, double value) {
    if (reads(name)) {
      Arrays.fill(buffer(name), 0, shapes.get(name).size(), (float) value);
    }
  }

  /**
   * The current value of {@code name}: a carried value as its buffer holds it now (a copy), any
   * other value as it was last set.
   */
  public Tensor value(String name) {
    Tensor d = detached.get(name);
    if (d != null) {
      return d;
    }
    Shape s = shapes.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no value '" + name + "'");
    }
    return Tensor.ofFloats(s, Arrays.copyOf(buffer(name), s.size()));
  }

  /**
   * Runs the function once over the current buffers, then moves every carried output into place.
   */
  public void run() {
    if (compiled != null) {
      compiled.run();
    } else {
      Map<String, Tensor> values = new HashMap<>();
      for (String name : leaves) {
        values.put(name, Tensor.ofFloats(shapes.get(name), own.get(name)));
      }
      Map<String, Tensor> out = executable.run(values);
      for (String name : outputs) {
        float[] target = own.get(name);
        double[] d = out.get(name).data();
        for (int i = 0; i < target.length; i++) {
          target[i] = (float) d[i];
        }
      }
    }
    // Every source is read before any target is written: a carried output may share its buffer
    // with another carried value (the compiler lets outputs be views of parameters).
    float[][] sources = new float[carries.size()][];
    for (int i = 0; i < carries.size(); i++) {
      Carry c = carries.get(i);
      float[] from = buffer(c.from());
      if (!reads(c.to()) || from != buffer(c.to())) {
        sources[i] =
            aliasesCarriedTarget(from) ? Arrays.copyOf(from, shapes.get(c.from()).size()) : from;
      }
    }
    for (int i = 0; i < carries.size(); i++) {
      if (sources[i] == null) {
        continue;
      }
      Carry c = carries.get(i);
      int size = shapes.get(c.from()).size();
      if (reads(c.to())) {
        System.arraycopy(sources[i], 0, buffer(c.to()), 0, size);
      } else {
        detached.put(
            c.to(), Tensor.ofFloats(shapes.get(c.from()), Arrays.copyOf(sources[i], size)));
      }
    }
  }

  private boolean aliasesCarriedTarget(float[] array) {
    for (Carry c : carries) {
      if (reads(c.to()) && buffer(c.to()) == array) {
        return true;
      }
    }
    return false;
  }
}
