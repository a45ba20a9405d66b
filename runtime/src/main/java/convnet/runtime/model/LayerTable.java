package convnet.runtime.model;

import convnet.dsl.Layer;
import convnet.dsl.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The per-layer table of a checked network that {@code convnet check} prints and run reports show:
 * output shape, parameters, neurons and connections of every layer, and the totals.
 */
public final class LayerTable {
  private LayerTable() {}

  /** The aligned per-layer table with totals, numbers with thousands separators. */
  public static String text(Network n) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"layer", "kind", "output", "parameters", "neurons", "connections"});
    rows.add(new String[] {"input", "input", n.input().toString(), "", "", ""});
    for (Layer l : n.layers()) {
      rows.add(
          new String[] {
            l.name(),
            l.kindName(),
            l.output().toString(),
            num(l.parameters()),
            num(l.neurons()),
            num(l.connections())
          });
    }
    rows.add(
        new String[] {
          "total",
          "",
          "",
          num(n.totalParameters()),
          num(n.totalNeurons()),
          num(n.totalConnections())
        });
    int[] width = new int[6];
    for (String[] r : rows) {
      for (int i = 0; i < 6; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder("network ").append(n.name()).append('\n');
    for (int r = 0; r < rows.size(); r++) {
      if (r == rows.size() - 1) {
        b.append(rule(width)).append('\n');
      }
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        String cell = rows.get(r)[i];
        String pad = " ".repeat(width[i] - cell.length());
        // Names left-aligned, numbers right-aligned so their digits line up.
        line.append(i >= 3 ? pad + cell : cell + pad).append(i < 5 ? "  " : "");
      }
      b.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        b.append(rule(width)).append('\n');
      }
    }
    return b.toString();
  }

  private static String rule(int[] width) {
    int total = 0;
    for (int w : width) {
      total += w;
    }
    return "-".repeat(total + 2 * (width.length - 1));
  }

  private static String num(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }
}
