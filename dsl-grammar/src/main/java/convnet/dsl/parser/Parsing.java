package convnet.dsl.parser;

import convnet.dsl.Diagnostic;
import convnet.dsl.Diagnostics;
import convnet.dsl.DslException;
import convnet.dsl.Program;
import convnet.dsl.SourcePos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * The bridge from text to the AST: lexes, checks braces, parses with ANTLR and builds the project's
 * own records. No ANTLR type appears in its signature.
 */
public final class Parsing {
  /** Deeper nesting is refused with a diagnostic rather than risking the parser's stack. */
  static final int MAX_NESTING = 200;

  /** Longer operator chains in one declaration are refused for the same reason. */
  static final int MAX_OPERATORS = 2_000;

  private static final List<String> KEYWORDS =
      List.of("network", "input", "train", "define", "sweep", "vary");

  private Parsing() {}

  /** Parses a whole file; throws {@link DslException} carrying every syntax error. */
  public static Program parse(String source, String fileName) {
    String file = fileName == null ? "<input>" : fileName;
    try {
      return parseFile(source, file);
    } catch (StackOverflowError e) {
      // Only pathological nesting gets here (the lexer already limits brackets); say so instead of
      // crashing.
      throw new DslException(
          convnet.dsl.Diagnostic.error(
              new SourcePos(file, 1, 1, 1),
              "the file is nested too deeply to parse",
              "split long expressions into several functions"));
    }
  }

  private static Program parseFile(String source, String file) {
    List<Diagnostic> decoding = new ArrayList<>();
    Program program = parseLenient(source, file, decoding);
    if (!decoding.isEmpty()) {
      throw new DslException(new Diagnostics(decoding).sorted());
    }
    return program;
  }

  /**
   * Parses a file but, instead of failing on words that do not decode (a bad paper token, a number
   * too large), adds those diagnostics to {@code sink} and puts {@link
   * convnet.dsl.LayerNode#INVALID} layers in their place, so that a checker can still report the
   * file's other errors. Lexical and syntax errors still throw {@link DslException}.
   */
  public static Program parseLenient(String source, String fileName, List<Diagnostic> sink) {
    String file = fileName == null ? "<input>" : fileName;
    try {
      CommonTokenStream tokens = lex(source, file);
      ConvNetParser parser = parser(tokens, file);
      Collector errors = (Collector) parser.getErrorListeners().get(0);
      ConvNetParser.ProgramContext tree = parser.program();
      errors.throwIfAny();
      AstBuilder builder = new AstBuilder(file);
      Program program = builder.program(tree);
      sink.addAll(builder.diagnostics());
      return program;
    } catch (StackOverflowError e) {
      throw new DslException(
          convnet.dsl.Diagnostic.error(
              new SourcePos(file, 1, 1, 1),
              "the file is nested too deeply to parse",
              "split long expressions into several functions"));
    }
  }

  /** Parses one layer, such as {@code 64F9x9CSG} or {@code conv(maps=8, kernel=3x3)}. */
  public static convnet.dsl.LayerNode parseLayer(String source, String fileName) {
    return parseEntry(source, fileName, ConvNetParser::layerEntry, (b, t) -> b.layer(t.layer()));
  }

  /** Parses the body of an elementwise function, such as {@code x / (1 + abs(x))}. */
  public static convnet.dsl.Expr parseExpression(String source, String fileName) {
    return parseEntry(source, fileName, ConvNetParser::exprEntry, (b, t) -> b.expr(t.expr()));
  }

  /**
   * Parses one argument or setting value, such as {@code sgd(lr=0.01)} or {@code [flip,
   * crop(pad=4)]}.
   */
  public static convnet.dsl.Value parseValue(String source, String fileName) {
    return parseEntry(source, fileName, ConvNetParser::valueEntry, (b, t) -> b.value(t.value()));
  }

  /**
   * Runs one {@code x EOF} entry rule and builds its AST: syntax errors are thrown before the
   * builder runs, and the builder's own diagnostics after it.
   */
  private static <T, R> R parseEntry(
      String source,
      String fileName,
      java.util.function.Function<ConvNetParser, T> entry,
      java.util.function.BiFunction<AstBuilder, T, R> build) {
    String file = fileName == null ? "<input>" : fileName;
    ConvNetParser parser = parser(lex(source, file), file);
    Collector errors = (Collector) parser.getErrorListeners().get(0);
    T tree = entry.apply(parser);
    errors.throwIfAny();
    AstBuilder builder = new AstBuilder(file);
    R result = build.apply(builder, tree);
    builder.throwIfAny();
    return result;
  }

  /**
   * The text with CRLF and lone CR line ends turned into LF: ANTLR counts lines at LF only, so a
   * file with classic Mac line ends would otherwise be one long line 1. Columns are unchanged (a CR
   * only ever ends a line), which keeps every position valid in the original text.
   */
  static String unixLineEnds(String source) {
    return source.indexOf('\r') < 0 ? source : source.replace("\r\n", "\n").replace('\r', '\n');
  }

  private static CommonTokenStream lex(String source, String file) {
    ConvNetLexer lexer =
        new ConvNetLexer(CharStreams.fromString(unixLineEnds(source == null ? "" : source)));
    lexer.removeErrorListeners();
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    tokens.fill();
    List<Diagnostic> found = new ArrayList<>();
    Deque<Token> open = new ArrayDeque<>();
    boolean any = false;
    int depth = 0;
    int operators = 0;
    boolean inFunction = false;
    boolean tooDeep = false;
    for (Token t : tokens.getTokens()) {
      int type = t.getType();
      if (type == ConvNetLexer.LPAREN || type == ConvNetLexer.LBRACKET) {
        depth++;
      } else if (type == ConvNetLexer.RPAREN || type == ConvNetLexer.RBRACKET) {
        depth = Math.max(0, depth - 1);
      }
      // Operators nest only inside fn bodies (a stage's '-' builds a flat list), so count them
      // there.
      if (type == ConvNetLexer.FN) {
        inFunction = true;
        operators = 0;
      } else if (type == ConvNetLexer.NETWORK
          || type == ConvNetLexer.DEFINE
          || type == ConvNetLexer.SWEEP) {
        inFunction = false;
      } else if (inFunction
          && (type == ConvNetLexer.CARET
              || type == ConvNetLexer.PLUS
              || type == ConvNetLexer.STAR
              || type == ConvNetLexer.SLASH
              || type == ConvNetLexer.MINUS)) {
        operators++;
      }
      if (!tooDeep && (depth > MAX_NESTING || operators > MAX_OPERATORS)) {
        tooDeep = true;
        found.add(
            Diagnostic.error(
                pos(file, t),
                depth > MAX_NESTING
                    ? "brackets nested more than " + MAX_NESTING + " deep"
                    : "more than " + MAX_OPERATORS + " operators in one function",
                "split it into several functions or blocks"));
      }
      switch (type) {
        case Token.EOF -> {}
        case ConvNetLexer.UNKNOWN_CHAR -> {
          any = true;
          String c = t.getText();
          if (c.equals("\"")) {
            found.add(
                Diagnostic.error(
                    pos(file, t),
                    "unterminated string",
                    "close the string with '\"' on the same line"));
          } else {
            found.add(Diagnostic.error(pos(file, t), "unexpected character '" + visible(c) + "'"));
          }
        }
        case ConvNetLexer.LBRACE -> {
          any = true;
          open.push(t);
        }
        case ConvNetLexer.RBRACE -> {
          any = true;
          if (open.isEmpty()) {
            found.add(
                Diagnostic.error(pos(file, t), "unbalanced braces: '}' without a matching '{'"));
          } else {
            open.pop();
          }
        }
        default -> any = true;
      }
    }
    for (Token t : open) {
      found.add(
          Diagnostic.error(
              pos(file, t),
              "unbalanced braces: this '{' is never closed",
              "add '}' at the end of the block"));
    }
    if (!any) {
      found.add(
          Diagnostic.error(
              new SourcePos(file, 1, 1, 1),
              "empty file: expected 'network NAME { ... }'",
              "a network starts with 'network NAME {', then 'input CxHxW', then one stage of layers per line"));
    }
    if (!found.isEmpty()) {
      throw new DslException(new Diagnostics(found).sorted());
    }
    tokens.seek(0);
    return tokens;
  }

  private static ConvNetParser parser(CommonTokenStream tokens, String file) {
    ConvNetParser parser = new ConvNetParser(tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(new Collector(file));
    return parser;
  }

  static SourcePos pos(String file, Token t) {
    int len = t.getType() == Token.EOF ? 1 : Math.max(1, t.getText().length());
    return new SourcePos(file, Math.max(1, t.getLine()), t.getCharPositionInLine() + 1, len);
  }

  static String visible(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.toString();
  }

  /** Turns ANTLR's messages into diagnostics that name rules in human terms. */
  private static final class Collector extends BaseErrorListener {
    private final String file;
    private final List<Diagnostic> found = new ArrayList<>();

    Collector(String file) {
      this.file = file;
    }

    @Override
    public void syntaxError(
        Recognizer<?, ?> recognizer,
        Object offending,
        int line,
        int col,
        String msg,
        RecognitionException e) {
      Parser parser = (Parser) recognizer;
      String where =
          parser.getContext() instanceof ConvNetParser.NetworkDeclContext
              ? "<network body>"
              : parser.getContext() instanceof ConvNetParser.SweepDeclContext
                  ? "<sweep body>"
                  : ruleName(parser.getContext() == null ? -1 : parser.getContext().getRuleIndex());
      Token t = offending instanceof Token tok ? tok : null;
      SourcePos pos = t != null ? pos(file, t) : new SourcePos(file, Math.max(1, line), col + 1, 1);
      String found =
          t == null || t.getType() == Token.EOF ? "end of file" : "'" + visible(t.getText()) + "'";
      String expected = expected(parser, e);
      String message = "unexpected " + found + " in " + where;
      String hint = keywordHint(t, parser);
      found(
          Diagnostic.error(
              pos,
              message,
              hint != null ? hint : expected == null ? null : "expected " + expected));
    }

    private void found(Diagnostic d) {
      // After a syntax error ANTLR's recovery guesses, and the errors it reports next are mostly
      // echoes of the first one; only the first is reliable, so it is the one reported. Errors
      // found after parsing (paper tokens, names, shapes) are all reported.
      if (found.isEmpty()) {
        found.add(d);
      }
    }

    /** A did-you-mean when the offending word, or the word before it, is a misspelt keyword. */
    private static String keywordHint(Token t, Parser parser) {
      List<Token> near = new ArrayList<>();
      if (t != null) {
        near.add(t);
      }
      if (t != null && t.getTokenIndex() > 0) {
        near.add(((CommonTokenStream) parser.getTokenStream()).get(t.getTokenIndex() - 1));
      }
      for (Token w : near) {
        if (w.getType() == ConvNetLexer.WORD) {
          String c = convnet.dsl.DidYouMean.closest(w.getText(), KEYWORDS);
          if (c != null && !c.equals(w.getText())) {
            return "did you mean '" + c + "'?";
          }
        }
      }
      return null;
    }

    void throwIfAny() {
      if (!found.isEmpty()) {
        throw new DslException(new Diagnostics(found).sorted());
      }
    }

    private static String expected(Parser parser, RecognitionException e) {
      IntervalSet set;
      try {
        set =
            e != null && e.getExpectedTokens() != null
                ? e.getExpectedTokens()
                : parser.getExpectedTokens();
      } catch (RuntimeException ignored) {
        return null;
      }
      if (set == null || set.isNil()) {
        return null;
      }
      List<String> names = new ArrayList<>();
      for (int type : set.toList()) {
        String n = tokenName(parser, type);
        if (!names.contains(n)) {
          names.add(n);
        }
      }
      if (names.size() > 8) {
        return String.join(", ", names.subList(0, 8)) + ", ...";
      }
      return names.size() == 1 ? names.get(0) : "one of " + String.join(", ", names);
    }

    private static String tokenName(Parser parser, int type) {
      return switch (type) {
        case Token.EOF -> "end of file";
        case ConvNetLexer.WORD -> "a name or paper token (e.g. 32F5x5CSG)";
        case ConvNetLexer.NUMBER -> "a number";
        case ConvNetLexer.STRING -> "a string";
        default -> {
          String literal = parser.getVocabulary().getLiteralName(type);
          yield literal != null ? literal : parser.getVocabulary().getDisplayName(type);
        }
      };
    }

    private static String ruleName(int rule) {
      return switch (rule) {
        case ConvNetParser.RULE_program -> "<file> (expected 'network', 'fn', 'define' or 'sweep')";
        case ConvNetParser.RULE_sweepItem -> "<sweep body>";
        case ConvNetParser.RULE_varyNames -> "<variable names>";
        case ConvNetParser.RULE_alternative, ConvNetParser.RULE_choice -> "<variable value>";
        case ConvNetParser.RULE_decl -> "<declaration>";
        case ConvNetParser.RULE_paramList -> "<parameter list>";
        case ConvNetParser.RULE_item -> "<network body>";
        case ConvNetParser.RULE_stage -> "<stage>";
        case ConvNetParser.RULE_layer, ConvNetParser.RULE_layerEntry -> "<layer>";
        case ConvNetParser.RULE_setting -> "<train setting>";
        case ConvNetParser.RULE_argList, ConvNetParser.RULE_arg -> "<argument>";
        case ConvNetParser.RULE_value, ConvNetParser.RULE_valueEntry -> "<value>";
        case ConvNetParser.RULE_signedNumber -> "<number>";
        case ConvNetParser.RULE_expr, ConvNetParser.RULE_exprEntry -> "<expression>";
        default -> "<file>";
      };
    }
  }
}
