package convnet.runtime.api;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.NpyFormatException;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named parameter arrays ({@code <layer>.weight}, {@code <layer>.bias}, {@code <layer>.gain}) in
 * PyTorch's layout, immutable; {@code .npz} files hold them, and a PyTorch {@code state_dict} saved
 * with {@code numpy.savez} reads as is.
 */
public final class Weights {
  private final Map<String, NdArray> arrays;

  private Weights(Map<String, NdArray> arrays) {
    this.arrays = Collections.unmodifiableMap(arrays);
  }

  /** Weights from arrays by name (in the given order). */
  public static Weights of(Map<String, NdArray> arrays) {
    return new Weights(new LinkedHashMap<>(arrays));
  }

  /**
   * Every array of an {@code .npz} file, unchecked; {@link ConvNet#loadWeights} also checks them
   * against a network.
   */
  public static Weights readNpz(Path npz) {
    try {
      return fromTensors(Npz.read(npz));
    } catch (NpyFormatException e) {
      throw new ConvNetException(e.getMessage(), List.of());
    } catch (IOException e) {
      throw new ConvNetException(npz + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a float32 {@code .npz} (a temporary file, then a rename, so a reader never sees half a
   * file).
   */
  public void writeNpz(Path npz) {
    try {
      Npz.write(npz, tensors(), NpyType.FLOAT32);
    } catch (IOException e) {
      throw new ConvNetException(npz + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** The parameter names, in order. */
  public List<String> names() {
    return List.copyOf(arrays.keySet());
  }

  /** One parameter; an exception names the known ones when {@code name} is not among them. */
  public NdArray get(String name) {
    NdArray a = arrays.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no parameter '" + name + "'; have " + arrays.keySet());
    }
    return a;
  }

  /** Every array by name, in order (unmodifiable). */
  public Map<String, NdArray> asMap() {
    return arrays;
  }

  /** These weights with {@code name} set to {@code value}. */
  public Weights with(String name, NdArray value) {
    Map<String, NdArray> m = new LinkedHashMap<>(arrays);
    m.put(name, value);
    return new Weights(m);
  }

  static Weights fromTensors(Map<String, Tensor> tensors) {
    Map<String, NdArray> m = new LinkedHashMap<>();
    tensors.forEach((name, t) -> m.put(name, array(t)));
    return new Weights(m);
  }

  Map<String, Tensor> tensors() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    arrays.forEach((name, a) -> m.put(name, tensor(a)));
    return m;
  }

  static NdArray array(Tensor t) {
    double[] d = t.data();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return NdArray.own(t.shape().dims(), f);
  }

  static Tensor tensor(NdArray a) {
    return Tensor.ofFloats(Shape.of(a.shape()), a.data());
  }

  @Override
  public String toString() {
    return "Weights" + arrays.keySet();
  }
}
