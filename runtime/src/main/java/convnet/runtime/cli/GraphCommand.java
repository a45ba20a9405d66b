package convnet.runtime.cli;

import convnet.autodiff.Graph;
import convnet.autodiff.GraphPrinter;
import convnet.autodiff.rewrite.Pipeline;
import convnet.dsl.lower.Lowering;
import convnet.runtime.errors.UsageError;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convnet graph FILE}: prints the lowered forward or gradient graph after simplification.
 */
@Command(
    name = "graph",
    header = "Print the tensor graph a network lowers to.",
    mixinStandardHelpOptions = true,
    description = {
      "Print the tensor graph a .cnn file lowers to, after the standard",
      "simplification (common subexpressions, constant folding, algebra,",
      "sum-maps-first).",
      "",
      "Without --grad: the forward graph (dropout is the identity), with the loss",
      "when the network ends with a classifier. With --grad: the gradient function",
      "(outputs output, loss, grad/<param> for every parameter and grad/input).",
      "",
      "Text lines read '%%3 = conv2d(%%0, %%1) attributes : [shape]  # layer (file:line:col)';",
      "--format dot prints a Graphviz digraph instead (render with 'dot -Tsvg').",
      "--stats prints, instead of the graph, the node count before and after each",
      "simplification pass."
    })
public final class GraphCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .cnn file")
  Path file;

  @Option(names = "--grad", description = "the gradient function instead of the forward graph")
  boolean grad;

  @Option(
      names = "--stats",
      description = "node counts before and after each pass instead of the graph")
  boolean stats;

  @Option(
      names = "--format",
      paramLabel = "text|dot",
      defaultValue = "text",
      description = "text (default) or dot (Graphviz)")
  String format;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "batch size the shapes are specialised to (default: the train block's batch)")
  Integer batch;

  @Override
  public Integer call() {
    if (!format.equals("text") && !format.equals("dot")) {
      throw new UsageError("--format must be text or dot, not '" + format + "'");
    }
    if (stats && format.equals("dot")) {
      throw new UsageError("--stats prints a table; it cannot be combined with --format dot");
    }
    PrintWriter out = spec.commandLine().getOut();
    NetworkModel model = NetworkModel.load(file, spec.commandLine().getErr());
    BatchFlag.check(batch, model);
    int n = batch != null ? batch : model.network().train().batch();
    Graph raw =
        grad
            ? model.gradientGraph(n)
            : model.forwardGraph(n, Lowering.Mode.INFERENCE, model.classes() > 0);
    Pipeline.Result result = Pipeline.standard().run(raw);
    if (stats) {
      out.print(result.statsTable());
    } else {
      out.print(
          format.equals("dot")
              ? GraphPrinter.dot(result.graph())
              : GraphPrinter.text(result.graph()));
    }
    out.flush();
    return 0;
  }
}
