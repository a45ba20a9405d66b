package convnet.dsl;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data sets a {@code train} block may name, where each is looked for when installed, and what
 * to install or pass when it is not. {@code fashion-mnist} is always there (a subset ships inside
 * convnet); {@code mnist}, {@code cifar-10} and {@code caltech-101} are folders under {@value
 * #ROOT} (where Debian installs {@code dataset-fashion-mnist}), or data given with {@code --data}.
 */
public final class DataNames {
  /** The folder under which named data sets are looked for. */
  public static final String ROOT = "/usr/share/datasets";

  /** System property that overrides {@link #ROOT} (for tests and unusual installations). */
  public static final String ROOT_PROPERTY = "convnet.datasetsDir";

  /** A named data set: its folder under the root, its {@code --data} prefix and how to get it. */
  private record Known(String folder, String prefix, String files, String howToGet) {}

  private static final Map<String, Known> KNOWN = new LinkedHashMap<>();

  static {
    KNOWN.put("fashion-mnist", new Known("fashion-mnist", "idx", "IDX files", null));
    KNOWN.put(
        "mnist",
        new Known(
            "mnist",
            "idx",
            "the four IDX files (train-images-idx3-ubyte, ...)",
            "no Debian package ships MNIST: download its IDX files from yann.lecun.com/exdb/mnist"));
    KNOWN.put(
        "cifar-10",
        new Known(
            "cifar-10",
            "cifar10",
            "the binary batches (data_batch_1.bin ... test_batch.bin)",
            "no Debian package ships CIFAR-10: download its binary version (cifar-10-binary.tar.gz) from"
                + " www.cs.toronto.edu/~kriz/cifar.html"));
    KNOWN.put(
        "caltech-101",
        new Known(
            "caltech-101",
            "folder",
            "one folder of JPEG images per class (101_ObjectCategories)",
            "no Debian package ships Caltech-101: download 101_ObjectCategories from data.caltech.edu"));
  }

  private DataNames() {}

  /** Every name a {@code train} block may give to {@code data}. */
  public static java.util.Set<String> names() {
    return KNOWN.keySet();
  }

  /** The folder where data set {@code name} is looked for. */
  public static Path folder(String name) {
    return Path.of(System.getProperty(ROOT_PROPERTY, ROOT), KNOWN.get(name).folder());
  }

  /**
   * The {@code --data} spec that opens named data set {@code name}, or null when it is not
   * installed. {@code fashion-mnist} is always available (the full set when installed, else the
   * embedded subset).
   */
  public static String installedSpec(String name) {
    Known k = KNOWN.get(name);
    if (k == null) {
      throw new IllegalArgumentException("unknown data set " + name);
    }
    if (name.equals("fashion-mnist")) {
      return name;
    }
    Path dir = folder(name);
    return Files.isDirectory(dir) ? k.prefix() + ":" + dir : null;
  }

  /** Why named data set {@code name} cannot be used, and what to do; null when it can. */
  public static String[] unavailable(String name) {
    if (installedSpec(name) != null) {
      return null;
    }
    Known k = KNOWN.get(name);
    return new String[] {
      "data set '" + name + "' is not installed (no folder " + folder(name) + ")",
      k.howToGet()
          + "; put "
          + k.files()
          + " in "
          + folder(name)
          + ", or pass them with --data "
          + k.prefix()
          + ":DIR"
    };
  }

  /**
   * Why a data path written in a file cannot be used, and what to do; null when it can. A prefixed
   * spec ({@code idx:DIR}, {@code cifar10:DIR}, {@code folder:DIR}) or an absolute path is taken as
   * written, a relative path against {@code base} (the network file's folder), as training does.
   */
  public static String[] unavailablePath(String text, Path base) {
    int colon = text.indexOf(':');
    String path = text;
    if (colon > 1) {
      String prefix = text.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
      if (prefix.equals("idx")
          || prefix.equals("cifar10")
          || prefix.equals("cifar-10")
          || prefix.equals("folder")) {
        path = text.substring(colon + 1);
      }
    }
    Path dir;
    try {
      dir = Path.of(path);
      if (!dir.isAbsolute() && colon <= 1 && base != null) {
        dir = base.resolve(dir).normalize();
      }
    } catch (InvalidPathException e) {
      return new String[] {
        "data path '" + text + "' is not a valid path (" + e.getReason() + ")", null
      };
    }
    if (Files.isDirectory(dir)) {
      return null;
    }
    return new String[] {
      "data folder '"
          + text
          + "' does not exist"
          + (dir.toString().equals(text) ? "" : " (" + dir + ")"),
      "put the data there, or pass it with --data idx:DIR, cifar10:DIR or folder:DIR"
    };
  }
}
