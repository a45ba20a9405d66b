package convnet.runtime.cli;

import convnet.autodiff.Tensor;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.see.FilterImages;
import convnet.runtime.see.ImageGrid;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code convnet filters FILE WEIGHTS --out filters.png}: a picture of one layer's filters. */
@Command(
    name = "filters",
    header = "Draw the filters of a filter bank as a PNG grid.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Draw the filters of one filter bank as a PNG grid. The first bank of a",
      "network on 1- or 3-map input: one tile per filter, each stretched to its",
      "own range (colour for 3 maps). Other banks: one row per output map, one",
      "tile per input map, stretched over the row. Weights are shown as stored",
      "(the correlation template each filter matches).",
      ""
    })
public final class FiltersCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin NetworkAndWeights args;

  @Option(
      names = "--layer",
      paramLabel = "L",
      description = "The filter bank, by name, e.g. L1_conv (default: the first).")
  String layer;

  @Option(names = "--out", paramLabel = "PNG", required = true, description = "The image to write.")
  Path out;

  @Override
  public Integer call() throws IOException {
    FileArgs.checkWritable("--out", out);
    PrintWriter err = spec.commandLine().getErr();
    NetworkModel model = NetworkModel.load(args.file, err);
    String name = chooseLayer(model, layer);
    Path npz = args.weightsFile();
    FileArgs.checkNotAnInput("--out", out, args.file, npz);
    Map<String, Tensor> params = model.loadWeights(npz);
    ImageGrid.writePng(out, FilterImages.draw(model.network(), params, name));
    PrintWriter o = spec.commandLine().getOut();
    o.println("wrote " + out + ": filters of " + name + " from " + npz);
    o.flush();
    return 0;
  }

  /** {@code requested}, checked to be a filter bank of the network, or the first bank. */
  static String chooseLayer(NetworkModel model, String requested) {
    List<String> banks = FilterImages.filterLayers(model.network());
    if (banks.isEmpty()) {
      throw new UserError(
          model.fileName()
              + ": network '"
              + model.network().name()
              + "' has no filter bank to draw");
    }
    if (requested == null) {
      return banks.get(0);
    }
    if (!banks.contains(requested)) {
      throw new UsageError(
          "--layer "
              + requested
              + ": not a filter bank of network '"
              + model.network().name()
              + "'; its filter banks are "
              + String.join(", ", banks));
    }
    return requested;
  }
}
