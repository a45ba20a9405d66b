package convnet.runtime.cli;

import convnet.runtime.errors.UserError;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Finds {@code convnet export}, which lives in the onnx module with ONNX Runtime (tens of
 * megabytes) so that the default jar stays small: the real command when that module is on the class
 * path, else a stand-in that says how to get it.
 */
final class ExportCommands {
  static final String CLASS = "convnet.onnx.cli.ExportCommand";

  private ExportCommands() {}

  static Object command() {
    try {
      return Class.forName(CLASS).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return new Unavailable();
    }
  }

  /** {@code convnet export} without the onnx module. */
  @Command(
      name = "export",
      header = "Write a network and its weights as an ONNX model.",
      description = {"Needs the onnx module; ./convnet export builds and runs it."})
  static final class Unavailable implements Callable<Integer> {
    @Unmatched List<String> args;

    @Override
    public Integer call() {
      throw new UserError(
          "convnet export: this jar does not include the onnx module; run it as './convnet export' "
              + "from the repository, which builds onnx/target/convnet-onnx.jar on first use");
    }
  }
}
