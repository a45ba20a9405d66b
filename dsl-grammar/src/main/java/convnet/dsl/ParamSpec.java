package convnet.dsl;

import java.util.List;

/**
 * One parameter tensor of a layer: its .npz name ({@code L1_conv.weight}), shape, what it is to the
 * layer, and its fan-in: the inputs each output unit of the layer sums over, which scales its
 * initial values.
 */
public record ParamSpec(String name, List<Integer> shape, Role role, int fanIn) {
  /** What a parameter is to its layer. */
  public enum Role {
    /** Weights, laid out [out, ...] with one row of fan-in elements per output unit. */
    WEIGHT,
    /** One bias per output unit. */
    BIAS,
    /** One gain per output map, starting at 1. */
    GAIN
  }

  public ParamSpec {
    shape = List.copyOf(shape);
    java.util.Objects.requireNonNull(role, "role");
    if (fanIn < 1) {
      throw new IllegalArgumentException("fan-in of " + name + " must be at least 1, not " + fanIn);
    }
  }

  /** A weight tensor [out, ...]: its fan-in is its elements per output unit. */
  public static ParamSpec weight(String name, List<Integer> shape) {
    long perOut = 1;
    for (int d : shape.subList(1, shape.size())) {
      perOut *= d;
    }
    return new ParamSpec(
        name, shape, Role.WEIGHT, (int) Math.min(Integer.MAX_VALUE, Math.max(1, perOut)));
  }

  /** The bias of the units of {@code weight}, one per output unit, with the weight's fan-in. */
  public static ParamSpec bias(String name, ParamSpec weight) {
    return new ParamSpec(name, List.of(weight.shape().get(0)), Role.BIAS, weight.fanIn());
  }

  /** One gain per map of {@code maps}. */
  public static ParamSpec gain(String name, int maps) {
    return new ParamSpec(name, List.of(maps), Role.GAIN, 1);
  }

  public int[] dims() {
    return shape.stream().mapToInt(Integer::intValue).toArray();
  }

  public long size() {
    long n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
