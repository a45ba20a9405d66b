/**
 * The parser: ConvNet source text to the project's own AST; ANTLR stays inside this package.
 *
 * <p>Entry points: {@link convnet.dsl.parser.Parsing#parse} (a whole file, throwing {@link
 * convnet.dsl.DslException} with every syntax error), {@link
 * convnet.dsl.parser.Parsing#parseLenient} (the checker's: words that do not decode become
 * placeholder layers and diagnostics, so that checking can report the file's other errors too), and
 * the entry rules for one layer, expression or value ({@code parseLayer}, {@code parseExpression},
 * {@code parseValue}). Outside the module, {@link convnet.dsl.DslParser} is the public face of
 * these.
 *
 * <p>Data flow: the text is lexed and its braces checked, then ANTLR parses it with the grammar
 * {@code ConvNet.g4} (labelled alternatives, named elements), its console listeners replaced by one
 * that reports errors with source positions and calls rules by human names. The package-private
 * {@code AstBuilder} visits the parse tree and returns immutable AST records ({@link
 * convnet.dsl.Program} and below), decoding paper tokens inside words ({@code 64F9x9CSG}, {@code
 * PA2x2/2}, {@code N7x7}) into {@link convnet.dsl.LayerNode}s. No ANTLR type leaves this package
 * ({@code ApiBoundaryTest} checks it).
 */
package convnet.dsl.parser;
