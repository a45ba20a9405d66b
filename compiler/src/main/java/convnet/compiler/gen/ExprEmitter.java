package convnet.compiler.gen;

import convnet.autodiff.ScalarOp;
import convnet.autodiff.ops.ElementwiseCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.objectweb.asm.Type;

/**
 * Emits an expression DAG for one innermost run: values that do not change along the run are
 * computed once in scalar before it (and broadcast once for the vector loop); the rest per element
 * (scalar) or per vector of lanes.
 */
final class ExprEmitter {
  static final Type FLOAT_ARRAY = Type.getType(float[].class);
  static final Type BUFFERS = Type.getType(float[][].class);
  static final String VECTOR = "jdk/incubator/vector/FloatVector";
  static final Type VECTOR_TYPE = Type.getObjectType(VECTOR);
  static final String SPECIES_DESC = "Ljdk/incubator/vector/VectorSpecies;";
  private static final String OPERATORS = "jdk/incubator/vector/VectorOperators";
  private static final String UNARY = "Ljdk/incubator/vector/VectorOperators$Unary;";
  private static final String BINARY = "Ljdk/incubator/vector/VectorOperators$Binary;";
  private static final String ASSOCIATIVE = "Ljdk/incubator/vector/VectorOperators$Associative;";
  private static final String COMPARISON = "Ljdk/incubator/vector/VectorOperators$Comparison;";
  private static final String FAST_MATH = Type.getInternalName(FastMath.class);
  // By name: loading VectorMath links the Vector API, which scalar-only JVMs do not have.
  private static final String VECTOR_MATH = "convnet/compiler/gen/VectorMath";

  /**
   * How loads find their element: the array of each slot and the base offset and inner stride of
   * each pattern.
   */
  interface Addressing {
    Local array(int slot);

    Local base(Expr.Load load);

    boolean contiguous(Expr.Load load);
  }

  private final List<Expr> order;
  private final List<Expr> roots;
  private final Set<Expr> invariant = new HashSet<>();
  private final Addressing addressing;
  private final Map<Expr, Local> scalarInvariants = new HashMap<>();
  private final Map<Expr, Local> vectorInvariants = new HashMap<>();

  ExprEmitter(List<Expr> roots, Addressing addressing) {
    this.roots = List.copyOf(roots);
    this.order = topologicalOrder(roots);
    this.addressing = addressing;
    for (Expr expr : order) {
      boolean isInvariant = false;
      if (expr instanceof Expr.Const) {
        isInvariant = true;
      } else if (expr instanceof Expr.Load load) {
        isInvariant = !addressing.contiguous(load);
      } else if (expr instanceof Expr.Apply apply) {
        isInvariant = invariant.containsAll(apply.args());
      }
      if (isInvariant) {
        invariant.add(expr);
      }
    }
  }

  /**
   * Distinct nodes, every node after its arguments (an explicit stack, so deep DAGs do not
   * overflow).
   */
  static List<Expr> topologicalOrder(List<Expr> roots) {
    Set<Expr> seen = new HashSet<>();
    List<Expr> order = new ArrayList<>();
    java.util.ArrayDeque<Object[]> stack = new java.util.ArrayDeque<>();
    for (Expr root : roots) {
      if (seen.contains(root)) {
        continue;
      }
      stack.push(new Object[] {root, 0});
      while (!stack.isEmpty()) {
        Object[] top = stack.peek();
        Expr expr = (Expr) top[0];
        int next = (Integer) top[1];
        List<Expr> args = expr instanceof Expr.Apply apply ? apply.args() : List.of();
        if (next < args.size()) {
          top[1] = next + 1;
          Expr arg = args.get(next);
          if (!seen.contains(arg)) {
            stack.push(new Object[] {arg, 0});
          }
        } else {
          stack.pop();
          // The same node may sit twice on the stack (reached along two paths before either
          // finished).
          if (seen.add(expr)) {
            order.add(expr);
          }
        }
      }
    }
    return order;
  }

  /**
   * Scalar values of the invariant nodes, once per run (before both the vector loop and the tail).
   */
  void emitInvariants(Block block) {
    scalarInvariants.clear();
    vectorInvariants.clear();
    for (Expr expr : order) {
      if (invariant.contains(expr)) {
        scalarInvariants.put(expr, emitScalarNode(block, expr, scalarInvariants, null));
      }
    }
  }

  /**
   * Broadcasts the invariant nodes that the vector loop reads; call after {@link #emitInvariants}.
   */
  void emitVectorInvariants(Block block) {
    Set<Expr> needed = new LinkedHashSet<>();
    for (Expr expr : order) {
      if (!invariant.contains(expr) && expr instanceof Expr.Apply apply) {
        for (Expr arg : apply.args()) {
          if (invariant.contains(arg)) {
            needed.add(arg);
          }
        }
      }
    }
    for (Expr root : roots) {
      if (invariant.contains(root)) {
        needed.add(root);
      }
    }
    for (Expr expr : needed) {
      Local vector = block.method().newLocal("vinv", VECTOR_TYPE);
      pushSpecies(block);
      block.load(scalarInvariants.get(expr));
      block.invokeStatic(VECTOR, "broadcast", "(" + SPECIES_DESC + "F)L" + VECTOR + ";");
      block.store(vector);
      vectorInvariants.put(expr, vector);
    }
  }

  /** Scalar values of every node at element {@code index} of the run. */
  Map<Expr, Local> emitScalar(Block block, Local index) {
    Map<Expr, Local> values = new HashMap<>(scalarInvariants);
    for (Expr expr : order) {
      if (!invariant.contains(expr)) {
        values.put(expr, emitScalarNode(block, expr, values, index));
      }
    }
    return values;
  }

  /** Vector values of every node needed by the roots, for the lanes starting at {@code index}. */
  Map<Expr, Local> emitVector(Block block, Local index) {
    Map<Expr, Local> values = new HashMap<>(vectorInvariants);
    for (Expr expr : order) {
      if (!invariant.contains(expr)) {
        values.put(expr, emitVectorNode(block, expr, values, index));
      }
    }
    return values;
  }

  static void pushSpecies(Block block) {
    block.getStatic(VECTOR, "SPECIES_PREFERRED", Type.getType(SPECIES_DESC));
  }

  static void pushBroadcast(Block block, float value) {
    pushSpecies(block);
    block.pushFloat(value);
    block.invokeStatic(VECTOR, "broadcast", "(" + SPECIES_DESC + "F)L" + VECTOR + ";");
  }

  // ---- scalar ----

  private Local emitScalarNode(Block block, Expr expr, Map<Expr, Local> values, Local index) {
    Local result = block.method().newLocal("s", Type.FLOAT_TYPE);
    if (expr instanceof Expr.Const constant) {
      block.pushFloat(constant.value());
    } else if (expr instanceof Expr.Load load) {
      block.comment("load slot " + load.slot() + " " + load.shape());
      block.load(addressing.array(load.slot())).load(addressing.base(load));
      if (addressing.contiguous(load)) {
        block.load(index).intAdd();
      }
      block.arrayLoad(Type.FLOAT_TYPE);
    } else {
      Expr.Apply apply = (Expr.Apply) expr;
      List<Consumer<Block>> args = new ArrayList<>();
      for (Expr arg : apply.args()) {
        Local local = values.get(arg);
        args.add(b -> b.load(local));
      }
      emitScalarOp(block, apply.op(), args);
    }
    block.store(result);
    return result;
  }

  /** Pushes {@code op} applied to the floats that the argument pushers push. */
  static void emitScalarOp(Block block, ScalarOp op, List<Consumer<Block>> args) {
    op.lower(SCALAR, args).accept(block);
  }

  /**
   * The elementwise vocabulary in scalar float code: each word pushes its arguments, then computes.
   * The transcendental functions call {@link FastMath}, whose exp, log, tanh and sigmoid give the
   * bits of the vector path's {@link VectorMath} forms.
   */
  private static final ElementwiseCode<Consumer<Block>> SCALAR =
      new ElementwiseCode<>() {
        private static final String UNARY_DESC = "(F)F";
        private static final String BINARY_DESC = "(FF)F";

        private Consumer<Block> call(
            String owner, String name, String desc, List<Consumer<Block>> args) {
          return b -> {
            args.forEach(a -> a.accept(b));
            b.invokeStatic(owner, name, desc);
          };
        }

        private Consumer<Block> fastMath(String name, Consumer<Block> x) {
          return call(FAST_MATH, name, UNARY_DESC, List.of(x));
        }

        private Consumer<Block> fastMath(String name, Consumer<Block> x, Consumer<Block> y) {
          return call(FAST_MATH, name, BINARY_DESC, List.of(x, y));
        }

        private Consumer<Block> arithmetic(
            Consumer<Block> x, Consumer<Block> y, Consumer<Block> instruction) {
          return b -> {
            x.accept(b);
            y.accept(b);
            instruction.accept(b);
          };
        }

        @Override
        public Consumer<Block> constant(double value) {
          return b -> b.pushFloat((float) value);
        }

        @Override
        public Consumer<Block> neg(Consumer<Block> x) {
          return b -> {
            x.accept(b);
            b.floatNeg();
          };
        }

        @Override
        public Consumer<Block> abs(Consumer<Block> x) {
          return call("java/lang/Math", "abs", UNARY_DESC, List.of(x));
        }

        @Override
        public Consumer<Block> exp(Consumer<Block> x) {
          return fastMath("exp", x);
        }

        @Override
        public Consumer<Block> log(Consumer<Block> x) {
          return fastMath("log", x);
        }

        @Override
        public Consumer<Block> tanh(Consumer<Block> x) {
          return fastMath("tanh", x);
        }

        @Override
        public Consumer<Block> sigmoid(Consumer<Block> x) {
          return fastMath("sigmoid", x);
        }

        @Override
        public Consumer<Block> sqrt(Consumer<Block> x) {
          return fastMath("sqrt", x);
        }

        @Override
        public Consumer<Block> square(Consumer<Block> x) {
          return b -> {
            x.accept(b);
            b.dup().floatMul();
          };
        }

        @Override
        public Consumer<Block> reciprocal(Consumer<Block> x) {
          return fastMath("reciprocal", x);
        }

        @Override
        public Consumer<Block> relu(Consumer<Block> x) {
          return fastMath("relu", x);
        }

        @Override
        public Consumer<Block> add(Consumer<Block> x, Consumer<Block> y) {
          return arithmetic(x, y, Block::floatAdd);
        }

        @Override
        public Consumer<Block> sub(Consumer<Block> x, Consumer<Block> y) {
          return arithmetic(x, y, Block::floatSub);
        }

        @Override
        public Consumer<Block> mul(Consumer<Block> x, Consumer<Block> y) {
          return arithmetic(x, y, Block::floatMul);
        }

        @Override
        public Consumer<Block> div(Consumer<Block> x, Consumer<Block> y) {
          return arithmetic(x, y, Block::floatDiv);
        }

        @Override
        public Consumer<Block> pow(Consumer<Block> x, Consumer<Block> y) {
          return fastMath("pow", x, y);
        }

        @Override
        public Consumer<Block> max(Consumer<Block> x, Consumer<Block> y) {
          return call("java/lang/Math", "max", BINARY_DESC, List.of(x, y));
        }

        @Override
        public Consumer<Block> min(Consumer<Block> x, Consumer<Block> y) {
          return call("java/lang/Math", "min", BINARY_DESC, List.of(x, y));
        }

        @Override
        public Consumer<Block> gt(Consumer<Block> x, Consumer<Block> y) {
          return fastMath("gt", x, y);
        }

        @Override
        public Consumer<Block> ge(Consumer<Block> x, Consumer<Block> y) {
          return fastMath("ge", x, y);
        }

        @Override
        public Consumer<Block> lt(Consumer<Block> x, Consumer<Block> y) {
          return fastMath("lt", x, y);
        }

        @Override
        public Consumer<Block> le(Consumer<Block> x, Consumer<Block> y) {
          return fastMath("le", x, y);
        }

        @Override
        public Consumer<Block> eq(Consumer<Block> x, Consumer<Block> y) {
          return fastMath("eq", x, y);
        }

        @Override
        public Consumer<Block> select(Consumer<Block> c, Consumer<Block> x, Consumer<Block> y) {
          return call(FAST_MATH, "select", "(FFF)F", List.of(c, x, y));
        }
      };

  // ---- vector ----

  private Local emitVectorNode(Block block, Expr expr, Map<Expr, Local> values, Local index) {
    Local result = block.method().newLocal("v", VECTOR_TYPE);
    if (expr instanceof Expr.Load load) {
      // Only contiguous loads vary along the run; broadcast ones are invariants.
      block.comment("vector load slot " + load.slot() + " " + load.shape());
      pushSpecies(block);
      block.load(addressing.array(load.slot())).load(addressing.base(load)).load(index).intAdd();
      block.invokeStatic(VECTOR, "fromArray", "(" + SPECIES_DESC + "[FI)L" + VECTOR + ";");
    } else {
      Expr.Apply apply = (Expr.Apply) expr;
      List<Consumer<Block>> args = new ArrayList<>();
      for (Expr arg : apply.args()) {
        Local local = values.get(arg);
        args.add(b -> b.load(local));
      }
      emitVectorOp(block, apply.op(), args);
    }
    block.store(result);
    return result;
  }

  /** Pushes {@code op} applied to the vectors that the argument pushers push. */
  static void emitVectorOp(Block block, ScalarOp op, List<Consumer<Block>> args) {
    op.lower(VECTOR_WORDS, args).accept(block);
  }

  /**
   * The elementwise vocabulary in Vector API code over {@code FloatVector}s of the preferred
   * species.
   */
  private static final ElementwiseCode<Consumer<Block>> VECTOR_WORDS =
      new ElementwiseCode<>() {
        // VectorMath's forms rather than the Vector API's EXP, LOG and TANH, which round
        // differently once compiled; FastMath has the same forms for the scalar path.
        private Consumer<Block> vectorMath(String name, Consumer<Block> x) {
          return b -> {
            x.accept(b);
            b.invokeStatic(VECTOR_MATH, name, "(L" + VECTOR + ";)L" + VECTOR + ";");
          };
        }

        private Consumer<Block> unaryOp(String operator, Consumer<Block> x) {
          return b -> unary(b, operator, x);
        }

        private Consumer<Block> binaryOp(
            String operator, String operatorType, Consumer<Block> x, Consumer<Block> y) {
          return b -> binary(b, operator, operatorType, x, y);
        }

        private Consumer<Block> compareOp(String operator, Consumer<Block> x, Consumer<Block> y) {
          return b -> compare(b, operator, x, y);
        }

        @Override
        public Consumer<Block> constant(double value) {
          return b -> pushBroadcast(b, (float) value);
        }

        @Override
        public Consumer<Block> neg(Consumer<Block> x) {
          return unaryOp("NEG", x);
        }

        @Override
        public Consumer<Block> abs(Consumer<Block> x) {
          return unaryOp("ABS", x);
        }

        @Override
        public Consumer<Block> exp(Consumer<Block> x) {
          return vectorMath("exp", x);
        }

        @Override
        public Consumer<Block> log(Consumer<Block> x) {
          return vectorMath("log", x);
        }

        @Override
        public Consumer<Block> tanh(Consumer<Block> x) {
          return vectorMath("tanh", x);
        }

        @Override
        public Consumer<Block> sigmoid(Consumer<Block> x) {
          return vectorMath("sigmoid", x);
        }

        @Override
        public Consumer<Block> sqrt(Consumer<Block> x) {
          return unaryOp("SQRT", x);
        }

        @Override
        public Consumer<Block> square(Consumer<Block> x) {
          return binaryOp("MUL", ASSOCIATIVE, x, x);
        }

        @Override
        public Consumer<Block> reciprocal(Consumer<Block> x) {
          return binaryOp("DIV", BINARY, one(), x);
        }

        @Override
        public Consumer<Block> relu(Consumer<Block> x) {
          return binaryOp("MAX", ASSOCIATIVE, x, b -> pushBroadcast(b, 0f));
        }

        @Override
        public Consumer<Block> add(Consumer<Block> x, Consumer<Block> y) {
          return binaryOp("ADD", ASSOCIATIVE, x, y);
        }

        @Override
        public Consumer<Block> sub(Consumer<Block> x, Consumer<Block> y) {
          return binaryOp("SUB", BINARY, x, y);
        }

        @Override
        public Consumer<Block> mul(Consumer<Block> x, Consumer<Block> y) {
          return binaryOp("MUL", ASSOCIATIVE, x, y);
        }

        @Override
        public Consumer<Block> div(Consumer<Block> x, Consumer<Block> y) {
          return binaryOp("DIV", BINARY, x, y);
        }

        @Override
        public Consumer<Block> pow(Consumer<Block> x, Consumer<Block> y) {
          return binaryOp("POW", BINARY, x, y);
        }

        @Override
        public Consumer<Block> max(Consumer<Block> x, Consumer<Block> y) {
          return binaryOp("MAX", ASSOCIATIVE, x, y);
        }

        @Override
        public Consumer<Block> min(Consumer<Block> x, Consumer<Block> y) {
          return binaryOp("MIN", ASSOCIATIVE, x, y);
        }

        @Override
        public Consumer<Block> gt(Consumer<Block> x, Consumer<Block> y) {
          return compareOp("GT", x, y);
        }

        @Override
        public Consumer<Block> ge(Consumer<Block> x, Consumer<Block> y) {
          return compareOp("GE", x, y);
        }

        @Override
        public Consumer<Block> lt(Consumer<Block> x, Consumer<Block> y) {
          return compareOp("LT", x, y);
        }

        @Override
        public Consumer<Block> le(Consumer<Block> x, Consumer<Block> y) {
          return compareOp("LE", x, y);
        }

        @Override
        public Consumer<Block> eq(Consumer<Block> x, Consumer<Block> y) {
          return compareOp("EQ", x, y);
        }

        // b.blend(a, c != 0): lanes where the condition is non-zero (or NaN) come from a.
        @Override
        public Consumer<Block> select(Consumer<Block> c, Consumer<Block> x, Consumer<Block> y) {
          return b -> {
            y.accept(b);
            x.accept(b);
            mask(b, "NE", c, z -> pushBroadcast(z, 0f));
            blend(b);
          };
        }
      };

  private static Consumer<Block> one() {
    return b -> pushBroadcast(b, 1f);
  }

  private static void unary(Block block, String operator, Consumer<Block> x) {
    x.accept(block);
    block.getStatic(OPERATORS, operator, Type.getType(UNARY));
    block.invokeVirtual(VECTOR, "lanewise", "(" + UNARY + ")L" + VECTOR + ";");
  }

  private static void binary(
      Block block, String operator, String operatorType, Consumer<Block> a, Consumer<Block> b) {
    a.accept(block);
    block.getStatic(OPERATORS, operator, Type.getType(operatorType));
    b.accept(block);
    block.invokeVirtual(
        VECTOR, "lanewise", "(" + BINARY + "Ljdk/incubator/vector/Vector;)L" + VECTOR + ";");
  }

  /** Pushes 0 where the comparison is false, 1 where it is true. */
  private static void compare(Block block, String operator, Consumer<Block> a, Consumer<Block> b) {
    pushBroadcast(block, 0f);
    pushBroadcast(block, 1f);
    mask(block, operator, a, b);
    blend(block);
  }

  private static void mask(Block block, String operator, Consumer<Block> a, Consumer<Block> b) {
    a.accept(block);
    block.getStatic(OPERATORS, operator, Type.getType(COMPARISON));
    b.accept(block);
    block.invokeVirtual(
        VECTOR,
        "compare",
        "(" + COMPARISON + "Ljdk/incubator/vector/Vector;)Ljdk/incubator/vector/VectorMask;");
  }

  /** receiver, other, mask → receiver with the masked lanes taken from other. */
  private static void blend(Block block) {
    block.invokeVirtual(
        VECTOR,
        "blend",
        "(Ljdk/incubator/vector/Vector;Ljdk/incubator/vector/VectorMask;)L" + VECTOR + ";");
  }

  /** receiver, other → receiver combined lanewise with other (ADD or MAX). */
  static void emitCombine(
      Block block,
      ReduceKernel.Combine combine,
      Consumer<Block> accumulator,
      Consumer<Block> value) {
    binary(
        block,
        combine == ReduceKernel.Combine.SUM ? "ADD" : "MAX",
        ASSOCIATIVE,
        accumulator,
        value);
  }

  /** vector → float, the lanes combined. */
  static void emitReduceLanes(Block block, ReduceKernel.Combine combine) {
    block.getStatic(
        OPERATORS, combine == ReduceKernel.Combine.SUM ? "ADD" : "MAX", Type.getType(ASSOCIATIVE));
    block.invokeVirtual(VECTOR, "reduceLanes", "(" + ASSOCIATIVE + ")F");
  }
}
