package convnet.dsl;

import java.util.List;

/**
 * A top-level declaration: a network, an elementwise function, a parameterised block or a sweep.
 */
public sealed interface Decl {
  String name();

  SourcePos pos();

  /** {@code network NAME { items }}. */
  record Network(String name, List<Item> items, SourcePos pos) implements Decl {
    public Network {
      items = List.copyOf(items);
    }
  }

  /** {@code fn NAME(params) = body}: an elementwise function usable as a layer. */
  record Fn(String name, List<String> params, Expr body, SourcePos pos) implements Decl {
    public Fn {
      params = List.copyOf(params);
    }
  }

  /** {@code define NAME(params) = chain}: a block of layers with parameters. */
  record Define(String name, List<String> params, Stage chain, SourcePos pos) implements Decl {
    public Define {
      params = List.copyOf(params);
    }
  }

  /**
   * {@code sweep NAME { items }}: variants of a network (its body's bare words may name variables),
   * the protocols and seeds to run, and the result table's rows and columns.
   */
  record Sweep(String name, List<SweepItem> items, SourcePos pos) implements Decl {
    public Sweep {
      items = List.copyOf(items);
    }
  }
}
