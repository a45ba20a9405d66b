package convnet.dsl;

/** An argument of a call: named ({@code kernel=5x5}) or positional ({@code name} is null). */
public record Arg(String name, Value value, SourcePos pos) {
  public boolean isNamed() {
    return name != null;
  }
}
