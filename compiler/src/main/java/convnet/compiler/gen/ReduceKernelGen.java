package convnet.compiler.gen;

import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.objectweb.asm.Type;

/**
 * Generates a hidden class for a {@link ReduceKernel} with {@code public static void run(float[][]
 * buffers, int outerFrom, int outerTo, int outputOffset)}.
 *
 * <p>When the innermost axis is reduced, each output element is accumulated in registers over the
 * reduced loops (vector lanes, then the lanes and the scalar tail combined); when it is kept, the
 * output row is initialised and then updated in memory order, vectorised along the kept run. In
 * both cases the order of operations depends only on the shapes, so results are reproducible.
 */
public final class ReduceKernelGen {
  /** The type of the generated {@code run} method. */
  public static final MethodType RUN_TYPE =
      MethodType.methodType(void.class, float[][].class, int.class, int.class, int.class);

  private final boolean vectorize;
  private final int lanes;

  /** Vectorizes when the Vector API is available and not switched off. */
  public ReduceKernelGen() {
    this(VectorSupport.isEnabledByDefault());
  }

  /**
   * @param vectorize use the Vector API for the innermost runs (requires the module)
   */
  public ReduceKernelGen(boolean vectorize) {
    this.vectorize = vectorize;
    this.lanes = vectorize ? VectorSupport.preferredLanes() : 1;
  }

  /** Generates and loads the kernel class. */
  public GeneratedCode generate(ReduceKernel kernel) {
    return GeneratedCode.define(emit(kernel, GeneratedCode.commentsRequested()), null);
  }

  ClassGen emit(ReduceKernel kernel, boolean keepComments) {
    List<List<ReduceKernel.Reduction>> groups =
        MethodSplitter.split(
            kernel.reductions(),
            group -> measure(kernel, group, keepComments),
            "reduce kernel " + kernel.name());
    ClassGen classGen = new ClassGen("convnet/compiler/gen/Reduce_" + kernel.name(), keepComments);
    List<Type> parameterTypes =
        List.of(ExprEmitter.BUFFERS, Type.INT_TYPE, Type.INT_TYPE, Type.INT_TYPE);
    List<String> parameterNames = List.of("buffers", "outerFrom", "outerTo", "outputOffset");
    MethodGen run = classGen.staticMethod("run", Type.VOID_TYPE, parameterTypes, parameterNames);
    Block block = run.body();
    block.comment(
        "reduce " + kernel.name() + " over " + kernel.shape() + " axes " + kernel.reducedAxes());
    emitChecks(block, kernel, run);
    if (groups.size() == 1) {
      emitGroup(run, kernel, groups.get(0));
    } else {
      for (int g = 0; g < groups.size(); g++) {
        MethodGen part =
            classGen.privateStaticMethod(
                "part" + g, Type.VOID_TYPE, parameterTypes, parameterNames);
        emitGroup(part, kernel, groups.get(g));
        part.body().returnVoid();
        part.finish();
        block
            .load(run.parameter(0))
            .load(run.parameter(1))
            .load(run.parameter(2))
            .load(run.parameter(3))
            .invokeOwnStatic(part);
      }
    }
    block.returnVoid();
    run.finish();
    return classGen;
  }

  private int measure(
      ReduceKernel kernel, List<ReduceKernel.Reduction> group, boolean keepComments) {
    ClassGen scratch = new ClassGen("convnet/compiler/gen/Scratch", keepComments);
    MethodGen method =
        scratch.staticMethod(
            "part",
            Type.VOID_TYPE,
            List.of(ExprEmitter.BUFFERS, Type.INT_TYPE, Type.INT_TYPE, Type.INT_TYPE),
            List.of("buffers", "outerFrom", "outerTo", "outputOffset"));
    emitGroup(method, kernel, group);
    return method.estimatedCodeSize();
  }

  private static void emitChecks(Block block, ReduceKernel kernel, MethodGen run) {
    Map<Integer, Integer> minLengths = new TreeMap<>();
    for (Expr.Load load :
        KernelChecks.loads(
            kernel.reductions().stream().map(ReduceKernel.Reduction::value).toList())) {
      minLengths.merge(load.slot(), load.shape().elementCount(), Math::max);
    }
    Map<Integer, Integer> outputs = new TreeMap<>();
    for (ReduceKernel.Reduction reduction : kernel.reductions()) {
      outputs.put(reduction.slot(), kernel.keptShape().elementCount());
    }
    EntryChecks.emit(
        block,
        kernel.name(),
        kernel.shape().size(0),
        run.parameter(0),
        run.parameter(1),
        run.parameter(2),
        minLengths,
        outputs,
        run.parameter(3));
  }

  /** Output strides along every axis of the space: dense over the kept axes, 0 on reduced ones. */
  private static int[] outputStrides(ReduceKernel kernel) {
    Dims shape = kernel.shape();
    int[] strides = new int[shape.rank()];
    int stride = 1;
    for (int axis = shape.rank() - 1; axis >= 0; axis--) {
      if (!kernel.isReduced(axis) && shape.size(axis) > 1) {
        strides[axis] = stride;
        stride *= shape.size(axis);
      }
    }
    return strides;
  }

  private void emitGroup(
      MethodGen method, ReduceKernel kernel, List<ReduceKernel.Reduction> reductions) {
    Block block = method.body();
    Local buffers = method.parameter(0);
    Local from = method.parameter(1);
    Local to = method.parameter(2);
    Local offset = method.parameter(3);
    List<Expr> roots = reductions.stream().map(ReduceKernel.Reduction::value).toList();
    Set<Expr.Load> loads = KernelChecks.loads(roots);
    Dims shape = kernel.shape();
    AccessPatterns patterns = new AccessPatterns(shape, outputStrides(kernel), false, loads);
    boolean[] reduced = new boolean[shape.rank()];
    for (int axis : kernel.reducedAxes()) {
      reduced[axis] = true;
    }
    LoopPlan plan = LoopPlan.of(shape, patterns.strides(), reduced);
    patterns.setPlan(plan);
    block.comment("loops " + plan);
    Set<Integer> slots = new LinkedHashSet<>();
    reductions.forEach(r -> slots.add(r.slot()));
    loads.forEach(l -> slots.add(l.slot()));
    patterns.loadArrays(block, buffers, slots);
    ExprEmitter emitter = new ExprEmitter(roots, patterns);
    if (plan.inner().reduced()) {
      emitAccumulating(block, plan, patterns, emitter, reductions, from, to, offset);
    } else {
      emitUpdating(block, plan, patterns, emitter, reductions, from, to, offset);
    }
  }

  /** Innermost axis reduced: kept loops outside, an accumulator per output element. */
  private void emitAccumulating(
      Block block,
      LoopPlan plan,
      AccessPatterns patterns,
      ExprEmitter emitter,
      List<ReduceKernel.Reduction> reductions,
      Local from,
      Local to,
      Local offset) {
    MethodGen method = block.method();
    LoopPlan.Axis inner = plan.inner();
    List<LoopPlan.Axis> kept = new ArrayList<>();
    List<LoopPlan.Axis> reducedOuter = new ArrayList<>();
    for (LoopPlan.Axis axis : plan.axes()) {
      if (axis == inner) {
        continue;
      }
      (axis.reduced() ? reducedOuter : kept).add(axis);
    }
    boolean hasVectorLoop = vectorize && (inner.ranged() || inner.size() >= lanes);
    Map<LoopPlan.Axis, Local> indices = LoopPlan.newIndexMap();
    LoopPlan.emitLoops(
        block,
        kept,
        indices,
        from,
        to,
        b -> {
          Local outputBase = LoopPlan.emitBase(b, "outputBase", 0, indices, offset);
          Local[] scalarSums = new Local[reductions.size()];
          Local[] vectorSums = new Local[reductions.size()];
          for (int r = 0; r < reductions.size(); r++) {
            float identity = reductions.get(r).combine().identity();
            scalarSums[r] = method.newLocal("acc" + r, Type.FLOAT_TYPE);
            b.pushFloat(identity).store(scalarSums[r]);
            if (hasVectorLoop) {
              vectorSums[r] = method.newLocal("vacc" + r, ExprEmitter.VECTOR_TYPE);
              ExprEmitter.pushBroadcast(b, identity);
              b.store(vectorSums[r]);
            }
          }
          LoopPlan.emitLoops(
              b,
              reducedOuter,
              indices,
              from,
              to,
              inside -> {
                patterns.emitBases(inside, 1, indices);
                emitter.emitInvariants(inside);
                InnerRun.emit(
                    inside,
                    inner,
                    from,
                    to,
                    vectorize ? lanes : 0,
                    emitter::emitVectorInvariants,
                    (v, j) -> {
                      Map<Expr, Local> values = emitter.emitVector(v, j);
                      for (int r = 0; r < reductions.size(); r++) {
                        Local sum = vectorSums[r];
                        Local value = values.get(reductions.get(r).value());
                        ExprEmitter.emitCombine(
                            v, reductions.get(r).combine(), x -> x.load(sum), x -> x.load(value));
                        v.store(sum);
                      }
                    },
                    (s, k) -> {
                      Map<Expr, Local> values = emitter.emitScalar(s, k);
                      for (int r = 0; r < reductions.size(); r++) {
                        s.load(scalarSums[r]).load(values.get(reductions.get(r).value()));
                        emitScalarCombine(s, reductions.get(r).combine());
                        s.store(scalarSums[r]);
                      }
                    });
              });
          for (int r = 0; r < reductions.size(); r++) {
            ReduceKernel.Reduction reduction = reductions.get(r);
            b.comment("store slot " + reduction.slot());
            b.load(patterns.array(reduction.slot())).load(outputBase);
            if (hasVectorLoop) {
              b.load(vectorSums[r]);
              ExprEmitter.emitReduceLanes(b, reduction.combine());
              b.load(scalarSums[r]);
              emitScalarCombine(b, reduction.combine());
            } else {
              b.load(scalarSums[r]);
            }
            b.arrayStore(Type.FLOAT_TYPE);
          }
        });
  }

  /** Innermost axis kept: set the outputs to the identity, then combine in memory order. */
  private void emitUpdating(
      Block block,
      LoopPlan plan,
      AccessPatterns patterns,
      ExprEmitter emitter,
      List<ReduceKernel.Reduction> reductions,
      Local from,
      Local to,
      Local offset) {
    LoopPlan.Axis inner = plan.inner();
    List<LoopPlan.Axis> outer = plan.axes().subList(0, plan.axes().size() - 1);
    List<LoopPlan.Axis> keptOuter = outer.stream().filter(a -> !a.reduced()).toList();
    Map<LoopPlan.Axis, Local> initIndices = LoopPlan.newIndexMap();
    block.comment("outputs := identity");
    LoopPlan.emitLoops(
        block,
        keptOuter,
        initIndices,
        from,
        to,
        b -> {
          Local outputBase = LoopPlan.emitBase(b, "initBase", 0, initIndices, offset);
          InnerRun.emit(
              b,
              inner,
              from,
              to,
              0,
              x -> {},
              (v, j) -> {},
              (s, k) -> {
                for (ReduceKernel.Reduction reduction : reductions) {
                  s.load(patterns.array(reduction.slot())).load(outputBase).load(k).intAdd();
                  s.pushFloat(reduction.combine().identity()).arrayStore(Type.FLOAT_TYPE);
                }
              });
        });
    block.comment("outputs (+)= values");
    Map<LoopPlan.Axis, Local> indices = LoopPlan.newIndexMap();
    LoopPlan.emitLoops(
        block,
        outer,
        indices,
        from,
        to,
        b -> {
          patterns.setBase(0, LoopPlan.emitBase(b, "outputBase", 0, indices, offset));
          patterns.emitBases(b, 1, indices);
          emitter.emitInvariants(b);
          Local outputBase = patterns.base(0);
          InnerRun.emit(
              b,
              inner,
              from,
              to,
              vectorize ? lanes : 0,
              emitter::emitVectorInvariants,
              (v, j) -> {
                Map<Expr, Local> values = emitter.emitVector(v, j);
                for (ReduceKernel.Reduction reduction : reductions) {
                  Local array = patterns.array(reduction.slot());
                  Local value = values.get(reduction.value());
                  ExprEmitter.emitCombine(
                      v,
                      reduction.combine(),
                      x -> {
                        ExprEmitter.pushSpecies(x);
                        x.load(array).load(outputBase).load(j).intAdd();
                        x.invokeStatic(
                            ExprEmitter.VECTOR,
                            "fromArray",
                            "(" + ExprEmitter.SPECIES_DESC + "[FI)L" + ExprEmitter.VECTOR + ";");
                      },
                      x -> x.load(value));
                  v.load(array).load(outputBase).load(j).intAdd();
                  v.invokeVirtual(ExprEmitter.VECTOR, "intoArray", "([FI)V");
                }
              },
              (s, k) -> {
                Map<Expr, Local> values = emitter.emitScalar(s, k);
                for (ReduceKernel.Reduction reduction : reductions) {
                  Local array = patterns.array(reduction.slot());
                  s.load(array).load(outputBase).load(k).intAdd();
                  s.load(array).load(outputBase).load(k).intAdd().arrayLoad(Type.FLOAT_TYPE);
                  s.load(values.get(reduction.value()));
                  emitScalarCombine(s, reduction.combine());
                  s.arrayStore(Type.FLOAT_TYPE);
                }
              });
        });
  }

  /** accumulator, value → combined. */
  private static void emitScalarCombine(Block block, ReduceKernel.Combine combine) {
    switch (combine) {
      case SUM -> block.floatAdd();
      case MAX -> block.invokeStatic("java/lang/Math", "max", "(FF)F");
    }
  }
}
