package convnet.dsl;

import convnet.dsl.parser.Parsing;

/** Parses ConvNet source text into the AST. */
public final class DslParser {
  private DslParser() {}

  /**
   * Parses a whole file. Throws {@link DslException} carrying every syntax error found (an
   * empty file, unbalanced braces, a stray character, a malformed paper token...).
   */
  public static Program parse(String source, String fileName) {
    return Parsing.parse(source, fileName);
  }
}
