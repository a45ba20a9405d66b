package convnet.compiler;

import convnet.autodiff.Attrs;
import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.Node;
import convnet.autodiff.ScalarOp;
import convnet.autodiff.Shape;
import convnet.autodiff.ops.LibraryKernel;
import convnet.autodiff.ops.Lowering;
import convnet.autodiff.ops.PrimitiveExpressions;
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
import convnet.compiler.gen.ScalarFallback;
import convnet.compiler.kernels.Conv2d;
import convnet.compiler.kernels.Pooling;
import convnet.compiler.kernels.Sgemm;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a {@link Function} into one generated program of fused kernels over float32 buffers.
 *
 * <p>The graph is simplified and its composite ops decomposed ({@link
 * Pipeline#forCodeGeneration()}), the nodes are partitioned into steps by their ops' fusion classes
 * ({@link Planner}), the buffers planned ({@link MemoryPlan}), each step's code written from its
 * ops' lowering rules (one implementation of {@link Lowering}; library kernels bound in {@link
 * #KERNELS}) and each fused step generated as a hidden class, and the steps strung together in one
 * program class that calls them in order with constant arguments.
 */
public final class Compiler {
  private static final MethodType CONV =
      MethodType.methodType(
          void.class,
          float[].class,
          int.class,
          float[].class,
          int.class,
          float[].class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class);
  private static final MethodType POOL1 =
      MethodType.methodType(
          void.class,
          float[].class,
          float[].class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          int.class,
          boolean.class);
  private static final MethodType POOL2 = POOL1.insertParameterTypes(0, float[].class);
  private static final MethodType SGEMM =
      MethodType.methodType(
          void.class,
          boolean.class,
          boolean.class,
          int.class,
          int.class,
          int.class,
          float.class,
          float[].class,
          int.class,
          int.class,
          float[].class,
          int.class,
          int.class,
          float.class,
          float[].class,
          int.class,
          int.class);

  /** How a library kernel computes one node: the call the program makes. */
  private interface KernelBinding {
    ProgramGen.Call call(Build build, String name, Node y);
  }

  /** The library kernel bound to each {@link LibraryKernel} id: one line per kernel. */
  private static final Map<LibraryKernel, KernelBinding> KERNELS =
      new EnumMap<>(LibraryKernel.class);

  static {
    KERNELS.put(
        LibraryKernel.CONV2D_FORWARD,
        (b, name, y) ->
            b.conv(
                name,
                "forward",
                y,
                y.input(0).shape(),
                y.input(1).shape(),
                (Attrs.Conv) y.attrs()));
    KERNELS.put(
        LibraryKernel.CONV2D_BACKWARD_INPUT,
        (b, name, y) ->
            b.conv(
                name,
                "backwardInput",
                y,
                ((Attrs.ConvGrad) y.attrs()).operandShape(),
                y.input(1).shape(),
                ((Attrs.ConvGrad) y.attrs()).conv()));
    KERNELS.put(
        LibraryKernel.CONV2D_BACKWARD_WEIGHT,
        (b, name, y) ->
            b.conv(
                name,
                "backwardWeight",
                y,
                y.input(0).shape(),
                ((Attrs.ConvGrad) y.attrs()).operandShape(),
                ((Attrs.ConvGrad) y.attrs()).conv()));
    KERNELS.put(LibraryKernel.MATMUL, Build::matmul);
    KERNELS.put(
        LibraryKernel.AVG_POOL_FORWARD,
        (b, name, y) ->
            b.pool(
                name,
                "avgForward",
                POOL1,
                List.of(y.input(0), y),
                y.input(0).shape(),
                (Attrs.Pool) y.attrs()));
    KERNELS.put(
        LibraryKernel.AVG_POOL_BACKWARD,
        (b, name, y) ->
            b.pool(
                name,
                "avgBackward",
                POOL1,
                List.of(y.input(0), y),
                ((Attrs.PoolGrad) y.attrs()).inputShape(),
                ((Attrs.PoolGrad) y.attrs()).pool()));
    KERNELS.put(
        LibraryKernel.MAX_POOL_FORWARD,
        (b, name, y) ->
            b.pool(
                name,
                "maxForward",
                POOL1,
                List.of(y.input(0), y),
                y.input(0).shape(),
                (Attrs.Pool) y.attrs()));
    KERNELS.put(
        LibraryKernel.MAX_POOL_BACKWARD,
        (b, name, y) ->
            b.pool(
                name,
                "maxBackward",
                POOL2,
                List.of(y.input(0), y.input(1), y),
                y.shape(),
                (Attrs.Pool) y.attrs()));
    KERNELS.put(LibraryKernel.MAX_POOL_SELECT, Build::maxPoolSelect);
  }

  private Compiler() {}

  /** Compiles {@code f} after the passes of {@link Pipeline#forCodeGeneration()}. */
  public static CompiledFunction compile(Function f, CompileOptions options) {
    Graph expanded = simplify(f);
    // Planner.MAX_FUSED_NODES fits every kernel of ordinary nodes into one method; should a kernel
    // of unusually
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
  record Plan(Planner planner, MemoryPlan memory) {}

  /** Simplifies, expands, partitions and plans the memory of {@code f}. */
  static Plan plan(Function f, CompileOptions options) {
    return plan(simplify(f), options, Planner.MAX_FUSED_NODES);
  }

  private static Graph simplify(Function f) {
    // Interrupting the compiling thread stops compilation at the next check (between passes and
    // kernels).
    CompilationInterruptedException.checkInterrupt("before simplification");
    Graph simplified = Pipeline.forCodeGeneration().run(f.graph(), null).graph();
    CompilationInterruptedException.checkInterrupt("after simplification");
    return simplified;
  }

  private static Plan plan(Graph expanded, CompileOptions options, int maxFusedNodes) {
    Planner planner =
        Planner.of(
            expanded,
            options.inPlaceUpdates(),
            maxFusedNodes,
            options.convEpilogues(),
            options.poolEpilogues(),
            options.convPooling());
    CompilationInterruptedException.checkInterrupt("after partitioning");
    return new Plan(planner, new MemoryPlan(planner, partialSizes(planner)));
  }

  /**
   * Reductions over axis 0 split across threads keep one partial result per chunk in their output
   * buffer.
   */
  private static Map<Node, Integer> partialSizes(Planner planner) {
    Map<Node, Integer> sizes = new IdentityHashMap<>();
    for (Step s : planner.steps) {
      if (s.kind == Step.Kind.REDUCE && s.chunks > 1 && Planner.reduceAxes(s.anchor).contains(0)) {
        sizes.put(s.anchor, s.anchor.shape().size() * s.chunks);
      }
    }
    for (Node y : planner.perImage) {
      sizes.put(y, y.shape().size() / y.shape().dim(0));
    }
    return sizes;
  }

  /** Expressions of a fused kernel's graph from the vocabulary's words. */
  private static final PrimitiveExpressions<Expr> EXPRESSIONS =
      new PrimitiveExpressions<>() {
        @Override
        protected Expr apply(ScalarOp op, List<Expr> args) {
          return new Expr.Apply(op, args);
        }

        @Override
        public Expr constant(double value) {
          return new Expr.Const((float) value);
        }
      };

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
      MethodHandle mark =
          times == null
              ? null
              : MethodHandles.insertArguments(
                  Launch.handle("mark", MethodType.methodType(void.class, long[].class, int.class)),
                  0,
                  (Object) times);
      if (mark != null) {
        calls.add(ProgramGen.Call.of("profile start", mark, new ProgramGen.IntValue(-1)));
      }
      for (Step step : planner.steps) {
        CompilationInterruptedException.checkInterrupt(
            "at kernel " + step.index + " of " + planner.steps.size());
        calls.addAll(calls(step));
        if (mark != null) {
          calls.add(
              ProgramGen.Call.of(
                  "profile step " + step.index, mark, new ProgramGen.IntValue(step.index)));
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
      return new CompiledFunction(
          function.name(), planner, memory, buffers, program.method("run"), classes, times);
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

    /**
     * The generated kernel of an elementwise step: {@code run(buffers, from, to)} over axis 0; the
     * values in {@code loads} are read as given there.
     */
    private MethodHandle elementwiseKernel(Step step, String name, Map<Node, Expr> loads) {
      Set<Node> members = identitySet(step.nodes);
      Map<Node, Expr> memo = new IdentityHashMap<>(loads);
      List<ElementwiseKernel.Output> outputs = new ArrayList<>();
      for (Node out : step.outputs) {
        outputs.add(new ElementwiseKernel.Output(slot(out), expr(out, members, memo)));
      }
      Dims space = dims(step.outputs.get(0).shape());
      List<Expr> roots = outputs.stream().map(ElementwiseKernel.Output::value).toList();
      GeneratedCode code =
          (ScalarFallback.needed(roots) ? scalarElementwiseGen : elementwiseGen)
              .generate(new ElementwiseKernel(name, space, outputs));
      classes.add(code);
      return code.method("run");
    }

    private ProgramGen.Call elementwise(Step step, String name) {
      Dims space = dims(step.outputs.get(0).shape());
      MethodHandle kernel = elementwiseKernel(step, name, Map.of());
      MethodHandle launch =
          MethodHandles.insertArguments(
              Launch.handle(
                  "elementwise",
                  MethodType.methodType(
                      void.class, MethodHandle.class, int.class, int.class, float[][].class)),
              0,
              kernel,
              space.size(0),
              step.chunks);
      return ProgramGen.Call.of(name, launch, new ProgramGen.Buffers());
    }

    private ProgramGen.Call reduce(Step step, String name) {
      Node r = step.anchor;
      Set<Node> members = identitySet(step.nodes);
      members.remove(r);
      Map<Node, Expr> memo = new IdentityHashMap<>();
      Node input = r.input(0);
      Dims space = dims(input.shape());
      CodeLowering lowering = new CodeLowering(r, name);
      r.kind().rule().lower(r, lowering, List.of(expr(input, members, memo)));
      if (lowering.reduction == null) {
        throw new IllegalStateException("the lowering of a reduction reduced nothing: " + r);
      }
      List<Integer> axes = lowering.reductionAxes;
      ReduceKernel kernel = new ReduceKernel(name, space, axes, List.of(lowering.reduction));
      List<Expr> roots = kernel.reductions().stream().map(ReduceKernel.Reduction::value).toList();
      GeneratedCode code =
          (ScalarFallback.needed(roots) ? scalarReduceGen : reduceGen).generate(kernel);
      classes.add(code);
      ReduceKernel.Combine combine = lowering.reduction.combine();
      boolean partial = step.chunks > 1 && axes.contains(0);
      MethodHandle launch =
          MethodHandles.insertArguments(
              Launch.handle(
                  "reduce",
                  MethodType.methodType(
                      void.class,
                      MethodHandle.class,
                      int.class,
                      int.class,
                      boolean.class,
                      int[].class,
                      boolean[].class,
                      int.class,
                      float[][].class)),
              0,
              code.method("run"),
              space.size(0),
              step.chunks,
              partial,
              new int[] {slot(r)},
              new boolean[] {combine == ReduceKernel.Combine.MAX},
              kernel.keptShape().elementCount());
      return ProgramGen.Call.of(name, launch, new ProgramGen.Buffers());
    }

    /**
     * The expression of n in a fused kernel: its op's lowering for members, a load (or a literal)
     * otherwise.
     */
    private Expr expr(Node n, Set<Node> members, Map<Node, Expr> memo) {
      Expr known = memo.get(n);
      if (known != null) {
        return known;
      }
      Expr e;
      if (!members.contains(n)) {
        e =
            Planner.isScalarConstant(n)
                ? new Expr.Const((float) n.constantValue().get(0))
                : new Expr.Load(slot(n), dims(n.shape()));
      } else {
        List<Expr> args = new ArrayList<>();
        for (Node in : n.inputs()) {
          args.add(expr(in, members, memo));
        }
        e = n.kind().rule().lower(n, new CodeLowering(n, null), args);
      }
      memo.put(n, e);
      return e;
    }

    private List<ProgramGen.Call> library(Step step) {
      Node n = step.anchor;
      String name = prefix + "_" + step.index + "_" + n.kind().symbol();
      if (step.epilogue != null) {
        return List.of(Planner.isPooling(n) ? poolThen(name, step) : convThen(name, step));
      }
      CodeLowering lowering = new CodeLowering(n, name);
      // Library kernels and copies read their inputs' buffers themselves: the input values are not
      // needed.
      n.kind().rule().lower(n, lowering, Collections.nCopies(n.inputs().size(), null));
      if (lowering.calls.isEmpty()) {
        throw new IllegalStateException("the lowering of a library op made no call: " + n);
      }
      return lowering.calls;
    }

    /**
     * The compiler's implementation of the ops' code-generation vocabulary, for one node:
     * elementwise operations become nodes of the fused kernel's expression graph, a reduction is
     * recorded for its kernel, library calls and copies become calls of the program. {@code name}
     * is null inside fused elementwise kernels.
     */
    private final class CodeLowering implements Lowering<Expr> {
      private final Node node;
      private final String name;
      private final List<ProgramGen.Call> calls = new ArrayList<>();
      private ReduceKernel.Reduction reduction;
      private List<Integer> reductionAxes;

      CodeLowering(Node node, String name) {
        this.node = node;
        this.name = name;
      }

      // Composite scalar ops (sign, softplus) become their primitive ops here, so the kernel's
      // expression graph
      // shares and hoists their parts (constants, common subexpressions) like any other.
      @Override
      public Expr apply(ScalarOp op, List<Expr> args) {
        return EXPRESSIONS.expand(op, args);
      }

      @Override
      public Expr reduceSum(Expr x, List<Integer> axes) {
        return reduction(ReduceKernel.Combine.SUM, x, axes);
      }

      @Override
      public Expr reduceMax(Expr x, List<Integer> axes) {
        return reduction(ReduceKernel.Combine.MAX, x, axes);
      }

      private Expr reduction(ReduceKernel.Combine combine, Expr x, List<Integer> axes) {
        requireStep("a reduction");
        reduction = new ReduceKernel.Reduction(slot(node), combine, x);
        reductionAxes = List.copyOf(axes);
        return written();
      }

      @Override
      public Expr call(LibraryKernel kernel) {
        requireStep("a library call");
        KernelBinding binding = KERNELS.get(kernel);
        if (binding == null) {
          throw new IllegalStateException(
              "no library kernel is bound to " + kernel + " (for " + node + ")");
        }
        calls.add(binding.call(Build.this, name, node));
        return written();
      }

      @Override
      public Expr copy(
          int input,
          int[] dims,
          int[] srcStrides,
          int srcOffset,
          int[] dstStrides,
          int dstOffset,
          boolean zeroFirst) {
        requireStep("a copy");
        String part = node.inputs().size() > 1 ? name + "_part" + input : name;
        calls.add(
            Build.this.copy(
                part,
                dims,
                srcStrides,
                srcOffset,
                dstStrides,
                dstOffset,
                zeroFirst,
                node,
                node.input(input)));
        return written();
      }

      private void requireStep(String what) {
        if (name == null) {
          throw new IllegalStateException(
              what + " cannot be fused into an elementwise kernel: " + node);
        }
      }

      /** The node's value once written: its buffer. */
      private Expr written() {
        return new Expr.Load(slot(node), dims(node.shape()));
      }
    }

    /**
     * A convolution kernel reading y's two inputs and writing y; x and w are the forward operands'
     * shapes.
     */
    private ProgramGen.Call conv(
        String name, String method, Node y, Shape x, Shape w, Attrs.Conv c) {
      MethodHandle target = find(Conv2d.class, method, CONV);
      return ProgramGen.Call.of(
          name,
          target,
          buffer(y.input(0)),
          zero(),
          buffer(y.input(1)),
          zero(),
          buffer(y),
          zero(),
          i(x.dim(0)),
          i(x.dim(1)),
          i(x.dim(2)),
          i(x.dim(3)),
          i(w.dim(0)),
          i(w.dim(2)),
          i(w.dim(3)),
          i(c.strideH()),
          i(c.strideW()),
          i(c.padH()),
          i(c.padW()),
          i(c.groups()));
    }

    /**
     * A forward convolution that runs its epilogue step's generated kernel on each image right
     * after computing it ({@link Launch#convThen}). A per-image output is read by the kernel as
     * broadcast over axis 0, so image i's value at offset 0 of the one-image buffer stands for
     * image i's slice.
     */
    private ProgramGen.Call convThen(String name, Step step) {
      Node y = step.anchor;
      boolean perImage = planner.perImage.contains(y);
      int[] image = y.shape().dims().clone();
      image[0] = 1;
      Map<Node, Expr> loads =
          perImage ? Map.of(y, new Expr.Load(slot(y), Dims.of(image))) : Map.of();
      MethodHandle kernel = elementwiseKernel(step.epilogue, name + "_epilogue", loads);
      ProgramGen.Call plain =
          conv(name, "forward", y, y.input(0).shape(), y.input(1).shape(), (Attrs.Conv) y.attrs());
      MethodHandle target =
          MethodHandles.insertArguments(
              Launch.handle(
                  "convThen",
                  CONV.insertParameterTypes(
                      0,
                      MethodHandle.class,
                      boolean.class,
                      int.class,
                      Launch.PoolImage.class,
                      float[][].class)),
              0,
              kernel,
              !perImage,
              slot(y),
              step.pooled == null ? null : poolImage(name, step.pooled));
      List<ProgramGen.Arg> args = new ArrayList<>();
      args.add(new ProgramGen.Buffers());
      args.addAll(plain.args());
      return new ProgramGen.Call(name + "_then_elementwise", target, args);
    }

    /**
     * A pooling kernel, forward or gradient, that runs its epilogue step's generated kernel on each
     * image right after writing it ({@link Launch#poolThen}); a per-image output is read as in
     * {@link #convThen}.
     */
    private ProgramGen.Call poolThen(String name, Step step) {
      Node y = step.anchor;
      boolean perImage = planner.perImage.contains(y);
      int[] image = y.shape().dims().clone();
      image[0] = 1;
      Map<Node, Expr> loads =
          perImage ? Map.of(y, new Expr.Load(slot(y), Dims.of(image))) : Map.of();
      MethodHandle kernel = elementwiseKernel(step.epilogue, name + "_epilogue", loads);
      Pooling.Kernel pooling;
      Node x;
      Node dy;
      Shape in;
      Attrs.Pool p;
      switch (Planner.kernelOf(y)) {
        case AVG_POOL_FORWARD, MAX_POOL_FORWARD -> {
          pooling =
              Planner.kernelOf(y) == LibraryKernel.MAX_POOL_FORWARD
                  ? Pooling.Kernel.MAX_FORWARD
                  : Pooling.Kernel.AVG_FORWARD;
          x = y.input(0);
          dy = y.input(0);
          in = x.shape();
          p = (Attrs.Pool) y.attrs();
        }
        case AVG_POOL_BACKWARD -> {
          pooling = Pooling.Kernel.AVG_BACKWARD;
          dy = y.input(0);
          x = dy;
          in = ((Attrs.PoolGrad) y.attrs()).inputShape();
          p = ((Attrs.PoolGrad) y.attrs()).pool();
        }
        case MAX_POOL_BACKWARD -> {
          pooling = Pooling.Kernel.MAX_BACKWARD;
          x = y.input(0);
          dy = y.input(1);
          in = y.shape();
          p = (Attrs.Pool) y.attrs();
        }
        default -> throw new IllegalStateException("not a pooling kernel: " + y);
      }
      MethodHandle target =
          MethodHandles.insertArguments(
              Launch.handle(
                  "poolThen",
                  MethodType.methodType(
                      void.class,
                      MethodHandle.class,
                      Pooling.Kernel.class,
                      boolean.class,
                      int.class,
                      boolean.class,
                      float[][].class,
                      float[].class,
                      float[].class,
                      float[].class,
                      int.class,
                      int.class,
                      int.class,
                      int.class,
                      int.class,
                      int.class,
                      int.class,
                      int.class,
                      int.class,
                      int.class)),
              0,
              kernel,
              pooling,
              !perImage,
              slot(y),
              p.ceil());
      List<ProgramGen.Arg> args = new ArrayList<>();
      args.add(new ProgramGen.Buffers());
      args.add(buffer(x));
      args.add(buffer(dy));
      args.add(buffer(y));
      for (int v :
          new int[] {
            in.dim(0),
            in.dim(1),
            in.dim(2),
            in.dim(3),
            p.windowH(),
            p.windowW(),
            p.strideH(),
            p.strideW(),
            p.padH(),
            p.padW()
          }) {
        args.add(i(v));
      }
      return new ProgramGen.Call(name + "_then_elementwise", target, args);
    }

    /**
     * The forward pooling step a convolution runs on each image after its epilogue ({@link
     * Launch.PoolImage}), with the pooling step's own epilogue kernel if it has one.
     */
    private Launch.PoolImage poolImage(String name, Step pool) {
      Node y = pool.anchor;
      boolean perImage = planner.perImage.contains(y);
      MethodHandle epilogue = null;
      if (pool.epilogue != null) {
        int[] image = y.shape().dims().clone();
        image[0] = 1;
        Map<Node, Expr> loads =
            perImage ? Map.of(y, new Expr.Load(slot(y), Dims.of(image))) : Map.of();
        epilogue =
            elementwiseKernel(pool.epilogue, name + "_" + y.kind().symbol() + "_epilogue", loads);
      }
      Attrs.Pool p = (Attrs.Pool) y.attrs();
      Shape in = y.input(0).shape();
      return new Launch.PoolImage(
          Planner.kernelOf(y) == LibraryKernel.MAX_POOL_FORWARD
              ? Pooling.Kernel.MAX_FORWARD
              : Pooling.Kernel.AVG_FORWARD,
          slot(y.input(0)),
          slot(y),
          !perImage,
          new int[] {
            in.dim(0),
            in.dim(1),
            in.dim(2),
            in.dim(3),
            p.windowH(),
            p.windowW(),
            p.strideH(),
            p.strideW(),
            p.padH(),
            p.padW()
          },
          p.ceil(),
          epilogue);
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
      MethodHandle target =
          MethodHandles.insertArguments(find(Sgemm.class, "sgemm", SGEMM), 0, transA, transB);
      return ProgramGen.Call.of(
          name + (transA ? "_tA" : "") + (transB ? "_tB" : ""),
          target,
          i(m),
          i(cols),
          i(k),
          new ProgramGen.FloatValue(1f),
          buffer(aStore),
          zero(),
          i(transA ? m : k),
          buffer(bStore),
          zero(),
          i(transB ? k : cols),
          new ProgramGen.FloatValue(0f),
          buffer(n),
          zero(),
          i(cols));
    }

    private ProgramGen.Call pool(
        String name, String method, MethodType type, List<Node> arrays, Shape x, Attrs.Pool p) {
      MethodHandle target =
          MethodHandles.insertArguments(
              find(Pooling.class, method, type), type.parameterCount() - 1, p.ceil());
      List<ProgramGen.Arg> args = new ArrayList<>();
      arrays.forEach(node -> args.add(buffer(node)));
      for (int v :
          new int[] {
            x.dim(0),
            x.dim(1),
            x.dim(2),
            x.dim(3),
            p.windowH(),
            p.windowW(),
            p.strideH(),
            p.strideW(),
            p.padH(),
            p.padW()
          }) {
        args.add(i(v));
      }
      return new ProgramGen.Call(name, target, args);
    }

    private ProgramGen.Call maxPoolSelect(String name, Node n) {
      Attrs.Pool p = (Attrs.Pool) n.attrs();
      Shape x = n.input(0).shape();
      int[] geometry = {
        x.dim(0) * x.dim(1),
        x.dim(2),
        x.dim(3),
        n.shape().dim(2),
        n.shape().dim(3),
        p.windowH(),
        p.windowW(),
        p.strideH(),
        p.strideW(),
        p.padH(),
        p.padW()
      };
      MethodHandle target =
          MethodHandles.insertArguments(
              Launch.handle(
                  "maxPoolSelect",
                  MethodType.methodType(
                      void.class, int[].class, float[].class, float[].class, float[].class)),
              0,
              (Object) geometry);
      return ProgramGen.Call.of(name, target, buffer(n.input(0)), buffer(n.input(1)), buffer(n));
    }

    private ProgramGen.Call copy(
        String name,
        int[] dims,
        int[] src,
        int srcOffset,
        int[] dst,
        int dstOffset,
        boolean zeroFirst,
        Node out,
        Node in) {
      MethodHandle target =
          MethodHandles.insertArguments(
              Launch.handle(
                  "copy",
                  MethodType.methodType(
                      void.class,
                      int[].class,
                      int[].class,
                      int.class,
                      int[].class,
                      int.class,
                      boolean.class,
                      int.class,
                      float[].class,
                      float[].class)),
              0,
              dims,
              src,
              srcOffset,
              dst,
              dstOffset,
              zeroFirst,
              out.shape().size());
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
      throw new IllegalStateException(
          "missing kernel " + owner.getSimpleName() + "." + name + type, e);
    }
  }

  private static Set<Node> identitySet(List<Node> nodes) {
    Set<Node> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(nodes);
    return set;
  }

  /**
   * The iteration extents of a shape: rank 0 is one element; gen's Dims allow at most five axes.
   */
  static Dims dims(Shape shape) {
    if (shape.rank() == 0) {
      return Dims.of(1);
    }
    if (shape.rank() > Dims.MAX_RANK) {
      throw new IllegalStateException(
          "tensors of rank " + shape.rank() + " are not supported by generated kernels: " + shape);
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
