package convnet.dsl;

import java.util.List;

/** One parameter tensor of a layer: its .npz name ({@code L1_conv.weight}) and shape. */
public record ParamSpec(String name, List<Integer> shape) {
  public ParamSpec {
    shape = List.copyOf(shape);
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
