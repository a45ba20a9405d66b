package convnet.compiler.gen;

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

    /** How loads find their element: the array of each slot and the base offset and inner stride of each pattern. */
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

    /** Distinct nodes, every node after its arguments (an explicit stack, so deep DAGs do not overflow). */
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
                    // The same node may sit twice on the stack (reached along two paths before either finished).
                    if (seen.add(expr)) {
                        order.add(expr);
                    }
                }
            }
        }
        return order;
    }

    /** Scalar values of the invariant nodes, once per run (before both the vector loop and the tail). */
    void emitInvariants(Block block) {
        scalarInvariants.clear();
        vectorInvariants.clear();
        for (Expr expr : order) {
            if (invariant.contains(expr)) {
                scalarInvariants.put(expr, emitScalarNode(block, expr, scalarInvariants, null));
            }
        }
    }

    /** Broadcasts the invariant nodes that the vector loop reads; call after {@link #emitInvariants}. */
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
            for (Expr arg : apply.args()) {
                block.load(values.get(arg));
            }
            emitScalarOp(block, apply.op());
        }
        block.store(result);
        return result;
    }

    /** Arguments on the stack → the result. */
    static void emitScalarOp(Block block, ScalarOp op) {
        String unary = "(F)F";
        String binary = "(FF)F";
        switch (op) {
            case NEG -> block.floatNeg();
            case ABS -> block.invokeStatic("java/lang/Math", "abs", unary);
            case EXP -> block.invokeStatic(FAST_MATH, "exp", unary);
            case LOG -> block.invokeStatic(FAST_MATH, "log", unary);
            case TANH -> block.invokeStatic(FAST_MATH, "tanh", unary);
            case SIGMOID -> block.invokeStatic(FAST_MATH, "sigmoid", unary);
            case SQRT -> block.invokeStatic(FAST_MATH, "sqrt", unary);
            case SQUARE -> block.dup().floatMul();
            case RECIPROCAL -> block.invokeStatic(FAST_MATH, "reciprocal", unary);
            case RELU -> block.invokeStatic(FAST_MATH, "relu", unary);
            case ADD -> block.floatAdd();
            case SUB -> block.floatSub();
            case MUL -> block.floatMul();
            case DIV -> block.floatDiv();
            case POW -> block.invokeStatic(FAST_MATH, "pow", binary);
            case MAX -> block.invokeStatic("java/lang/Math", "max", binary);
            case MIN -> block.invokeStatic("java/lang/Math", "min", binary);
            case GT -> block.invokeStatic(FAST_MATH, "gt", binary);
            case GE -> block.invokeStatic(FAST_MATH, "ge", binary);
            case LT -> block.invokeStatic(FAST_MATH, "lt", binary);
            case LE -> block.invokeStatic(FAST_MATH, "le", binary);
            case EQ -> block.invokeStatic(FAST_MATH, "eq", binary);
            case SELECT -> block.invokeStatic(FAST_MATH, "select", "(FFF)F");
        }
    }

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
        switch (op) {
            case NEG -> unary(block, "NEG", args.get(0));
            case ABS -> unary(block, "ABS", args.get(0));
            case EXP -> unary(block, "EXP", args.get(0));
            case LOG -> unary(block, "LOG", args.get(0));
            case TANH -> {
                args.get(0).accept(block);
                block.invokeStatic(Type.getInternalName(VectorMath.class), "tanh", "(L" + VECTOR + ";)L" + VECTOR + ";");
            }
            case SQRT -> unary(block, "SQRT", args.get(0));
            case SIGMOID -> binary(block, "DIV", BINARY, one(),
                    b -> binary(b, "ADD", ASSOCIATIVE, one(), e -> unary(e, "EXP", n -> unary(n, "NEG", args.get(0)))));
            case SQUARE -> binary(block, "MUL", ASSOCIATIVE, args.get(0), args.get(0));
            case RECIPROCAL -> binary(block, "DIV", BINARY, one(), args.get(0));
            case RELU -> binary(block, "MAX", ASSOCIATIVE, args.get(0), b -> pushBroadcast(b, 0f));
            case ADD -> binary(block, "ADD", ASSOCIATIVE, args.get(0), args.get(1));
            case SUB -> binary(block, "SUB", BINARY, args.get(0), args.get(1));
            case MUL -> binary(block, "MUL", ASSOCIATIVE, args.get(0), args.get(1));
            case DIV -> binary(block, "DIV", BINARY, args.get(0), args.get(1));
            case POW -> binary(block, "POW", BINARY, args.get(0), args.get(1));
            case MAX -> binary(block, "MAX", ASSOCIATIVE, args.get(0), args.get(1));
            case MIN -> binary(block, "MIN", ASSOCIATIVE, args.get(0), args.get(1));
            case GT -> compare(block, "GT", args.get(0), args.get(1));
            case GE -> compare(block, "GE", args.get(0), args.get(1));
            case LT -> compare(block, "LT", args.get(0), args.get(1));
            case LE -> compare(block, "LE", args.get(0), args.get(1));
            case EQ -> compare(block, "EQ", args.get(0), args.get(1));
            case SELECT -> {
                // b.blend(a, c != 0): lanes where the condition is non-zero (or NaN) come from a.
                args.get(2).accept(block);
                args.get(1).accept(block);
                mask(block, "NE", args.get(0), b -> pushBroadcast(b, 0f));
                blend(block);
            }
        }
    }

    private static Consumer<Block> one() {
        return b -> pushBroadcast(b, 1f);
    }

    private static void unary(Block block, String operator, Consumer<Block> x) {
        x.accept(block);
        block.getStatic(OPERATORS, operator, Type.getType(UNARY));
        block.invokeVirtual(VECTOR, "lanewise", "(" + UNARY + ")L" + VECTOR + ";");
    }

    private static void binary(Block block, String operator, String operatorType, Consumer<Block> a, Consumer<Block> b) {
        a.accept(block);
        block.getStatic(OPERATORS, operator, Type.getType(operatorType));
        b.accept(block);
        block.invokeVirtual(VECTOR, "lanewise", "(" + BINARY + "Ljdk/incubator/vector/Vector;)L" + VECTOR + ";");
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
        block.invokeVirtual(VECTOR, "compare", "(" + COMPARISON + "Ljdk/incubator/vector/Vector;)Ljdk/incubator/vector/VectorMask;");
    }

    /** receiver, other, mask → receiver with the masked lanes taken from other. */
    private static void blend(Block block) {
        block.invokeVirtual(VECTOR, "blend", "(Ljdk/incubator/vector/Vector;Ljdk/incubator/vector/VectorMask;)L" + VECTOR + ";");
    }

    /** receiver, other → receiver combined lanewise with other (ADD or MAX). */
    static void emitCombine(Block block, ReduceKernel.Combine combine, Consumer<Block> accumulator, Consumer<Block> value) {
        binary(block, combine == ReduceKernel.Combine.SUM ? "ADD" : "MAX", ASSOCIATIVE, accumulator, value);
    }

    /** vector → float, the lanes combined. */
    static void emitReduceLanes(Block block, ReduceKernel.Combine combine) {
        block.getStatic(OPERATORS, combine == ReduceKernel.Combine.SUM ? "ADD" : "MAX", Type.getType(ASSOCIATIVE));
        block.invokeVirtual(VECTOR, "reduceLanes", "(" + ASSOCIATIVE + ")F");
    }
}
