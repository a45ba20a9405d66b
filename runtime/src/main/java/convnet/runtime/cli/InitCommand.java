package convnet.runtime.cli;

import convnet.autodiff.Tensor;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet init FILE --seed N --out W.npz}: writes initial weights. */
@Command(
    name = "init",
    header = "Write a network's initial weights to an .npz file.",
    mixinStandardHelpOptions = true,
    description = {
      "Write a network's initial weights to an .npz file (float32), one array per",
      "parameter, named <layer>.weight, <layer>.bias, <layer>.gain in PyTorch's",
      "layout (conv weights [out, in/groups, kh, kw], dense weights [out, in]).",
      "",
      "Initialisation is PyTorch's default: weights and biases uniform in",
      "+-1/sqrt(fan_in), gains 1. Each array depends only on the seed and its name."
    })
public final class InitCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the .cnn file")
  Path file;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "random seed (default: the train block's seed)")
  Long seed;

  @Option(
      names = "--out",
      paramLabel = "W.npz",
      required = true,
      description = "the .npz file to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    return OutOfMemory.guard("initialising the weights", this::work);
  }

  private Integer work() {
    FileArgs.checkWritable("--out", out);
    FileArgs.checkNotAnInput("--out", out, file);
    PrintWriter o = spec.commandLine().getOut();
    NetworkModel model = NetworkModel.loadAsIs(file, spec.commandLine().getErr());
    long s = seed != null ? seed : model.network().train().seed();
    Map<String, Tensor> weights = model.init(s);
    // Random connection tables are drawn from the seed too, and stored with the weights.
    model.withTableSeed(s).saveTrained(out, weights);
    long total = weights.values().stream().mapToLong(Tensor::size).sum();
    o.println(
        String.format(
            Locale.ROOT,
            "wrote %s: %d arrays, %,d parameters (seed %d)",
            out,
            weights.size(),
            total,
            s));
    o.flush();
    return 0;
  }
}
