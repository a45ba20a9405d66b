package convnet.compiler;

import convnet.autodiff.Attrs;
import convnet.autodiff.Graph;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import convnet.autodiff.PassWork;
import convnet.autodiff.ScalarOp;
import convnet.autodiff.ops.Fusion;
import convnet.autodiff.ops.LibraryKernel;
import convnet.autodiff.ops.Lowering;
import convnet.compiler.kernels.Parallel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Partitions a graph into steps (fused kernels), orders them, and plans their buffers.
 *
 * <p>Partition rules, by each op's {@link Fusion} class: a view (RESHAPE) shares its input's
 * buffer; a 2-D transpose read only by library kernels that {@link
 * LibraryKernel#readsTransposedOperands() read transposed operands} (matrix products) is folded
 * into them; a reduction absorbs the elementwise nodes of its input's shape that feed only it; the
 * remaining elementwise nodes form regions, each a set of same-shaped nodes joined by
 * producer-consumer edges, grown greedily in graph order and merged only when no path leaves the
 * merged set and comes back into it (so the steps stay acyclic); everything else is one library
 * call. A forward convolution or a pooling kernel (forward or gradient) then takes the elementwise
 * kernel that reads its output as its epilogue, run on each image as it is computed ({@link
 * #fuseEpilogues}), and on request a convolution also runs the forward pooling of its activation on
 * each image ({@link #fusePoolingIntoConvolutions}). A fused unit holds at most {@link
 * #MAX_FUSED_NODES} nodes, so a long elementwise chain becomes several kernels, each small enough
 * for one JIT-compiled method (values pass between them through float32 buffers, exactly as they
 * would stay in float32 locals inside one kernel, so the results are the same).
 */
final class Planner {
  /** Below this many elements a generated kernel runs on the calling thread alone. */
  static final int PARALLEL_ELEMENTS = 1 << 15;

  /**
   * The most graph nodes one fused kernel computes. Most nodes cost 20 to 60 bytes of bytecode (a
   * vector comparison and its blend plus the scalar tail loop being the dearest), so 96 nodes stay
   * under HotSpot's 8,000-byte limit for JIT-compiled methods; should a kernel of unusually costly
   * nodes still be too large, {@link Compiler#compile} partitions again with a smaller limit. The
   * largest units of ordinary networks (local contrast normalization and its gradient) have fewer
   * nodes, so they fuse as before.
   */
  static final int MAX_FUSED_NODES = 96;

  final Graph graph;
  final List<Node> order;
  private final Map<Node, Integer> position = new IdentityHashMap<>();
  private final Map<Node, List<Node>> consumers = new IdentityHashMap<>();
  private final Set<Node> outputNodes = Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * The fusion unit of every fused node: its region, or its reduction's claimed nodes plus the
   * reduction.
   */
  private final Map<Node, List<Node>> unit = new IdentityHashMap<>();

  private final Map<Node, Node> claimedBy = new IdentityHashMap<>();
  private final Set<Node> foldedTransposes = Collections.newSetFromMap(new IdentityHashMap<>());
  final List<Step> steps = new ArrayList<>();
  private final Map<Node, Step> producer = new IdentityHashMap<>();

  /**
   * Convolution and pooling outputs that only their epilogue reads: each thread keeps one image of
   * them at a time (see {@link #fuseEpilogues}), so their buffer holds one image.
   */
  final Set<Node> perImage = Collections.newSetFromMap(new IdentityHashMap<>());

  /** Values written in place into a parameter's buffer: value node → parameter node. */
  final Map<Node, Node> inPlace = new IdentityHashMap<>();

  /** The most nodes of one fused unit (normally {@link #MAX_FUSED_NODES}). */
  private final int maxFusedNodes;

  /** Whether {@link #leavesAndReenters} searches the whole graph below a set (see there). */
  private final boolean exactCycleCheck;

  /**
   * Plans {@code graph}; {@code inPlaceUpdates} writes each {@code new/P} output into P's buffer
   * where safe.
   */
  static Planner of(Graph graph, boolean inPlaceUpdates) {
    return of(graph, inPlaceUpdates, MAX_FUSED_NODES);
  }

  /** As {@link #of(Graph, boolean)}, with at most {@code maxFusedNodes} nodes per fused kernel. */
  static Planner of(Graph graph, boolean inPlaceUpdates, int maxFusedNodes) {
    return of(
        graph,
        inPlaceUpdates,
        maxFusedNodes,
        CompileOptions.CONV_EPILOGUES,
        CompileOptions.POOL_EPILOGUES,
        CompileOptions.CONV_POOLING);
  }

  /**
   * As {@link #of(Graph, boolean, int)}; {@code convEpilogues} fuses elementwise kernels into the
   * convolutions whose output they read, {@code poolEpilogues} into the pooling kernels whose
   * output they read (see {@link #fuseEpilogues}); with both, {@code convPooling} also runs a
   * convolution's forward pooling inside it ({@link #fusePoolingIntoConvolutions}).
   */
  static Planner of(
      Graph graph,
      boolean inPlaceUpdates,
      int maxFusedNodes,
      boolean convEpilogues,
      boolean poolEpilogues,
      boolean convPooling) {
    try {
      return new Planner(
          graph, inPlaceUpdates, false, maxFusedNodes, convEpilogues, poolEpilogues, convPooling);
    } catch (CycleFound e) {
      return new Planner(
          graph, inPlaceUpdates, true, maxFusedNodes, convEpilogues, poolEpilogues, convPooling);
    }
  }

  /**
   * The quick fusion check merged units into a cycle; planning starts again with the exact check.
   */
  private static final class CycleFound extends RuntimeException {
    CycleFound() {
      super(null, null, false, false);
    }
  }

  private Planner(
      Graph graph,
      boolean inPlaceUpdates,
      boolean exactCycleCheck,
      int maxFusedNodes,
      boolean convEpilogues,
      boolean poolEpilogues,
      boolean convPooling) {
    if (maxFusedNodes < 2) {
      throw new IllegalArgumentException(
          "a fused kernel needs room for 2 nodes at least, not " + maxFusedNodes);
    }
    this.exactCycleCheck = exactCycleCheck;
    this.maxFusedNodes = maxFusedNodes;
    this.graph = graph;
    this.order = graph.nodes();
    for (int i = 0; i < order.size(); i++) {
      position.put(order.get(i), i);
      consumers.put(order.get(i), new ArrayList<>());
    }
    long visits = 0;
    for (Node n : order) {
      for (Node in : n.inputs()) {
        List<Node> list = consumers.get(in);
        // n's own repeated inputs are the only duplicates, and they arrive one after another.
        if (list.isEmpty() || list.get(list.size() - 1) != n) {
          list.add(n);
        }
      }
      visits += 1 + n.inputs().size();
    }
    PassWork.add(visits);
    outputNodes.addAll(graph.outputs().values());
    foldTransposes();
    claimReductionInputs();
    formRegions();
    if (recompute) {
      recomputeWhereUsed();
    }
    buildSteps();
    if (convEpilogues || poolEpilogues) {
      fuseEpilogues(convEpilogues, poolEpilogues);
    }
    if (convEpilogues && poolEpilogues && convPooling) {
      fusePoolingIntoConvolutions();
    }
    if (inPlaceUpdates) {
      chooseInPlace();
    }
    schedule();
  }

  static boolean isElementwise(Node n) {
    return fusion(n) == Fusion.ELEMENTWISE;
  }

  static Fusion fusion(Node n) {
    return n.kind().rule().fusion();
  }

  /** A one-element constant, inlined into generated kernels as a literal. */
  static boolean isScalarConstant(Node n) {
    return n.isConstant() && n.shape().size() == 1;
  }

  /** The library kernel n's op calls, or null when it calls none. */
  static LibraryKernel kernelOf(Node n) {
    return fusion(n) == Fusion.LIBRARY
        ? n.kind()
            .rule()
            .lower(n, KERNEL_OF, java.util.Collections.nCopies(n.inputs().size(), null))
        : null;
  }

  /** A lowering that only notes which library kernel an op calls. */
  private static final Lowering<LibraryKernel> KERNEL_OF =
      new Lowering<>() {
        @Override
        public LibraryKernel apply(ScalarOp op, List<LibraryKernel> args) {
          return null;
        }

        @Override
        public LibraryKernel reduceSum(LibraryKernel x, List<Integer> axes) {
          return null;
        }

        @Override
        public LibraryKernel reduceMax(LibraryKernel x, List<Integer> axes) {
          return null;
        }

        @Override
        public LibraryKernel call(LibraryKernel kernel) {
          return kernel;
        }

        @Override
        public LibraryKernel copy(
            int input,
            int[] dims,
            int[] srcStrides,
            int srcOffset,
            int[] dstStrides,
            int dstOffset,
            boolean zeroFirst) {
          return null;
        }
      };

  /** Whether n swaps the two axes of a matrix. */
  private static boolean isMatrixTranspose(Node n) {
    return n.attrs() instanceof Attrs.Permute p && p.perm().equals(List.of(1, 0));
  }

  boolean isFoldedTranspose(Node n) {
    return foldedTransposes.contains(n);
  }

  /** The node whose buffer holds n's value: reshapes are views of their input. */
  static Node resolve(Node n) {
    Node cur = n;
    while (fusion(cur) == Fusion.VIEW) {
      cur = cur.input(0);
    }
    return cur;
  }

  /**
   * The node owning the buffer n's value lives in (in-place values live in their parameter's
   * buffer).
   */
  Node storage(Node n) {
    Node r = resolve(n);
    Node param = inPlace.get(r);
    return param != null ? param : r;
  }

  private void foldTransposes() {
    for (Node n : order) {
      if (isMatrixTranspose(n)
          && !outputNodes.contains(n)
          && !consumers.get(n).isEmpty()
          && consumers.get(n).stream()
              .allMatch(
                  c -> {
                    LibraryKernel k = kernelOf(c);
                    return k != null && k.readsTransposedOperands();
                  })) {
        foldedTransposes.add(n);
      }
    }
  }

  /**
   * Each reduction absorbs the same-shaped elementwise nodes whose every consumer is already
   * absorbed.
   */
  private void claimReductionInputs() {
    for (Node r : order) {
      if (fusion(r) != Fusion.REDUCTION) {
        continue;
      }
      List<Node> group = new ArrayList<>();
      Set<Node> inGroup = Collections.newSetFromMap(new IdentityHashMap<>());
      inGroup.add(r);
      PriorityQueue<Node> queue =
          new PriorityQueue<>(Comparator.comparingInt((Node n) -> position.get(n)).reversed());
      Set<Node> queued = Collections.newSetFromMap(new IdentityHashMap<>());
      queue.add(r.input(0));
      queued.add(r.input(0));
      // The reduction is a member too, so the group stops one short of the kernel size limit.
      while (!queue.isEmpty() && group.size() < maxFusedNodes - 1) {
        Node p = queue.poll();
        PassWork.add(1 + p.inputs().size());
        if (!isElementwise(p)
            || claimedBy.containsKey(p)
            || outputNodes.contains(p)
            || !p.shape().equals(r.input(0).shape())
            || !inGroup.containsAll(consumers.get(p))) {
          continue;
        }
        group.add(p);
        inGroup.add(p);
        claimedBy.put(p, r);
        for (Node in : p.inputs()) {
          if (queued.add(in)) {
            queue.add(in);
          }
        }
      }
      group.add(r);
      group.sort(Comparator.comparingInt(position::get));
      for (Node n : group) {
        unit.put(n, group);
      }
    }
  }

  private void formRegions() {
    for (Node n : order) {
      if (!isElementwise(n) || claimedBy.containsKey(n)) {
        continue;
      }
      List<Node> own = new ArrayList<>(List.of(n));
      unit.put(n, own);
      for (Node p : n.inputs()) {
        if (!isElementwise(p) || claimedBy.containsKey(p) || !p.shape().equals(n.shape())) {
          continue;
        }
        List<Node> a = unit.get(p);
        List<Node> b = unit.get(n);
        if (a == b || a.size() + b.size() > maxFusedNodes) {
          continue;
        }
        List<Node> merged = new ArrayList<>(a);
        merged.addAll(b);
        PassWork.add(merged.size());
        if (!leavesAndReenters(merged)) {
          merged.sort(Comparator.comparingInt(position::get));
          for (Node m : merged) {
            unit.put(m, merged);
          }
        }
      }
    }
  }

  /**
   * Whether {@link #recomputeWhereUsed} runs; not final only so that a test can compare plans with
   * and without it.
   */
  static volatile boolean recompute = true;

  /** Scalar ops cheap enough to compute again where their value is used rather than store it. */
  private static final Set<ScalarOp> CHEAP =
      EnumSet.of(
          ScalarOp.NEG,
          ScalarOp.ABS,
          ScalarOp.SIGN,
          ScalarOp.SQUARE,
          ScalarOp.RELU,
          ScalarOp.ADD,
          ScalarOp.SUB,
          ScalarOp.MUL,
          ScalarOp.MAX,
          ScalarOp.MIN,
          ScalarOp.GT,
          ScalarOp.GE,
          ScalarOp.LT,
          ScalarOp.LE,
          ScalarOp.EQ);

  private static boolean cheap(Node n) {
    return (n.kind() == OpKind.UNARY || n.kind() == OpKind.BINARY) && CHEAP.contains(n.scalarOp());
  }

  /**
   * Moves cheap members of each elementwise unit whose values only one later unit uses into that
   * unit, when the first unit then stores fewer tensors: their inputs are stored anyway, and the
   * later unit computes them again from those instead of reading them back. The cases it is for: a
   * relu's derivative mask (relu(x) &gt; 0) and a tanh's derivative (1 − tanh(x)²), which the
   * backward pass needs, while relu(x) and tanh(x) are stored for pooling or a gain's gradient; the
   * forward kernel then writes the activations only. The values, and so the results, are the same:
   * the same operations on the same operands, only in another kernel.
   */
  private void recomputeWhereUsed() {
    Set<List<Node>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : order) {
      if (!isElementwise(n) || claimedBy.containsKey(n)) {
        continue;
      }
      List<Node> u = unit.get(n);
      if (seen.add(u)) {
        while (moveToLaterUnit(u)) {
          u = unit.get(n);
        }
      }
    }
  }

  /** One move of {@link #recomputeWhereUsed}; whether it moved anything. */
  private boolean moveToLaterUnit(List<Node> u) {
    Set<Node> inU = Collections.newSetFromMap(new IdentityHashMap<>());
    inU.addAll(u);
    Set<Node> moved = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Node> target = null;
    // Latest first: a member's consumers come after it, so they are decided before it is.
    for (int i = u.size() - 1; i >= 0; i--) {
      Node m = u.get(i);
      if (outputNodes.contains(m) || !cheap(m) || consumers.get(m).isEmpty()) {
        continue;
      }
      List<Node> to = target;
      boolean movable = true;
      for (Node c : consumers.get(m)) {
        if (moved.contains(c)) {
          continue;
        }
        if (inU.contains(c)
            || !isElementwise(c)
            || claimedBy.containsKey(c)
            || !c.shape().equals(m.shape())
            || (to != null && unit.get(c) != to)) {
          movable = false;
          break;
        }
        to = unit.get(c);
      }
      if (movable && to != null) {
        moved.add(m);
        target = to;
      }
    }
    if (moved.isEmpty() || target.size() + moved.size() > maxFusedNodes) {
      return false;
    }
    // Stored tensors saved: moved members that were outputs of u; added: members left in u that a
    // moved one reads and that were not outputs of u.
    int saved = 0;
    Set<Node> added = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node m : moved) {
      for (Node c : consumers.get(m)) {
        if (!moved.contains(c)) {
          saved++;
          break;
        }
      }
      for (Node in : m.inputs()) {
        if (inU.contains(in) && !moved.contains(in) && !usedOutside(in, inU)) {
          added.add(in);
        }
      }
    }
    if (saved <= added.size()) {
      return false;
    }
    List<Node> left = new ArrayList<>();
    for (Node m : u) {
      if (!moved.contains(m)) {
        left.add(m);
      }
    }
    List<Node> grown = new ArrayList<>(target);
    grown.addAll(moved);
    grown.sort(Comparator.comparingInt(position::get));
    PassWork.add(u.size() + grown.size());
    for (Node m : left) {
      unit.put(m, left);
    }
    for (Node m : grown) {
      unit.put(m, grown);
    }
    return true;
  }

  /** Whether some consumer of n is outside the set, or n is an output of the function. */
  private boolean usedOutside(Node n, Set<Node> set) {
    if (outputNodes.contains(n)) {
      return true;
    }
    for (Node c : consumers.get(n)) {
      if (!set.contains(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether some input of the set, outside it, depends on the set (through whole fusion units).
   *
   * <p>The search walks from the set's outside inputs towards the graph's inputs. In the quick mode
   * it does not enter a unit whose members all come before the set's first member in graph order:
   * such a unit's own inputs come earlier still, so it can reach the set only through a unit that
   * mixes early and late members. That keeps a long chain linear (each check looks at the nodes
   * near the set, not the whole graph below it). A cycle the quick mode misses shows up when the
   * steps are scheduled, and the plan is then redone exactly.
   */
  private boolean leavesAndReenters(List<Node> members) {
    Set<Node> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(members);
    int first = Integer.MAX_VALUE;
    for (Node m : members) {
      first = Math.min(first, position.get(m));
    }
    Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> stack = new ArrayDeque<>();
    for (Node m : members) {
      for (Node in : m.inputs()) {
        if (!set.contains(in) && visited.add(in)) {
          stack.push(in);
        }
      }
    }
    long visits = 0;
    try {
      while (!stack.isEmpty()) {
        Node v = stack.pop();
        List<Node> vUnit = unit.getOrDefault(v, List.of(v));
        visits += vUnit.size();
        // Units keep their members in graph order, so the last one is the latest.
        if (!exactCycleCheck && position.get(vUnit.get(vUnit.size() - 1)) < first) {
          continue;
        }
        for (Node member : vUnit) {
          if (set.contains(member)) {
            return true;
          }
          visits += member.inputs().size();
          for (Node in : member.inputs()) {
            if (set.contains(in)) {
              return true;
            }
            if (visited.add(in)) {
              stack.push(in);
            }
          }
        }
      }
      return false;
    } finally {
      PassWork.add(visits);
    }
  }

  private void buildSteps() {
    Set<List<Node>> done = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : order) {
      switch (fusion(n)) {
        case SOURCE, VIEW -> {}
        case COMPOSITE ->
            throw new IllegalStateException("composite op left for code generation: " + n);
        case ELEMENTWISE -> {
          List<Node> region = unit.get(n);
          if (claimedBy.containsKey(n) || !done.add(region)) {
            continue;
          }
          addFused(Step.Kind.ELEMENTWISE, region, null);
        }
        case REDUCTION -> addFused(Step.Kind.REDUCE, unit.get(n), n);
        case LIBRARY -> {
          if (foldedTransposes.contains(n)) {
            continue;
          }
          List<Node> reads = new ArrayList<>();
          for (Node in : n.inputs()) {
            Node source = foldedTransposes.contains(in) ? in.input(0) : in;
            addRead(reads, source);
          }
          add(new Step(Step.Kind.LIBRARY, List.of(n), List.of(n), reads, n, 1));
        }
      }
    }
  }

  private void addFused(Step.Kind kind, List<Node> members, Node reduction) {
    Set<Node> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(members);
    List<Node> reads = new ArrayList<>();
    List<Node> outs = new ArrayList<>();
    for (Node m : members) {
      for (Node in : m.inputs()) {
        if (!set.contains(in) && !isScalarConstant(in)) {
          addRead(reads, in);
        }
      }
      boolean usedOutside = consumers.get(m).stream().anyMatch(c -> !set.contains(c));
      if (kind == Step.Kind.ELEMENTWISE ? usedOutside || outputNodes.contains(m) : m == reduction) {
        outs.add(m);
      }
    }
    int[] space = (reduction != null ? reduction.input(0) : members.get(0)).shape().dims();
    int outer = space.length == 0 ? 1 : space[0];
    long elements = 1;
    for (int d : space) {
      elements *= d;
    }
    // A sum over axis 0 (the batch) is cut into a fixed number of chunks whatever the thread count,
    // so the partial sums, and the order they are added in, are the same on any machine.
    boolean sumsAxis0 = reduction != null && reduceAxes(reduction).contains(0);
    int chunks =
        elements < PARALLEL_ELEMENTS
            ? 1
            : sumsAxis0 ? Parallel.reductionChunks(outer) : Parallel.chunkCount(outer);
    add(new Step(kind, members, outs, reads, reduction != null ? reduction : outs.get(0), chunks));
  }

  private static void addRead(List<Node> reads, Node in) {
    Node r = resolve(in);
    if (!reads.contains(r)) {
      reads.add(r);
    }
  }

  private void add(Step step) {
    steps.add(step);
    for (Node out : step.outputs) {
      producer.put(out, step);
    }
  }

  /** The pooling kernels that can run an epilogue ({@code kernels.Pooling.eachImageThen}). */
  static final Set<LibraryKernel> POOLING =
      EnumSet.of(
          LibraryKernel.AVG_POOL_FORWARD,
          LibraryKernel.AVG_POOL_BACKWARD,
          LibraryKernel.MAX_POOL_FORWARD,
          LibraryKernel.MAX_POOL_BACKWARD);

  /** Whether n's library kernel is one of {@link #POOLING}. */
  static boolean isPooling(Node n) {
    return POOLING.contains(kernelOf(n));
  }

  /**
   * Makes each forward convolution ({@code convolutions}) and each pooling kernel, forward or
   * gradient ({@code pooling}), run as its epilogue the first elementwise kernel over its output's
   * shape that reads its output: {@code kernels.Conv2d.forwardThen} or {@code
   * kernels.Pooling.eachImageThen} calls that kernel on image i's range of axis 0 right after
   * writing image i's output, on the same thread, while that output is still in cache, and the
   * separate pass over the whole batch disappears. For a pooling gradient that is typically the
   * rectifier's mask multiply (dx · [x > 0]), for a pooling forward pass a dropout mask. A
   * generated elementwise kernel computes each element from the same elements of its inputs
   * whatever range of axis 0 it is called on (that is how it is split over threads already), so the
   * results are bitwise those of the two separate steps.
   *
   * <p>Conditions: the kernel reads the library kernel's output y only at y's own shape (not
   * through a view that reorders it), and every other value it reads is ready before the library
   * kernel runs, i.e. it does not depend on it (the merged step would otherwise be in a cycle). The
   * merged step writes y and the kernel's outputs and reads what both read; the memory plan never
   * gives a step's outputs a slot it reads, so the epilogue cannot overwrite what the library
   * kernel has yet to read (another image's input cells, say). When the kernel is y's only reader
   * and y is not an output of the function, y is {@link #perImage}: not stored for the whole batch,
   * only one image at a time per thread (the kernel reads it as broadcast over axis 0), which saves
   * writing it out and reading it back. This runs before {@link #chooseInPlace}, which considers
   * only elementwise steps, so an epilogue never writes into a parameter's buffer.
   */
  private void fuseEpilogues(boolean convolutions, boolean pooling) {
    for (int c = 0; c < steps.size(); c++) {
      Step conv = steps.get(c);
      if (conv.kind != Step.Kind.LIBRARY || conv.epilogue != null) {
        continue;
      }
      LibraryKernel kernel = kernelOf(conv.anchor);
      boolean takes =
          convolutions && kernel == LibraryKernel.CONV2D_FORWARD
              || pooling && POOLING.contains(kernel);
      if (!takes) {
        continue;
      }
      Node y = conv.anchor;
      Step epilogue = null;
      Set<Step> afterConv = null;
      for (Step s : steps) {
        if (s.kind != Step.Kind.ELEMENTWISE
            || !s.reads.contains(y)
            || !s.outputs.get(0).shape().equals(y.shape())
            || readsThroughView(s, y)) {
          continue;
        }
        if (afterConv == null) {
          afterConv = stepsDependingOn(conv);
        }
        boolean ready = true;
        for (Node read : s.reads) {
          Step p = producer.get(read);
          if (read != y && p != null && afterConv.contains(p)) {
            ready = false;
            break;
          }
        }
        if (ready) {
          epilogue = s;
          break;
        }
      }
      if (epilogue == null) {
        continue;
      }
      List<Node> nodes = new ArrayList<>(conv.nodes);
      nodes.addAll(epilogue.nodes);
      nodes.sort(Comparator.comparingInt(position::get));
      List<Node> outs = new ArrayList<>(conv.outputs);
      outs.addAll(epilogue.outputs);
      List<Node> reads = new ArrayList<>(conv.reads);
      for (Node read : epilogue.reads) {
        if (read != y && !reads.contains(read)) {
          reads.add(read);
        }
      }
      Step merged = new Step(Step.Kind.LIBRARY, nodes, outs, reads, y, 1, epilogue);
      if (!outputNodes.contains(y) && epilogue.nodes.containsAll(consumers.get(y))) {
        perImage.add(y);
      }
      steps.set(c, merged);
      steps.remove(epilogue);
      // The merged step comes where the convolution was, so c now holds it; the next one follows.
      if (steps.indexOf(merged) != c) {
        c = steps.indexOf(merged);
      }
      for (Node out : merged.outputs) {
        producer.put(out, merged);
      }
    }
  }

  /**
   * Makes each forward convolution with an epilogue also run, on each image right after the
   * epilogue, the forward pooling (max or average, with its own epilogue if it has one) that reads
   * the epilogue's output: the pooling then reads that image of the activation while it is still in
   * cache instead of in a separate pass over the batch. The pooled cells are computed by the
   * pooling kernel's own code from the same cells, so the results are bitwise those of the separate
   * steps.
   *
   * <p>Conditions: the pooling reads an output of the convolution's epilogue directly (not through
   * a view), and everything else its step reads (its epilogue's other inputs) is ready before the
   * convolution runs. The activation stays stored for the batch (the pooling gradient reads it).
   */
  private void fusePoolingIntoConvolutions() {
    for (int c = 0; c < steps.size(); c++) {
      Step conv = steps.get(c);
      if (conv.kind != Step.Kind.LIBRARY
          || conv.epilogue == null
          || conv.pooled != null
          || kernelOf(conv.anchor) != LibraryKernel.CONV2D_FORWARD) {
        continue;
      }
      Step pool = null;
      Set<Step> afterConv = null;
      for (Step s : steps) {
        LibraryKernel k = s.kind == Step.Kind.LIBRARY ? kernelOf(s.anchor) : null;
        if (k != LibraryKernel.MAX_POOL_FORWARD && k != LibraryKernel.AVG_POOL_FORWARD
            || !conv.epilogue.outputs.contains(s.anchor.input(0))) {
          continue;
        }
        if (afterConv == null) {
          afterConv = stepsDependingOn(conv);
        }
        boolean ready = true;
        for (Node read : s.reads) {
          Step p = producer.get(read);
          if (read != s.anchor.input(0) && p != null && (p == conv || afterConv.contains(p))) {
            ready = false;
            break;
          }
        }
        if (ready) {
          pool = s;
          break;
        }
      }
      if (pool == null) {
        continue;
      }
      List<Node> nodes = new ArrayList<>(conv.nodes);
      nodes.addAll(pool.nodes);
      nodes.sort(Comparator.comparingInt(position::get));
      List<Node> outs = new ArrayList<>(conv.outputs);
      outs.addAll(pool.outputs);
      List<Node> reads = new ArrayList<>(conv.reads);
      for (Node read : pool.reads) {
        if (!conv.outputs.contains(read) && !reads.contains(read)) {
          reads.add(read);
        }
      }
      Step merged =
          new Step(Step.Kind.LIBRARY, nodes, outs, reads, conv.anchor, 1, conv.epilogue, pool);
      steps.set(c, merged);
      steps.remove(pool);
      c = steps.indexOf(merged);
      for (Node out : merged.outputs) {
        producer.put(out, merged);
      }
    }
  }

  /** Whether some member of {@code step} reads y through a view (a reshape) rather than as y. */
  private static boolean readsThroughView(Step step, Node y) {
    for (Node m : step.nodes) {
      for (Node in : m.inputs()) {
        if (in != y && resolve(in) == y) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The steps that must run before {@code step}: producers of what it reads, and in-place ordering.
   */
  private final Map<Step, List<Step>> extraBefore = new IdentityHashMap<>();

  private List<Step> predecessors(Step step) {
    List<Step> before = new ArrayList<>();
    for (Node read : step.reads) {
      Step p = producer.get(read);
      if (p != null && !before.contains(p)) {
        before.add(p);
      }
    }
    for (Step p : extraBefore.getOrDefault(step, List.of())) {
      if (!before.contains(p)) {
        before.add(p);
      }
    }
    return before;
  }

  /**
   * Writing {@code new/P} into P's buffer is safe when (a) it is the output of a generated
   * elementwise kernel, which reads each element of P (at P's own shape) before writing that
   * element, (b) every other step that reads P runs before that kernel (an ordering edge is added;
   * a step that depends on the kernel would make a cycle, so then P keeps a separate buffer), and
   * (c) P's value is not itself an output of the function.
   */
  private void chooseInPlace() {
    Map<String, Node> params = graph.params();
    for (Map.Entry<String, Node> e : graph.outputs().entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("new/")) {
        continue;
      }
      Node param = params.get(name.substring(4));
      Node value = e.getValue();
      Step writer = producer.get(value);
      if (param == null
          || writer == null
          || writer.kind != Step.Kind.ELEMENTWISE
          || inPlace.containsKey(value)
          || !value.shape().equals(param.shape())
          || outputNodes.contains(param)
          || inPlace.containsValue(param)
          || readsAtOtherShape(writer, param, value)) {
        continue;
      }
      boolean paramIsOutputView =
          graph.outputs().values().stream().anyMatch(o -> resolve(o) == param);
      if (paramIsOutputView) {
        continue;
      }
      List<Step> readers = new ArrayList<>();
      for (Step s : steps) {
        if (s != writer && s.reads.contains(param)) {
          readers.add(s);
        }
      }
      Set<Step> after = stepsDependingOn(writer);
      if (readers.stream().anyMatch(after::contains)) {
        continue;
      }
      extraBefore.computeIfAbsent(writer, k -> new ArrayList<>()).addAll(readers);
      inPlace.put(value, param);
    }
  }

  private static boolean readsAtOtherShape(Step writer, Node param, Node value) {
    for (Node m : writer.nodes) {
      for (Node in : m.inputs()) {
        if (resolve(in) == param && !in.shape().equals(value.shape())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Every step that runs after {@code root} because it depends on it, directly or not (one graph
   * search).
   */
  private Set<Step> stepsDependingOn(Step root) {
    Map<Step, List<Step>> successors = new IdentityHashMap<>();
    long visits = 0;
    for (Step s : steps) {
      for (Step p : predecessors(s)) {
        successors.computeIfAbsent(p, k -> new ArrayList<>()).add(s);
        visits++;
      }
    }
    Set<Step> result = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Step> work = new ArrayDeque<>(successors.getOrDefault(root, List.of()));
    while (!work.isEmpty()) {
      Step s = work.pop();
      if (result.add(s)) {
        work.addAll(successors.getOrDefault(s, List.of()));
        visits++;
      }
    }
    PassWork.add(visits + steps.size());
    result.remove(root);
    return result;
  }

  /**
   * Kahn's algorithm; among ready steps the one whose earliest node comes first in graph order runs
   * first.
   */
  private void schedule() {
    Map<Step, Integer> pending = new IdentityHashMap<>();
    Map<Step, List<Step>> successors = new IdentityHashMap<>();
    Map<Step, Integer> key = new IdentityHashMap<>();
    for (Step s : steps) {
      successors.put(s, new ArrayList<>());
      key.put(s, s.nodes.stream().mapToInt(position::get).min().orElse(0));
    }
    for (Step s : steps) {
      List<Step> before = predecessors(s);
      pending.put(s, before.size());
      for (Step p : before) {
        successors.get(p).add(s);
      }
    }
    PriorityQueue<Step> ready = new PriorityQueue<>(Comparator.comparingInt(key::get));
    for (Step s : steps) {
      if (pending.get(s) == 0) {
        ready.add(s);
      }
    }
    List<Step> scheduled = new ArrayList<>();
    while (!ready.isEmpty()) {
      Step s = ready.poll();
      s.index = scheduled.size();
      scheduled.add(s);
      for (Step next : successors.get(s)) {
        if (pending.merge(next, -1, Integer::sum) == 0) {
          ready.add(next);
        }
      }
    }
    if (scheduled.size() != steps.size()) {
      if (!exactCycleCheck) {
        throw new CycleFound();
      }
      throw new IllegalStateException("the fused steps form a cycle; graph:\n" + graph);
    }
    steps.clear();
    steps.addAll(scheduled);
  }

  /** The reduced axes of a REDUCE_SUM or REDUCE_MAX node. */
  static List<Integer> reduceAxes(Node r) {
    return ((Attrs.Reduce) r.attrs()).axes();
  }
}
