package convnet.compiler;

import convnet.autodiff.Node;
import convnet.compiler.gen.GeneratedCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@link CompiledFunction#explain()}: kernels in program order, then the memory plan.
 */
final class Explain {
  private Explain() {}

  static String text(String name, Planner planner, MemoryPlan memory, List<GeneratedCode> classes) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "function %s: %d kernels, %d buffer slots, %s, %d threads%n",
            name,
            planner.steps.size(),
            memory.slotSizes.size(),
            bytes(memory.totalBytes()),
            convnet.compiler.kernels.Parallel.threads()));
    for (Step step : planner.steps) {
      sb.append(String.format(Locale.ROOT, "%n[%d] %s", step.index, step.label()));
      if (step.kind != Step.Kind.LIBRARY) {
        sb.append(" over ")
            .append(
                step.kind == Step.Kind.REDUCE
                    ? step.anchor.input(0).shape()
                    : step.outputs.get(0).shape());
        sb.append(step.chunks > 1 ? ", " + step.chunks + " chunks of axis 0" : ", one thread");
      }
      if (step.epilogue != null) {
        sb.append(", then elementwise over ")
            .append(step.epilogue.outputs.get(0).shape())
            .append(" on each image as it is computed");
        if (step.pooled != null) {
          sb.append(", then ").append(step.pooled.anchor.kind().symbol());
          if (step.pooled.epilogue != null) {
            sb.append(" and elementwise over ").append(step.pooled.epilogue.outputs.get(0).shape());
          }
          sb.append(" on that image");
        }
      }
      if (step.flops() > 0) {
        sb.append(String.format(Locale.ROOT, ", %.1f MFLOP", step.flops() / 1e6));
      }
      sb.append('\n');
      sb.append("    reads:  ").append(describe(planner, memory, step.reads)).append('\n');
      sb.append("    writes: ").append(describe(planner, memory, step.outputs)).append('\n');
      sb.append("    fuses:\n");
      for (Node n : step.nodes) {
        sb.append("      ").append(n).append('\n');
      }
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nmemory plan: %d slots, %s%n",
            memory.slotSizes.size(),
            bytes(memory.totalBytes())));
    for (int slot = 0; slot < memory.slotSizes.size(); slot++) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  slot %3d %10d floats  %s%n",
              slot,
              memory.slotSizes.get(slot),
              String.join(" | ", memory.slotContents.get(slot))));
    }
    if (!planner.inPlace.isEmpty()) {
      sb.append("in place: ");
      List<String> pairs = new ArrayList<>();
      planner
          .graph
          .outputs()
          .forEach(
              (out, node) -> {
                Node param = planner.inPlace.get(node);
                if (param != null) {
                  pairs.add(out + " -> " + param.name());
                }
              });
      sb.append(String.join(", ", pairs)).append('\n');
    }
    sb.append("generated classes:");
    for (GeneratedCode code : classes) {
      sb.append(' ').append(code.simpleName());
    }
    return sb.append('\n').toString();
  }

  private static String describe(Planner planner, MemoryPlan memory, List<Node> nodes) {
    List<String> parts = new ArrayList<>();
    for (Node n : nodes) {
      MemoryPlan.Buffer b = memory.of(planner, n);
      parts.add(
          String.format(
              Locale.ROOT,
              "%s%s@%d%s",
              b.name,
              n.shape(),
              b.slot,
              planner.perImage.contains(n) ? " (one image per thread, not stored)" : ""));
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  static String bytes(long bytes) {
    if (bytes < 1 << 20) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024.0));
  }
}
