package convnet.compiler;

import convnet.autodiff.Attrs;
import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import convnet.autodiff.Shape;
import convnet.autodiff.rewrite.Pipeline;
import convnet.compiler.gen.Dims;
import convnet.compiler.gen.ElementwiseKernel;
import convnet.compiler.gen.ElementwiseKernelGen;
import convnet.compiler.gen.Expr;
import convnet.compiler.gen.GeneratedCode;
import convnet.compiler.gen.KernelTooLargeException;
import convnet.compiler.gen.ProgramGen;
import convnet.compiler.gen.ReduceKernel;
import convnet.compiler.gen.ReduceKernelGen;
import convnet.compiler.gen.ScalarOp;
import convnet.compiler.kernels.Conv2d;
import convnet.compiler.kernels.Pooling;
import convnet.compiler.kernels.Sgemm;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a {@link Function} into one generated program of fused kernels over float32 buffers.
 *
 * <p>The graph is simplified ({@link Pipeline#standard()}), log-softmax is expanded into reductions and
 * elementwise math, the nodes are partitioned into steps ({@link Planner}), the buffers planned
 * ({@link MemoryPlan}), each fused step generated as a hidden class, and the steps strung together in one
 * program class that calls them in order with constant arguments.
 */
public final class Compiler {
    private static final MethodType CONV = MethodType.methodType(void.class, float[].class, int.class, float[].class,
            int.class, float[].class, int.class, int.class, int.class, int.class, int.class, int.class, int.class,
            int.class, int.class, int.class, int.class, int.class, int.class);
    private static final MethodType POOL1 = MethodType.methodType(void.class, float[].class, float[].class, int.class,
            int.class, int.class, int.class, int.class, int.class, int.class, int.class, int.class, int.class,
            boolean.class);
    private static final MethodType POOL2 = POOL1.insertParameterTypes(0, float[].class);
    private static final MethodType SGEMM = MethodType.methodType(void.class, boolean.class, boolean.class, int.class,
            int.class, int.class, float.class, float[].class, int.class, int.class, float[].class, int.class, int.class,
            float.class, float[].class, int.class, int.class);

    private Compiler() {
    }

    /** Compiles {@code f} after the standard simplification pipeline. */
    public static CompiledFunction compile(Function f, CompileOptions options) {
        Graph expanded = simplify(f);
        // Planner.MAX_FUSED_NODES fits every kernel of ordinary nodes into one method; should a kernel of unusually
        // costly nodes not fit, the graph is partitioned again with half as many nodes per kernel.
        for (int maxFused = Planner.MAX_FUSED_NODES; ; maxFused /= 2) {
            Plan plan = plan(expanded, options, maxFused);
            try {
                return new Compiler.Build(f, plan.planner(), plan.memory(), options).finish();
            } catch (KernelTooLargeException e) {
                if (maxFused / 2 < 2) {
                    throw e;
                }
            }
        }
    }

    /** The graph passes of a compilation, everything before code generation. */
    record Plan(Planner planner, MemoryPlan memory) {
    }

    /** Simplifies, expands, partitions and plans the memory of {@code f}. */
    static Plan plan(Function f, CompileOptions options) {
        return plan(simplify(f), options, Planner.MAX_FUSED_NODES);
    }

    private static Graph simplify(Function f) {
        // Interrupting the compiling thread stops compilation at the next check (between passes and kernels).
        CompilationInterruptedException.checkInterrupt("before simplification");
        Graph simplified = Pipeline.standard().run(f.graph(), null).graph();
        CompilationInterruptedException.checkInterrupt("after simplification");
        return ExpandComposites.apply(simplified);
    }

    private static Plan plan(Graph expanded, CompileOptions options, int maxFusedNodes) {
        Planner planner = Planner.of(expanded, options.inPlaceUpdates(), maxFusedNodes);
        CompilationInterruptedException.checkInterrupt("after partitioning");
        return new Plan(planner, new MemoryPlan(planner, partialSizes(planner)));
    }

    /** Reductions over axis 0 split across threads keep one partial result per chunk in their output buffer. */
    private static Map<Node, Integer> partialSizes(Planner planner) {
        Map<Node, Integer> sizes = new IdentityHashMap<>();
        for (Step s : planner.steps) {
            if (s.kind == Step.Kind.REDUCE && s.chunks > 1 && Planner.reduceAxes(s.anchor).contains(0)) {
                sizes.put(s.anchor, s.anchor.shape().size() * s.chunks);
            }
        }
        return sizes;
    }

    /** The code generation of one function. */
    private static final class Build {
        private final Function function;
        private final Planner planner;
        private final MemoryPlan memory;
        private final CompileOptions options;
        private final String prefix;
        private final ElementwiseKernelGen elementwiseGen = new ElementwiseKernelGen();
        private final ReduceKernelGen reduceGen = new ReduceKernelGen();
        private final ElementwiseKernelGen scalarElementwiseGen = new ElementwiseKernelGen(false);
        private final ReduceKernelGen scalarReduceGen = new ReduceKernelGen(false);
        private final List<GeneratedCode> classes = new ArrayList<>();
        private final long[] times;

        Build(Function function, Planner planner, MemoryPlan memory, CompileOptions options) {
            this.function = function;
            this.planner = planner;
            this.memory = memory;
            this.options = options;
            this.prefix = identifier(function.name());
            this.times = options.profile() ? new long[planner.steps.size() + 1] : null;
        }

        CompiledFunction finish() {
            List<ProgramGen.Call> calls = new ArrayList<>();
            MethodHandle mark = times == null ? null : MethodHandles.insertArguments(
                    Launch.handle("mark", MethodType.methodType(void.class, long[].class, int.class)), 0, (Object) times);
            if (mark != null) {
                calls.add(ProgramGen.Call.of("profile start", mark, new ProgramGen.IntValue(-1)));
            }
            for (Step step : planner.steps) {
                CompilationInterruptedException.checkInterrupt("at kernel " + step.index + " of " + planner.steps.size());
                calls.addAll(calls(step));
                if (mark != null) {
                    calls.add(ProgramGen.Call.of("profile step " + step.index, mark, new ProgramGen.IntValue(step.index)));
                }
            }
            GeneratedCode program = new ProgramGen().generate(prefix, calls);
            classes.add(program);
            float[][] buffers = new float[memory.slotSizes.size()][];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = new float[memory.slotSizes.get(i)];
            }
            for (MemoryPlan.Buffer b : memory.buffers.values()) {
                if (b.role == MemoryPlan.Role.CONSTANT) {
                    double[] values = b.node.constantValue().data();
                    for (int i = 0; i < values.length; i++) {
                        buffers[b.slot][i] = (float) values[i];
                    }
                }
            }
            return new CompiledFunction(function.name(), planner, memory, buffers, program.method("run"), classes, times);
        }

        private List<ProgramGen.Call> calls(Step step) {
            String name = prefix + "_" + step.index + "_" + step.label();
            return switch (step.kind) {
                case ELEMENTWISE -> List.of(elementwise(step, name));
                case REDUCE -> List.of(reduce(step, name));
                case LIBRARY -> library(step);
            };
        }

        private int slot(Node n) {
            return memory.slot(planner, n);
        }

        private ProgramGen.Call elementwise(Step step, String name) {
            Set<Node> members = identitySet(step.nodes);
            Map<Node, Expr> memo = new IdentityHashMap<>();
            List<ElementwiseKernel.Output> outputs = new ArrayList<>();
            for (Node out : step.outputs) {
                outputs.add(new ElementwiseKernel.Output(slot(out), expr(out, members, memo)));
            }
            Dims space = dims(step.outputs.get(0).shape());
            List<Expr> roots = outputs.stream().map(ElementwiseKernel.Output::value).toList();
            GeneratedCode code = (needsScalarCode(roots) ? scalarElementwiseGen : elementwiseGen)
                    .generate(new ElementwiseKernel(name, space, outputs));
            classes.add(code);
            MethodHandle launch = MethodHandles.insertArguments(Launch.handle("elementwise", MethodType.methodType(
                    void.class, MethodHandle.class, int.class, int.class, float[][].class)),
                    0, code.method("run"), space.size(0), step.chunks);
            return ProgramGen.Call.of(name, launch, new ProgramGen.Buffers());
        }

        private ProgramGen.Call reduce(Step step, String name) {
            Node r = step.anchor;
            Set<Node> members = identitySet(step.nodes);
            members.remove(r);
            Map<Node, Expr> memo = new IdentityHashMap<>();
            Node input = r.input(0);
            Dims space = dims(input.shape());
            List<Integer> axes = Planner.reduceAxes(r);
            ReduceKernel.Combine combine = r.kind() == OpKind.REDUCE_MAX ? ReduceKernel.Combine.MAX : ReduceKernel.Combine.SUM;
            ReduceKernel kernel = new ReduceKernel(name, space, axes,
                    List.of(new ReduceKernel.Reduction(slot(r), combine, expr(input, members, memo))));
            List<Expr> roots = kernel.reductions().stream().map(ReduceKernel.Reduction::value).toList();
            GeneratedCode code = (needsScalarCode(roots) ? scalarReduceGen : reduceGen).generate(kernel);
            classes.add(code);
            boolean partial = step.chunks > 1 && axes.contains(0);
            MethodHandle launch = MethodHandles.insertArguments(Launch.handle("reduce", MethodType.methodType(void.class,
                    MethodHandle.class, int.class, int.class, boolean.class, int[].class, boolean[].class, int.class,
                    float[][].class)), 0, code.method("run"), space.size(0), step.chunks, partial,
                    new int[] {slot(r)}, new boolean[] {combine == ReduceKernel.Combine.MAX}, kernel.keptShape().elementCount());
            return ProgramGen.Call.of(name, launch, new ProgramGen.Buffers());
        }

        /**
         * Whether a kernel must use scalar code to give the same bits on every run. The Vector API's
         * transcendental lanewise ops (EXP, LOG, POW; SIGMOID is built on EXP) give different roundings when
         * the JIT has compiled them (SVML stubs) and before (per-lane Math calls), so a kernel using them would
         * change its results as it warms up; the scalar paths call Math's intrinsics, which the interpreter and
         * the compilers share. Vector tanh is built from plain arithmetic (gen's VectorMath) and stays vectorised.
         */
        private static boolean needsScalarCode(List<Expr> roots) {
            java.util.ArrayDeque<Expr> stack = new java.util.ArrayDeque<>(roots);
            Set<Expr> seen = new java.util.HashSet<>();
            while (!stack.isEmpty()) {
                Expr e = stack.pop();
                if (!seen.add(e) || !(e instanceof Expr.Apply a)) {
                    continue;
                }
                switch (a.op()) {
                    case EXP, LOG, SIGMOID, POW -> {
                        return true;
                    }
                    default -> stack.addAll(a.args());
                }
            }
            return false;
        }

        private Expr expr(Node n, Set<Node> members, Map<Node, Expr> memo) {
            Expr known = memo.get(n);
            if (known != null) {
                return known;
            }
            Expr e;
            if (!members.contains(n)) {
                e = Planner.isScalarConstant(n) ? new Expr.Const((float) n.constantValue().get(0))
                        : new Expr.Load(slot(n), dims(n.shape()));
            } else {
                List<Expr> args = new ArrayList<>();
                for (Node in : n.inputs()) {
                    args.add(expr(in, members, memo));
                }
                e = switch (n.kind()) {
                    case BROADCAST -> args.get(0);
                    case WHERE -> new Expr.Apply(ScalarOp.SELECT, args);
                    case UNARY, BINARY -> scalar(n.scalarOp(), args);
                    default -> throw new IllegalStateException("not elementwise: " + n);
                };
            }
            memo.put(n, e);
            return e;
        }

        private static Expr scalar(convnet.autodiff.ScalarOp op, List<Expr> args) {
            if (op == convnet.autodiff.ScalarOp.SIGN) {
                // sign(x) = (x > 0) − (x < 0): 1, −1 or 0.
                Expr zero = new Expr.Const(0f);
                return new Expr.Apply(ScalarOp.SUB, List.of(new Expr.Apply(ScalarOp.GT, List.of(args.get(0), zero)),
                        new Expr.Apply(ScalarOp.LT, List.of(args.get(0), zero))));
            }
            ScalarOp mapped = switch (op) {
                case NEG -> ScalarOp.NEG;
                case ABS -> ScalarOp.ABS;
                case EXP -> ScalarOp.EXP;
                case LOG -> ScalarOp.LOG;
                case TANH -> ScalarOp.TANH;
                case SIGMOID -> ScalarOp.SIGMOID;
                case SQRT -> ScalarOp.SQRT;
                case SQUARE -> ScalarOp.SQUARE;
                case RECIPROCAL -> ScalarOp.RECIPROCAL;
                case RELU -> ScalarOp.RELU;
                case ADD -> ScalarOp.ADD;
                case SUB -> ScalarOp.SUB;
                case MUL -> ScalarOp.MUL;
                case DIV -> ScalarOp.DIV;
                case POW -> ScalarOp.POW;
                case MAX -> ScalarOp.MAX;
                case MIN -> ScalarOp.MIN;
                case GT -> ScalarOp.GT;
                case GE -> ScalarOp.GE;
                case LT -> ScalarOp.LT;
                case LE -> ScalarOp.LE;
                case EQ -> ScalarOp.EQ;
                case SIGN -> throw new IllegalStateException("sign is expanded above");
            };
            return new Expr.Apply(mapped, args);
        }

        private List<ProgramGen.Call> library(Step step) {
            Node n = step.anchor;
            String name = prefix + "_" + step.index + "_" + n.kind().symbol();
            return switch (n.kind()) {
                case CONV2D -> {
                    Attrs.Conv c = (Attrs.Conv) n.attrs();
                    yield List.of(conv(name, "forward", n.input(0), n.input(1), n, n.input(0).shape(), n.input(1).shape(), c));
                }
                case CONV2D_BACKWARD_INPUT -> {
                    Attrs.ConvGrad g = (Attrs.ConvGrad) n.attrs();
                    yield List.of(conv(name, "backwardInput", n.input(0), n.input(1), n, g.operandShape(),
                            n.input(1).shape(), g.conv()));
                }
                case CONV2D_BACKWARD_WEIGHT -> {
                    Attrs.ConvGrad g = (Attrs.ConvGrad) n.attrs();
                    yield List.of(conv(name, "backwardWeight", n.input(0), n.input(1), n, n.input(0).shape(),
                            g.operandShape(), g.conv()));
                }
                case MATMUL -> List.of(matmul(name, n));
                case AVG_POOL -> {
                    Attrs.Pool p = (Attrs.Pool) n.attrs();
                    yield List.of(hangsPastPadding(n.input(0).shape(), n.shape(), p)
                            ? fullWindow(name, "avgPoolFullWindow", n.input(0), n, n.input(0).shape(), n.shape(), p)
                            : pool(name, "avgForward", POOL1, List.of(n.input(0), n), n.input(0).shape(), p));
                }
                case AVG_POOL_BACKWARD -> {
                    Attrs.PoolGrad g = (Attrs.PoolGrad) n.attrs();
                    yield List.of(hangsPastPadding(g.inputShape(), n.input(0).shape(), g.pool())
                            ? fullWindow(name, "avgPoolFullWindowBackward", n.input(0), n, g.inputShape(),
                                    n.input(0).shape(), g.pool())
                            : pool(name, "avgBackward", POOL1, List.of(n.input(0), n), g.inputShape(), g.pool()));
                }
                case MAX_POOL -> List.of(pool(name, "maxForward", POOL1, List.of(n.input(0), n), n.input(0).shape(),
                        (Attrs.Pool) n.attrs()));
                case MAX_POOL_BACKWARD -> List.of(pool(name, "maxBackward", POOL2, List.of(n.input(0), n.input(1), n),
                        n.shape(), (Attrs.Pool) n.attrs()));
                case MAX_POOL_SELECT -> List.of(maxPoolSelect(name, n));
                case TRANSPOSE, PAD, SLICE, CONCAT -> layout(name, n);
                default -> throw new IllegalStateException("no kernel for " + n);
            };
        }

        private ProgramGen.Call conv(String name, String method, Node a, Node b, Node out, Shape x, Shape w, Attrs.Conv c) {
            MethodHandle target = find(Conv2d.class, method, CONV);
            return ProgramGen.Call.of(name, target, buffer(a), zero(), buffer(b), zero(), buffer(out), zero(),
                    i(x.dim(0)), i(x.dim(1)), i(x.dim(2)), i(x.dim(3)), i(w.dim(0)), i(w.dim(2)), i(w.dim(3)),
                    i(c.strideH()), i(c.strideW()), i(c.padH()), i(c.padW()), i(c.groups()));
        }

        private ProgramGen.Call matmul(String name, Node n) {
            Node a = n.input(0);
            Node b = n.input(1);
            boolean transA = planner.isFoldedTranspose(a);
            boolean transB = planner.isFoldedTranspose(b);
            Node aStore = transA ? a.input(0) : a;
            Node bStore = transB ? b.input(0) : b;
            int m = n.shape().dim(0);
            int cols = n.shape().dim(1);
            int k = a.shape().dim(1);
            MethodHandle target = MethodHandles.insertArguments(find(Sgemm.class, "sgemm", SGEMM), 0, transA, transB);
            return ProgramGen.Call.of(name + (transA ? "_tA" : "") + (transB ? "_tB" : ""), target, i(m), i(cols), i(k),
                    new ProgramGen.FloatValue(1f), buffer(aStore), zero(), i(transA ? m : k), buffer(bStore), zero(),
                    i(transB ? k : cols), new ProgramGen.FloatValue(0f), buffer(n), zero(), i(cols));
        }

        private ProgramGen.Call pool(String name, String method, MethodType type, List<Node> arrays, Shape x, Attrs.Pool p) {
            MethodHandle target = MethodHandles.insertArguments(find(Pooling.class, method, type),
                    type.parameterCount() - 1, p.ceil());
            List<ProgramGen.Arg> args = new ArrayList<>();
            arrays.forEach(node -> args.add(buffer(node)));
            for (int v : new int[] {x.dim(0), x.dim(1), x.dim(2), x.dim(3), p.windowH(), p.windowW(), p.strideH(),
                    p.strideW(), p.padH(), p.padW()}) {
                args.add(i(v));
            }
            return new ProgramGen.Call(name, target, args);
        }

        /**
         * Whether a ceil-mode window reaches past the input and its padding: the library kernel then divides it by
         * the cells that exist, while the op's definition divides every window by its full size.
         */
        private static boolean hangsPastPadding(Shape x, Shape y, Attrs.Pool p) {
            return (y.dim(2) - 1) * p.strideH() - p.padH() + p.windowH() > x.dim(2) + p.padH()
                    || (y.dim(3) - 1) * p.strideW() - p.padW() + p.windowW() > x.dim(3) + p.padW();
        }

        private ProgramGen.Call fullWindow(String name, String method, Node in, Node out, Shape x, Shape y, Attrs.Pool p) {
            int[] geometry = {x.dim(0) * x.dim(1), x.dim(2), x.dim(3), y.dim(2), y.dim(3), p.windowH(), p.windowW(),
                    p.strideH(), p.strideW(), p.padH(), p.padW()};
            MethodHandle target = MethodHandles.insertArguments(Launch.handle(method, MethodType.methodType(void.class,
                    int[].class, float[].class, float[].class)), 0, (Object) geometry);
            return ProgramGen.Call.of(name + "_fullWindow", target, buffer(in), buffer(out));
        }

        private ProgramGen.Call maxPoolSelect(String name, Node n) {
            Attrs.Pool p = (Attrs.Pool) n.attrs();
            Shape x = n.input(0).shape();
            int[] geometry = {x.dim(0) * x.dim(1), x.dim(2), x.dim(3), n.shape().dim(2), n.shape().dim(3), p.windowH(),
                    p.windowW(), p.strideH(), p.strideW(), p.padH(), p.padW()};
            MethodHandle target = MethodHandles.insertArguments(Launch.handle("maxPoolSelect", MethodType.methodType(
                    void.class, int[].class, float[].class, float[].class, float[].class)), 0, (Object) geometry);
            return ProgramGen.Call.of(name, target, buffer(n.input(0)), buffer(n.input(1)), buffer(n));
        }

        private List<ProgramGen.Call> layout(String name, Node n) {
            int[] outStrides = n.shape().strides();
            List<ProgramGen.Call> calls = new ArrayList<>();
            switch (n.kind()) {
                case TRANSPOSE -> {
                    List<Integer> perm = ((Attrs.Permute) n.attrs()).perm();
                    int[] inStrides = n.input(0).shape().strides();
                    int[] src = new int[perm.size()];
                    for (int a = 0; a < src.length; a++) {
                        src[a] = inStrides[perm.get(a)];
                    }
                    calls.add(copy(name, n.shape().dims(), src, 0, outStrides, 0, false, n, n.input(0)));
                }
                case PAD -> {
                    List<Integer> before = ((Attrs.Pad) n.attrs()).before();
                    int offset = 0;
                    for (int a = 0; a < before.size(); a++) {
                        offset += before.get(a) * outStrides[a];
                    }
                    calls.add(copy(name, n.input(0).shape().dims(), n.input(0).shape().strides(), 0, outStrides, offset,
                            true, n, n.input(0)));
                }
                case SLICE -> {
                    List<Integer> start = ((Attrs.Slice) n.attrs()).start();
                    int[] inStrides = n.input(0).shape().strides();
                    int offset = 0;
                    for (int a = 0; a < start.size(); a++) {
                        offset += start.get(a) * inStrides[a];
                    }
                    calls.add(copy(name, n.shape().dims(), inStrides, offset, outStrides, 0, false, n, n.input(0)));
                }
                case CONCAT -> {
                    int axis = ((Attrs.Axis) n.attrs()).axis();
                    int at = 0;
                    for (int p = 0; p < n.inputs().size(); p++) {
                        Node part = n.input(p);
                        calls.add(copy(name + "_part" + p, part.shape().dims(), part.shape().strides(), 0, outStrides,
                                at * outStrides[axis], false, n, part));
                        at += part.shape().dim(axis);
                    }
                }
                default -> throw new IllegalStateException("not a layout op: " + n);
            }
            return calls;
        }

        private ProgramGen.Call copy(String name, int[] dims, int[] src, int srcOffset, int[] dst, int dstOffset,
                                     boolean zeroFirst, Node out, Node in) {
            MethodHandle target = MethodHandles.insertArguments(Launch.handle("copy", MethodType.methodType(void.class,
                    int[].class, int[].class, int.class, int[].class, int.class, boolean.class, int.class,
                    float[].class, float[].class)), 0, dims, src, srcOffset, dst, dstOffset, zeroFirst, out.shape().size());
            return ProgramGen.Call.of(name, target, buffer(in), buffer(out));
        }

        private ProgramGen.Buffer buffer(Node n) {
            return new ProgramGen.Buffer(slot(n));
        }

        private static ProgramGen.IntValue zero() {
            return new ProgramGen.IntValue(0);
        }

        private static ProgramGen.IntValue i(int v) {
            return new ProgramGen.IntValue(v);
        }
    }

    private static MethodHandle find(Class<?> owner, String name, MethodType type) {
        try {
            return MethodHandles.publicLookup().findStatic(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("missing kernel " + owner.getSimpleName() + "." + name + type, e);
        }
    }

    private static Set<Node> identitySet(List<Node> nodes) {
        Set<Node> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(nodes);
        return set;
    }

    /** The iteration extents of a shape: rank 0 is one element; gen's Dims allow at most five axes. */
    static Dims dims(Shape shape) {
        if (shape.rank() == 0) {
            return Dims.of(1);
        }
        if (shape.rank() > Dims.MAX_RANK) {
            throw new IllegalStateException("tensors of rank " + shape.rank() + " are not supported by generated kernels: "
                    + shape);
        }
        return Dims.of(shape.dims());
    }

    /** A Java identifier made from a function name, for class names. */
    static String identifier(String name) {
        StringBuilder sb = new StringBuilder();
        for (char ch : name.toCharArray()) {
            sb.append(Character.isLetterOrDigit(ch) && ch < 128 ? ch : '_');
        }
        if (sb.length() == 0 || !Character.isLetter(sb.charAt(0))) {
            sb.insert(0, 'f');
        }
        return sb.length() > 40 ? sb.substring(0, 40) : sb.toString();
    }
}
