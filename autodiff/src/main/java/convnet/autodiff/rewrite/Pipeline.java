package convnet.autodiff.rewrite;

import convnet.autodiff.Graph;
import convnet.autodiff.GraphPrinter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One flat, named list of passes. With {@code -Dconvnet.dump=ir} the graph is printed to standard
 * error after each pass.
 */
public final class Pipeline {
  private final List<Pass> passes;

  public Pipeline(List<Pass> passes) {
    this.passes = List.copyOf(passes);
  }

  /**
   * The standard simplification: CSE first so later passes see one node per value; constant folding
   * before the algebra so identities see folded constants; SumMapsFirst last so it sees simplified
   * weights.
   */
  public static Pipeline standard() {
    return new Pipeline(
        List.of(
            new EliminateCommonSubexpressions(),
            new FoldConstants(),
            new SimplifyAlgebra(),
            new SumMapsFirst()));
  }

  /**
   * The passes before code generation: the standard simplification, then composite ops decomposed
   * into the ops a code generator fuses or calls, then transposed products flipped so their
   * transposes fold into operands.
   */
  public static Pipeline forCodeGeneration() {
    List<Pass> passes = new ArrayList<>(standard().passes());
    passes.add(new DecomposeComposites());
    passes.add(new FlipTransposedProducts());
    return new Pipeline(passes);
  }

  public List<Pass> passes() {
    return passes;
  }

  /** The result graph and per-pass statistics. */
  public record Result(Graph graph, List<PassStats> stats) {
    public Result {
      stats = List.copyOf(stats);
    }

    /** One line per pass: name, nodes before, nodes after (for {@code convnet graph --stats}). */
    public String statsTable() {
      int width = "pass".length();
      for (PassStats s : stats) {
        width = Math.max(width, s.pass().length());
      }
      StringBuilder sb =
          new StringBuilder(
              String.format(Locale.ROOT, "%-" + width + "s %8s %8s%n", "pass", "before", "after"));
      for (PassStats s : stats) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%-" + width + "s %8d %8d%n",
                s.pass(),
                s.nodesBefore(),
                s.nodesAfter()));
      }
      return sb.toString();
    }
  }

  /** Runs every pass in order; dumps per {@code convnet.dump}. */
  public Result run(Graph g) {
    String dump = System.getProperty("convnet.dump", "");
    boolean ir = List.of(dump.toLowerCase(Locale.ROOT).split(",")).contains("ir");
    return run(g, ir ? System.err : null);
  }

  /**
   * Runs every pass in order, printing the graph after each to {@code dump} when it is not null.
   */
  public Result run(Graph g, PrintStream dump) {
    List<PassStats> stats = new ArrayList<>();
    Graph cur = g;
    if (dump != null) {
      dump.print("== input ==\n" + GraphPrinter.text(cur));
    }
    for (Pass p : passes) {
      Graph next = p.apply(cur);
      stats.add(new PassStats(p.name(), cur.nodeCount(), next.nodeCount(), next != cur));
      if (dump != null) {
        dump.print("== after " + p.name() + " ==\n" + GraphPrinter.text(next));
      }
      cur = next;
    }
    return new Result(cur, stats);
  }
}
