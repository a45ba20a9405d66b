package convnet.runtime.train;

import java.util.Objects;

/**
 * A setting given as text (a command-line flag): the text as written, kept for messages that quote
 * it, and the value it was parsed into, once, where it was read.
 */
public record Given<T>(String text, T value) {
  public Given {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(value, "value");
  }

  /** {@code text} parsed by {@code parse}; null when no text was given (null). */
  public static <T> Given<T> of(String text, java.util.function.Function<String, T> parse) {
    return text == null ? null : new Given<>(text, parse.apply(text));
  }
}
