package convnet.compiler.gen;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A fused elementwise kernel: one pass over an iteration space writing several full-size outputs,
 * each an expression over broadcast loads of the input buffers.
 */
public record ElementwiseKernel(String name, Dims shape, List<Output> outputs) {

  /** Buffer {@code slot} (of the iteration shape) receives {@code value} at every element. */
  public record Output(int slot, Expr value) {
    public Output {
      if (slot < 0) {
        throw new IllegalArgumentException("negative output slot " + slot);
      }
    }
  }

  public ElementwiseKernel {
    outputs = List.copyOf(outputs);
    KernelChecks.checkName(name);
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("kernel " + name + " has no outputs");
    }
    Set<Integer> written = new HashSet<>();
    for (Output output : outputs) {
      if (!written.add(output.slot())) {
        throw new IllegalArgumentException(
            "kernel " + name + " writes slot " + output.slot() + " twice");
      }
    }
    List<Expr> roots = outputs.stream().map(Output::value).toList();
    KernelChecks.checkLoads(name, shape, roots, written);
  }
}
