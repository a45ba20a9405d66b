package convnet.runtime.cli;

import convnet.autodiff.Tensor;
import convnet.runtime.data.DataError;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.errors.UsageError;
import convnet.runtime.model.Backend;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.run.RunFolder;
import convnet.runtime.see.DeconvProjections;
import convnet.runtime.see.ImageGrid;
import convnet.runtime.see.RunReport;
import convnet.runtime.train.ModelBinding;
import convnet.runtime.train.TrainConfig;
import convnet.runtime.train.TrainingData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code convnet deconv FILE WEIGHTS --layer L --out deconv.png}: deconvnet projections. */
@Command(
    name = "deconv",
    header = "Project strongest activations back to pixels (deconvnet).",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Deconvnet projections (Zeiler & Fergus 2014, Figure 2): for each of the",
      "first --maps feature maps of a layer, the --top test images where the map's",
      "strongest activation is largest; each activation alone is projected back to",
      "pixels (max pooling undone with the forward pass's switches, average pooling",
      "spread evenly, relu and Rabs applied to the signal going down, filters",
      "transposed; tanh and N layers by their gradient) and drawn beside the image",
      "patch under its receptive field. One row per map.",
      "",
      "When WEIGHTS is a run folder, the picture is also saved there as deconv.png",
      "and the run's report.html gets its deconvnet panel.",
      ""
    })
public final class DeconvCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin NetworkAndWeights args;

  @Option(
      names = "--layer",
      paramLabel = "L",
      required = true,
      description = "The layer whose maps are projected, e.g. L8_avgpool.")
  String layer;

  @Option(
      names = "--maps",
      paramLabel = "M",
      defaultValue = "16",
      description = "How many maps, from the first (default: ${DEFAULT-VALUE}).")
  int maps;

  @Option(
      names = "--top",
      paramLabel = "K",
      defaultValue = "9",
      description = "Strongest activations per map (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(
      names = "--data",
      paramLabel = "SPEC",
      description =
          "Data set whose test images are scanned (default: the run's, else the "
              + "train block's).")
  String data;

  @Option(
      names = "--limit-test",
      paramLabel = "N",
      description = "Scan only the first N test images (default: all).")
  Integer limitTest;

  @Option(
      names = "--backend",
      paramLabel = "B",
      defaultValue = "compiled",
      description = "compiled or interpreted (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--out", paramLabel = "PNG", required = true, description = "The image to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    return OutOfMemory.guard("projecting", this::work);
  }

  private Integer work() throws IOException {
    if (maps < 1 || maps > 1024) {
      throw new UsageError("--maps must be between 1 and 1024, not " + maps);
    }
    if (top < 1 || top > 64) {
      throw new UsageError("--top must be between 1 and 64, not " + top);
    }
    if (limitTest != null && limitTest < 1) {
      throw new UsageError("--limit-test must be at least 1, not " + limitTest);
    }
    Backend chosen =
        Backend.named(backend)
            .orElseThrow(
                () ->
                    new UsageError("--backend " + backend + ": expected compiled or interpreted"));
    FileArgs.checkWritable("--out", out);
    PrintWriter err = spec.commandLine().getErr();
    NetworkModel network = NetworkModel.load(args.file, err);
    List<String> layers = DeconvProjections.projectable(network.network());
    if (!layers.contains(layer)) {
      throw new UsageError(
          "--layer "
              + layer
              + ": not a layer with feature maps of network '"
              + network.network().name()
              + "'; choose one of "
              + String.join(", ", layers));
    }
    Path npz = args.weightsFile();
    FileArgs.checkNotAnInput("--out", out, args.file, npz);
    ModelBinding model = ModelBinding.of(network, err);
    Map<String, Tensor> params = model.loadWeights(npz);
    Path runDir = args.runFolder() != null ? args.runFolder() : npz.toAbsolutePath().getParent();
    TrainConfig run =
        runDir != null && Files.isRegularFile(runDir.resolve("config.json"))
            ? RunFolder.readJson(runDir.resolve("config.json"), TrainConfig.class)
            : null;
    String dataSpec =
        data != null
            ? data
            : run != null
                ? run.data()
                : TrainConfig.dataSpec(
                    network.network().train(), args.file.toAbsolutePath().getParent());
    Preprocessing prep = run != null ? run.preprocessing() : Preprocessing.DEFAULT;
    DataSplits splits =
        TrainingData.open(network.network(), dataSpec, prep, 0, limitTest != null ? limitTest : 0);
    int channels = splits.test().channels();
    if (channels != 1 && channels != 3) {
      throw new DataError(
          "data '"
              + dataSpec
              + "' has "
              + channels
              + " maps per image; "
              + "projections are drawn for 1 (grey) or 3 (colour)");
    }
    int batch = Math.min(64, network.network().train().batch());
    List<List<DeconvProjections.Projection>> rows =
        DeconvProjections.compute(
            network.network(),
            params,
            splits.test(),
            splits.test().size(),
            layer,
            maps,
            top,
            batch,
            f -> model.prepare(f, chosen));
    BufferedImage image =
        DeconvProjections.draw(rows, channels, splits.test().height(), splits.test().width());
    ImageGrid.writePng(out, image);
    PrintWriter o = spec.commandLine().getOut();
    o.println(
        "wrote "
            + out
            + ": "
            + rows.size()
            + " maps of "
            + layer
            + ", the "
            + top
            + " strongest activations of each over "
            + splits.test().size()
            + " test images of "
            + splits.source());
    if (args.runFolder() != null) {
      Path inRun = args.runFolder().resolve(RunReport.DECONV_PNG);
      if (!Files.isSameFile(inRun.toAbsolutePath().getParent(), out.toAbsolutePath().getParent())
          || !inRun.getFileName().equals(out.getFileName())) {
        ImageGrid.writePng(inRun, image);
      }
      if (RunReport.attachDeconv(args.runFolder(), layer)) {
        o.println("added the deconvnet panel to " + args.runFolder().resolve(RunReport.FILE));
      }
    }
    o.flush();
    return 0;
  }
}
