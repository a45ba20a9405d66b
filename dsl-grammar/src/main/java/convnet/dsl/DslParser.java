package convnet.dsl;

import convnet.dsl.parser.Parsing;

/** Parses ConvNet source text into the AST. */
public final class DslParser {
  private DslParser() {}

  /**
   * Parses a whole file. Throws {@link DslException} carrying every syntax error found (an empty
   * file, unbalanced braces, a stray character, a malformed paper token...).
   */
  public static Program parse(String source, String fileName) {
    return Parsing.parse(source, fileName);
  }

  /** Parses one layer on its own, e.g. {@code 64F9x9CSG} or {@code PA10x10/5}. */
  public static LayerNode parseLayer(String source, String fileName) {
    return Parsing.parseLayer(source, fileName);
  }

  /** Parses an elementwise expression on its own, e.g. {@code x / (1 + abs(x))}. */
  public static Expr parseExpression(String source, String fileName) {
    return Parsing.parseExpression(source, fileName);
  }

  /** Parses a value on its own, e.g. {@code sgd(lr=0.01, momentum=0.9)}. */
  public static Value parseValue(String source, String fileName) {
    return Parsing.parseValue(source, fileName);
  }
}
