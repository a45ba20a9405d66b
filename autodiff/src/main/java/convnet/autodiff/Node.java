package convnet.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable node of the computation graph: an op kind, its attribute record, its inputs and its
 * shape.
 *
 * <p>Equality is structural on kind, attributes and shape, and by identity on inputs (inputs are
 * themselves hash-consed by {@link GraphBuilder}, so identity is structural equality there). The
 * provenance (a layer name or source position) is carried along for error messages and dumps but
 * takes no part in equality.
 */
public record Node(OpKind kind, Attrs attrs, List<Node> inputs, Shape shape, String provenance) {

  public Node {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(attrs, "attrs");
    inputs = List.copyOf(inputs);
    provenance = provenance == null ? "" : provenance;
    if (!kind.attrsType().isInstance(attrs)) {
      throw new IllegalArgumentException(
          kind
              + " needs attributes "
              + kind.attrsType().getSimpleName()
              + ", got "
              + attrs.getClass().getSimpleName());
    }
    if (kind.arity() >= 0 ? inputs.size() != kind.arity() : inputs.isEmpty()) {
      throw new IllegalArgumentException(
          kind
              + " takes "
              + (kind.arity() >= 0 ? kind.arity() : "one or more")
              + " inputs, got "
              + inputs.size());
    }
    Shape inferred = infer(kind, attrs, inputs, provenance);
    if (shape == null) {
      shape = inferred;
    } else if (!shape.equals(inferred)) {
      throw new IllegalArgumentException(
          kind + ": declared shape " + shape + " but inputs give " + inferred);
    }
  }

  /**
   * A node whose shape is inferred from its inputs; throws {@link ShapeException} when they do not
   * fit.
   */
  public static Node of(OpKind kind, Attrs attrs, List<Node> inputs, String provenance) {
    return new Node(kind, attrs, inputs, null, provenance);
  }

  private static Shape infer(OpKind kind, Attrs attrs, List<Node> inputs, String provenance) {
    List<Shape> shapes = new ArrayList<>(inputs.size());
    for (Node n : inputs) {
      shapes.add(n.shape());
    }
    try {
      return kind.rule().shape(shapes, attrs);
    } catch (ShapeException e) {
      throw new ShapeException(
          kind.symbol() + ": " + e.detail(), provenance.isEmpty() ? e.provenance() : provenance);
    }
  }

  public Node input(int i) {
    return inputs.get(i);
  }

  /** The scalar op of a UNARY or BINARY node. */
  public ScalarOp scalarOp() {
    if (attrs instanceof Attrs.Elementwise e) {
      return e.op();
    }
    throw new IllegalStateException(kind + " has no scalar op");
  }

  /** Whether this is a UNARY or BINARY node with the given op. */
  public boolean is(ScalarOp op) {
    return attrs instanceof Attrs.Elementwise e && e.op() == op;
  }

  /** Whether this is a graph input (an INPUT leaf). */
  public boolean isInput() {
    return kind == OpKind.INPUT;
  }

  /** Whether this is a trainable parameter (a PARAM leaf). */
  public boolean isParam() {
    return kind == OpKind.PARAM;
  }

  /** Whether this is a CONSTANT node. */
  public boolean isConstant() {
    return kind == OpKind.CONSTANT;
  }

  /** The value of a CONSTANT node. */
  public Tensor constantValue() {
    if (attrs instanceof Attrs.Constant c) {
      return c.value();
    }
    throw new IllegalStateException(kind + " is not a constant");
  }

  /** The name of an INPUT or PARAM node. */
  public String name() {
    if (attrs instanceof Attrs.Leaf l) {
      return l.name();
    }
    throw new IllegalStateException(kind + " has no name");
  }

  /** Whether this is a constant (or a broadcast of one) with every element equal to {@code v}. */
  public boolean isUniformConstant(double v) {
    if (kind == OpKind.CONSTANT) {
      return constantValue().isUniform(v);
    }
    return kind == OpKind.BROADCAST && input(0).isUniformConstant(v);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Node n)
        || kind != n.kind
        || inputs.size() != n.inputs.size()
        || !shape.equals(n.shape)
        || !attrs.equals(n.attrs)) {
      return false;
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) != n.inputs.get(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = kind.hashCode() * 31 + attrs.hashCode();
    for (Node in : inputs) {
      h = h * 31 + System.identityHashCode(in);
    }
    return h * 31 + shape.hashCode();
  }

  /**
   * A short one-line description (kind, attributes, shape); see {@code GraphPrinter} for whole
   * graphs.
   */
  @Override
  public String toString() {
    String a = attrs.describe();
    return kind.symbol()
        + (a.isEmpty() ? "" : " " + a)
        + " "
        + shape
        + (provenance.isEmpty() ? "" : " @" + provenance);
  }
}
