package convnet.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.Diagnostics;
import convnet.dsl.Layer;
import convnet.dsl.Network;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.LayerTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet check FILE [--json]}: parses, checks and counts a network. */
@Command(
    name = "check",
    header = "Check a network; count its parameters, neurons, connections.",
    mixinStandardHelpOptions = true,
    description = {
      "Parse and check a .cnn file, infer the output shape of every layer, and",
      "count parameters, neurons and connections per layer and in total.",
      "",
      "How things are counted, so published figures can be compared:",
      "  parameters   every weight, bias and gain; a conv weight is",
      "               out x in/groups x kh x kw (out x k x kh x kw with",
      "               table=random(k)), a dense weight out x in.",
      "  neurons      each unit once: the output units of each layer that has",
      "               weights (conv, dense, logistic, each inner layer of",
      "               mlpconv). A nonlinearity layer (abs, relu, tanh, sigmoid,",
      "               maxout, a user fn) adds none when it follows a layer with",
      "               weights or another nonlinearity (through dropout), since",
      "               it acts on units already counted; after pooling or",
      "               normalization it counts its output units. Pooling,",
      "               normalization and dropout add none.",
      "  connections  multiply-adds of one forward pass of one image: weights",
      "               times the outputs they feed, average pooling windows,",
      "               the two weighted sums of local contrast normalization,",
      "               the squares summed by lrn. Max pooling and elementwise",
      "               layers add none.",
      "",
      "The train block is checked as 'convnet train' reads it: its data must be",
      "installed (fashion-mnist always is; mnist, cifar-10, caltech-101 are looked",
      "for in /usr/share/datasets/NAME) or be an existing folder, unless --data",
      "gives the data instead. What check accepts, train accepts.",
      "",
      "A layer with table=random(k) draws its table from the run's seed; --json",
      "shows it (field table, row o = the input maps of output map o) for the",
      "train block's seed, and training saves it with the weights (<layer>.table).",
      "",
      "Errors print as FILE:LINE:COL: error: message, the line and a caret;",
      "the exit status is 1 for errors in the file, 2 for bad usage. Networks",
      "deeper than 10,000 layers (each operator of a user fn counts as one) are",
      "refused, at the layer that passes the limit.",
    })
public final class CheckCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "the .cnn file to check")
  Path file;

  @Option(
      names = "--json",
      description = "print one JSON object with 'layers' and 'totals' instead of a table")
  boolean json;

  @Option(
      names = "--data",
      paramLabel = "SPEC",
      description =
          "the data to train on instead of the train block's, as for 'convnet train "
              + "--data' (idx:DIR, cifar10:DIR, folder:DIR, fashion-mnist, ...); without it the "
              + "train block's data must be installed or present, as 'convnet train' needs")
  String data;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] bytes = read(file);
    String name = file.toString();
    if (data != null) {
      // The same spec 'convnet train --data' opens: it must resolve (images are not read here).
      convnet.runtime.data.DataSets.describe(data);
    }
    CheckResult result =
        Checker.checkBytes(
            bytes, name, data == null ? Checker.Options.WITH_DATA : Checker.Options.DEFAULT);
    Diagnostics diagnostics = result.diagnostics();
    String source = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    if (!result.ok()) {
      throw new UserError(diagnostics.render(source).stripTrailing() + "\n" + summary(diagnostics));
    }
    if (!diagnostics.isEmpty()) {
      err.print(diagnostics.render(source));
      err.flush();
    }
    out.print(json ? json(result.network()) : LayerTable.text(result.network()));
    out.flush();
    return 0;
  }

  private static String summary(Diagnostics d) {
    int e = d.errors().size();
    int w = d.warnings().size();
    return e
        + " error"
        + (e == 1 ? "" : "s")
        + (w > 0 ? ", " + w + " warning" + (w == 1 ? "" : "s") : "");
  }

  static byte[] read(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new UserError(file + ": is a directory, not a .cnn file");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (IOException | SecurityException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  static String json(Network n) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("network", n.name());
    root.set("input", shape(mapper, n.input()));
    ArrayNode layers = root.putArray("layers");
    for (Layer l : n.layers()) {
      ObjectNode o = layers.addObject();
      o.put("name", l.name());
      o.put("kind", l.kindName());
      o.set("output", shape(mapper, l.output()));
      o.put("parameters", l.parameters());
      o.put("neurons", l.neurons());
      o.put("connections", l.connections());
      if (l.args() instanceof convnet.dsl.LayerArgs.Conv c && c.table() != null) {
        // Row o: the input maps output map o sees, for the train block's seed (a run with
        // another --seed draws its own, saved with its weights).
        o.put("table_seed", n.train().seed());
        ArrayNode rows = o.putArray("table");
        for (int out = 0; out < c.table().outputs(); out++) {
          ArrayNode row = rows.addArray();
          for (int in : c.table().inputsOf(out)) {
            row.add(in);
          }
        }
      }
    }
    ObjectNode totals = root.putObject("totals");
    totals.put("parameters", n.totalParameters());
    totals.put("neurons", n.totalNeurons());
    totals.put("connections", n.totalConnections());
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static ArrayNode shape(ObjectMapper mapper, convnet.dsl.MapShape s) {
    ArrayNode a = mapper.createArrayNode();
    a.add(s.channels()).add(s.height()).add(s.width());
    return a;
  }
}
