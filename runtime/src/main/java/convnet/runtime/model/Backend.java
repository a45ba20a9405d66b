package convnet.runtime.model;

import java.util.Locale;

/** How a function is run: by the reference interpreter, or as compiled JVM bytecode. */
public enum Backend {
  INTERPRETED,
  COMPILED;

  /** The name used on the command line ({@code interpreted}, {@code compiled}). */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }
}
