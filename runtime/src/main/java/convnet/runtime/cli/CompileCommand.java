package convnet.runtime.cli;

import convnet.autodiff.Function;
import convnet.autodiff.optim.Optimizer;
import convnet.autodiff.optim.Sgd;
import convnet.compiler.CompileOptions;
import convnet.compiler.CompiledFunction;
import convnet.compiler.Compiler;
import convnet.dsl.TrainSpec;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convnet compile FILE --explain [--dump DIR] [--batch N]}: shows the fused kernels and
 * writes the classes.
 */
@Command(
    name = "compile",
    header = "Compile a network into fused JVM kernels and show them.",
    mixinStandardHelpOptions = true,
    description = {
      "Compile a network's training step (or its inference or gradient function)",
      "into fused JVM kernels and show which graph nodes went into which kernel,",
      "the buffers each kernel reads and writes, and the memory plan.",
      "",
      "Without --explain or --dump, prints one summary line.",
    })
public final class CompileCommand implements Callable<Integer> {

  /** Which function of the network to compile. */
  enum Kind {
    train,
    inference,
    gradient
  }

  @Parameters(index = "0", paramLabel = "FILE", description = "the .cnn file")
  Path file;

  @Option(
      names = "--explain",
      description = "print every kernel, the nodes fused into it, its buffers, and the memory plan")
  boolean explain;

  @Option(
      names = "--dump",
      paramLabel = "DIR",
      description = "write the generated .class files into DIR (read them with javap -c)")
  Path dump;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "batch size (default: the train block's, else 64)")
  Integer batch;

  @Option(
      names = "--function",
      paramLabel = "KIND",
      defaultValue = "train",
      description = "train (default; parameters updated in place), inference, or gradient")
  Kind function;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin ThreadsOption threadsOption = new ThreadsOption();

  @Override
  public Integer call() throws IOException {
    threadsOption.apply();
    PrintWriter out = spec.commandLine().getOut();
    NetworkModel model = NetworkModel.load(file, spec.commandLine().getErr());
    int n = batchSize(model, batch);
    Function f = function(model, function, n);
    CompiledFunction compiled =
        Compiler.compile(f, CompileOptions.defaults().withInPlaceUpdates(function == Kind.train));
    if (explain) {
      out.print(compiled.explain());
    }
    if (dump != null) {
      if (Files.exists(dump) && !Files.isDirectory(dump)) {
        throw new UserError(dump + ": exists and is not a directory");
      }
      List<Path> written;
      try {
        written = compiled.dumpClasses(dump);
      } catch (IOException e) {
        throw new UserError(dump + ": cannot write the generated classes (" + e.getMessage() + ")");
      }
      out.printf(Locale.ROOT, "wrote %d class files to %s%n", written.size(), dump);
    }
    if (!explain && dump == null) {
      out.printf(
          Locale.ROOT,
          "%s: %s, batch %d: %d kernels, %d generated classes%n",
          model.fileName(),
          f.name(),
          n,
          compiled.kernels().size(),
          compiled.generatedClasses().size());
    }
    out.flush();
    return 0;
  }

  /**
   * The batch size from the option, else the train block, else 64, checked by {@link BatchFlag}.
   */
  static int batchSize(NetworkModel model, Integer option) {
    return BatchFlag.resolve(option, model);
  }

  /** The train block's optimizer (SGD or Adam), else SGD with momentum 0.9 without weight decay. */
  static Optimizer optimizer(NetworkModel model) {
    TrainSpec train = model.network().train();
    if (train != null && train.optimizer() != null) {
      return train.optimizer().rule();
    }
    return new Sgd(0.9, 0);
  }

  static Function function(NetworkModel model, Kind kind, int batch) {
    return switch (kind) {
      case train -> model.trainingFunction(batch, optimizer(model), Set.of());
      case inference -> model.inferenceFunction(batch, false);
      case gradient -> model.gradientFunction(batch);
    };
  }
}
