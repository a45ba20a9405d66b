package convnet.dsl;

import java.util.List;

/** The value of an argument or a setting. */
public sealed interface Value {
  SourcePos pos();

  /** A number exactly as written ({@code 64}, {@code 0.5}, {@code 5e-4}, {@code -1}). */
  record Num(String text, SourcePos pos) implements Value {
    public double value() {
      return Double.parseDouble(text);
    }

    public boolean isInteger() {
      return text.matches("-?[0-9]+");
    }
  }

  /** {@code HxW}. */
  record Size(int height, int width, SourcePos pos) implements Value {}

  /** A plain word: {@code relu}, {@code ceil}, {@code true}, {@code cosine}. */
  record Ident(String name, SourcePos pos) implements Value {}

  /** A word with dashes, such as {@code fashion-mnist}. */
  record Dashed(String text, SourcePos pos) implements Value {}

  /** A double-quoted string, unescaped. */
  record Str(String text, SourcePos pos) implements Value {}

  /** {@code name(args)}: {@code random(16)}, {@code sgd(lr=0.01)}, {@code crop(pad=4)}. */
  record Call(String name, List<Arg> args, SourcePos pos) implements Value {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** {@code [a, b, c]}. */
  record ListOf(List<Value> items, SourcePos pos) implements Value {
    public ListOf {
      items = List.copyOf(items);
    }
  }

  /** A training protocol with at least one {@code +}, such as {@code R+R+} (no spaces). */
  record Protocol(String text, SourcePos pos) implements Value {}
}
