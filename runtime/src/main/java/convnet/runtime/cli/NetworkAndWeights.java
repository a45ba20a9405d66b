package convnet.runtime.cli;

import convnet.runtime.errors.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Parameters;

/**
 * The positional arguments {@code FILE WEIGHTS} of the commands that look at trained weights
 * ({@code filters}, {@code deconv}): a network and a run folder or {@code .npz} file.
 */
final class NetworkAndWeights {
  @Parameters(index = "0", paramLabel = "FILE", description = "The network (.cnn file).")
  Path file;

  @Parameters(
      index = "1",
      paramLabel = "WEIGHTS",
      description = "A run folder (its weights-final.npz, else weights-best.npz) or an .npz file.")
  Path weights;

  /**
   * The weights file: WEIGHTS itself, or the final (else best) weights of the run folder WEIGHTS.
   */
  Path weightsFile() {
    if (Files.isDirectory(weights)) {
      for (String name : List.of("weights-final.npz", "weights-best.npz")) {
        Path p = weights.resolve(name);
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
      throw new UserError(
          weights
              + ": a folder without weights-final.npz or weights-best.npz; "
              + "give a run folder that has finished an epoch, or an .npz file");
    }
    if (!Files.isRegularFile(weights)) {
      throw new UserError(weights + ": no such file or run folder");
    }
    return weights;
  }

  /** The run folder WEIGHTS names, or null when it is a file. */
  Path runFolder() {
    return Files.isDirectory(weights) ? weights : null;
  }
}
