package convnet.runtime.errors;

/**
 * An error in the user's files, data or settings: its message is printed as is (it already says
 * where and why) and the command exits with status 1, without a stack trace.
 */
public class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * An input or output failure of {@code path} while doing {@code what} ("read", "write"), told in
   * words: the exception's own message is often just a path, and may name a temporary file the user
   * never asked for.
   */
  public static UserError io(java.nio.file.Path path, String what, java.io.IOException e) {
    String why = reason(e);
    // The exception often names the same file again: say it once.
    String prefix = path + ": ";
    if (why.startsWith(prefix)) {
      why = why.substring(prefix.length());
    }
    return new UserError(path + ": cannot " + what + ": " + why, e);
  }

  /** Why an input or output operation failed, in words. */
  public static String reason(java.io.IOException e) {
    if (!(e instanceof java.nio.file.FileSystemException f)) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    String file = f.getFile() == null ? null : where(f.getFile());
    String why;
    if (e instanceof java.nio.file.NoSuchFileException) {
      why = "no such file or folder";
    } else if (e instanceof java.nio.file.NotDirectoryException) {
      why = "not a folder";
    } else if (e instanceof java.nio.file.AccessDeniedException) {
      why = "permission denied";
    } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
      why = "already exists";
    } else if (f.getReason() != null) {
      why = f.getReason().toLowerCase(java.util.Locale.ROOT);
    } else {
      why = "refused by the file system";
    }
    return file == null ? why : file + ": " + why;
  }

  /** A temporary file (".NAME.NNN.tmp") is described by its folder, which the user chose. */
  private static String where(String file) {
    java.nio.file.Path p = java.nio.file.Path.of(file);
    String name = p.getFileName() == null ? "" : p.getFileName().toString();
    if (name.startsWith(".") && name.endsWith(".tmp") && p.getParent() != null) {
      return "in folder " + p.getParent();
    }
    return file;
  }
}
