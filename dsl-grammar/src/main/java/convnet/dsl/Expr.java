package convnet.dsl;

import java.util.List;

/** The body of an elementwise function {@code fn name(x) = expression}. */
public sealed interface Expr {
  SourcePos pos();

  /** A numeric literal as written. */
  record Num(String text, SourcePos pos) implements Expr {
    public double value() {
      return Double.parseDouble(text);
    }
  }

  /** A parameter of the function. */
  record Var(String name, SourcePos pos) implements Expr {}

  /** {@code -operand}. */
  record Negate(Expr operand, SourcePos pos) implements Expr {}

  /** {@code left op right} with op one of {@code + - * / ^} ({@code ^} is power). */
  record Binary(char op, Expr left, Expr right, SourcePos pos) implements Expr {}

  /**
   * {@code abs(x)}, {@code exp}, {@code log}, {@code tanh}, {@code sigmoid}, {@code sqrt}, {@code
   * max(a, b)}, {@code min(a, b)}.
   */
  record Call(String function, List<Expr> args, SourcePos pos) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }
}
