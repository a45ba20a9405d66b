package convnet.runtime.cli;

import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of the file paths named on the command line, made before any work so that a bad one fails
 * fast.
 */
final class FileArgs {
  private FileArgs() {}

  /**
   * An output file: named, and not an existing folder (which the final rename could not replace).
   */
  static void checkWritable(String flag, Path out) {
    if (out.toString().isBlank()) {
      throw new UsageError(flag + " needs a file name");
    }
    if (Files.isDirectory(out)) {
      throw new UserError(
          out
              + ": is a folder; "
              + flag
              + " names the file to write, e.g. "
              + out.resolve("out.npz"));
    }
    // A typo in the folder should not scatter new folders about: the folder must exist.
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UserError(
          out
              + ": cannot write: "
              + parent
              + (Files.exists(parent) ? " is a file, not a folder" : ": no such folder"));
    }
  }

  /** An output that is one of the command's own inputs would destroy it: bad usage. */
  static void checkNotAnInput(String flag, Path out, Path... inputs) {
    for (Path in : inputs) {
      if (in != null && sameFile(out, in)) {
        throw new UsageError(
            flag
                + " "
                + out
                + " is also an input of the command ("
                + in
                + "); writing it would destroy that file: choose another "
                + flag);
      }
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b)
          ? Files.isSameFile(a, b)
          : a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    } catch (java.io.IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }

  /** An input file: a folder in its place would otherwise be reported as missing. */
  static void checkReadable(Path in) {
    if (Files.isDirectory(in)) {
      throw new UserError(in + ": is a folder, not a file");
    }
  }
}
