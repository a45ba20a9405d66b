package convnet.compiler.gen;

import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.objectweb.asm.Type;

/**
 * Generates a hidden class for an {@link ElementwiseKernel} with {@code public static void
 * run(float[][] buffers, int outerFrom, int outerTo)} covering indices {@code [outerFrom, outerTo)}
 * of axis 0; the innermost run uses the Vector API when enabled.
 */
public final class ElementwiseKernelGen {
  /** The type of the generated {@code run} method. */
  public static final MethodType RUN_TYPE =
      MethodType.methodType(void.class, float[][].class, int.class, int.class);

  private final boolean vectorize;
  private final int lanes;

  /** Vectorizes when the Vector API is available and not switched off. */
  public ElementwiseKernelGen() {
    this(VectorSupport.isEnabledByDefault());
  }

  /**
   * @param vectorize use the Vector API for the innermost runs (requires the module)
   */
  public ElementwiseKernelGen(boolean vectorize) {
    this.vectorize = vectorize;
    this.lanes = vectorize ? VectorSupport.preferredLanes() : 1;
  }

  public boolean vectorizes() {
    return vectorize;
  }

  /** Generates, verifies by loading, and returns the kernel class. */
  public GeneratedCode generate(ElementwiseKernel kernel) {
    return GeneratedCode.define(emit(kernel, GeneratedCode.commentsRequested()), null);
  }

  /** The unloaded class, for inspection. */
  ClassGen emit(ElementwiseKernel kernel, boolean keepComments) {
    // Outputs that overwrite an input go last: every earlier group still reads the old values,
    // and within a group each element is read before it is written.
    Set<Integer> readSlots = new HashSet<>();
    KernelChecks.loads(kernel.outputs().stream().map(ElementwiseKernel.Output::value).toList())
        .forEach(load -> readSlots.add(load.slot()));
    List<ElementwiseKernel.Output> ordered = new ArrayList<>();
    kernel.outputs().stream().filter(o -> !readSlots.contains(o.slot())).forEach(ordered::add);
    kernel.outputs().stream().filter(o -> readSlots.contains(o.slot())).forEach(ordered::add);
    List<List<ElementwiseKernel.Output>> groups =
        MethodSplitter.split(
            ordered,
            group -> measure(kernel, group, keepComments),
            "elementwise kernel " + kernel.name());
    for (int g = 0; g < groups.size() - 1; g++) {
      for (ElementwiseKernel.Output output : groups.get(g)) {
        if (readSlots.contains(output.slot())) {
          throw new IllegalArgumentException(
              "elementwise kernel "
                  + kernel.name()
                  + " overwrites slot "
                  + output.slot()
                  + " that it reads, and is too large for one method; write that output"
                  + " to a fresh buffer or split the kernel");
        }
      }
    }
    ClassGen classGen =
        new ClassGen("convnet/compiler/gen/Elementwise_" + kernel.name(), keepComments);
    MethodGen run =
        classGen.staticMethod(
            "run",
            Type.VOID_TYPE,
            List.of(ExprEmitter.BUFFERS, Type.INT_TYPE, Type.INT_TYPE),
            List.of("buffers", "outerFrom", "outerTo"));
    Block block = run.body();
    block.comment("elementwise " + kernel.name() + " over " + kernel.shape());
    emitChecks(block, kernel, run.parameter(0), run.parameter(1), run.parameter(2));
    if (groups.size() == 1) {
      emitGroup(run, kernel, groups.get(0));
    } else {
      for (int g = 0; g < groups.size(); g++) {
        MethodGen part =
            classGen.privateStaticMethod(
                "part" + g,
                Type.VOID_TYPE,
                List.of(ExprEmitter.BUFFERS, Type.INT_TYPE, Type.INT_TYPE),
                List.of("buffers", "outerFrom", "outerTo"));
        emitGroup(part, kernel, groups.get(g));
        part.body().returnVoid();
        part.finish();
        block
            .load(run.parameter(0))
            .load(run.parameter(1))
            .load(run.parameter(2))
            .invokeOwnStatic(part);
      }
    }
    block.returnVoid();
    run.finish();
    return classGen;
  }

  private int measure(
      ElementwiseKernel kernel, List<ElementwiseKernel.Output> group, boolean keepComments) {
    ClassGen scratch = new ClassGen("convnet/compiler/gen/Scratch", keepComments);
    MethodGen method =
        scratch.staticMethod(
            "part",
            Type.VOID_TYPE,
            List.of(ExprEmitter.BUFFERS, Type.INT_TYPE, Type.INT_TYPE),
            List.of("buffers", "outerFrom", "outerTo"));
    emitGroup(method, kernel, group);
    return method.estimatedCodeSize();
  }

  private static void emitChecks(
      Block block, ElementwiseKernel kernel, Local buffers, Local from, Local to) {
    Map<Integer, Integer> minLengths = new TreeMap<>();
    for (ElementwiseKernel.Output output : kernel.outputs()) {
      minLengths.put(output.slot(), kernel.shape().elementCount());
    }
    for (Expr.Load load :
        KernelChecks.loads(
            kernel.outputs().stream().map(ElementwiseKernel.Output::value).toList())) {
      minLengths.merge(load.slot(), load.shape().elementCount(), Math::max);
    }
    EntryChecks.emit(
        block,
        kernel.name(),
        kernel.shape().size(0),
        buffers,
        from,
        to,
        minLengths,
        Map.of(),
        null);
  }

  private void emitGroup(
      MethodGen method, ElementwiseKernel kernel, List<ElementwiseKernel.Output> outputs) {
    Block block = method.body();
    Local buffers = method.parameter(0);
    Local from = method.parameter(1);
    Local to = method.parameter(2);
    List<Expr> roots = outputs.stream().map(ElementwiseKernel.Output::value).toList();
    Set<Expr.Load> loads = KernelChecks.loads(roots);
    Dims shape = kernel.shape();
    AccessPatterns patterns = new AccessPatterns(shape, shape.broadcastStrides(shape), true, loads);
    LoopPlan plan = LoopPlan.of(shape, patterns.strides(), new boolean[shape.rank()]);
    patterns.setPlan(plan);
    block.comment("loops " + plan);
    Set<Integer> slots = new LinkedHashSet<>();
    outputs.forEach(o -> slots.add(o.slot()));
    loads.forEach(l -> slots.add(l.slot()));
    patterns.loadArrays(block, buffers, slots);
    ExprEmitter emitter = new ExprEmitter(roots, patterns);
    LoopPlan.Axis inner = plan.inner();
    List<LoopPlan.Axis> outer = plan.axes().subList(0, plan.axes().size() - 1);
    Map<LoopPlan.Axis, Local> indices = LoopPlan.newIndexMap();
    LoopPlan.emitLoops(
        block,
        outer,
        indices,
        from,
        to,
        b -> {
          patterns.emitBases(b, 0, indices);
          emitter.emitInvariants(b);
          InnerRun.emit(
              b,
              inner,
              from,
              to,
              vectorize ? lanes : 0,
              emitter::emitVectorInvariants,
              (v, j) -> {
                Map<Expr, Local> values = emitter.emitVector(v, j);
                for (ElementwiseKernel.Output output : outputs) {
                  v.comment("store slot " + output.slot());
                  v.load(values.get(output.value()));
                  v.load(patterns.array(output.slot())).load(patterns.base(0)).load(j).intAdd();
                  v.invokeVirtual(ExprEmitter.VECTOR, "intoArray", "([FI)V");
                }
              },
              (s, k) -> {
                Map<Expr, Local> values = emitter.emitScalar(s, k);
                for (ElementwiseKernel.Output output : outputs) {
                  s.comment("store slot " + output.slot());
                  s.load(patterns.array(output.slot())).load(patterns.base(0)).load(k).intAdd();
                  s.load(values.get(output.value()));
                  s.arrayStore(Type.FLOAT_TYPE);
                }
              });
        });
  }
}
