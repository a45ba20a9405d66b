package convnet.runtime.model;

import com.fasterxml.jackson.annotation.JsonValue;
import convnet.runtime.errors.UserError;
import java.util.Locale;
import java.util.Optional;

/**
 * How a function is run: by the reference interpreter, or as compiled JVM bytecode. Text (a flag,
 * {@code config.json}, {@code sweep.json}) becomes a backend in {@link #named} alone; in files a
 * backend is written as its {@link #keyword}.
 */
public enum Backend {
  INTERPRETED,
  COMPILED;

  /** The backend used when none is asked for. */
  public static final Backend DEFAULT = COMPILED;

  /** The name used on the command line and in files ({@code interpreted}, {@code compiled}). */
  @JsonValue
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The backend named exactly {@code keyword}, if any; a command wording its own usage error for a
   * flag starts here, a file's setting goes through {@link #parse}.
   */
  public static Optional<Backend> named(String keyword) {
    for (Backend b : values()) {
      if (b.keyword().equals(keyword)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /** The backend named {@code keyword}; any other text is a {@link UserError} that quotes it. */
  public static Backend parse(String keyword) {
    return named(keyword)
        .orElseThrow(
            () -> new UserError("backend '" + keyword + "': expected compiled or interpreted"));
  }

  @Override
  public String toString() {
    return keyword();
  }
}
