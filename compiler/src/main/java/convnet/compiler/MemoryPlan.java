package convnet.compiler;

import convnet.autodiff.Node;
import convnet.autodiff.PassWork;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code float[]} per slot. Inputs, parameters, constants and outputs keep a slot of their own
 * for the life of the function; every other value gets a slot when its step writes it and gives it
 * back after its last reader, so later values reuse it. A slot freed by step s is only handed out
 * to values written by later steps, so no kernel ever writes a slot it reads (in-place updates
 * aside, see {@link Planner}).
 */
final class MemoryPlan {
  /**
   * {@code -Dconvnet.memoryReuse=false} gives every value a slot of its own (to rule the plan out
   * when debugging).
   */
  static final boolean REUSE = !"false".equalsIgnoreCase(System.getProperty("convnet.memoryReuse"));

  /** What a buffer holds. */
  enum Role {
    INPUT,
    PARAM,
    CONSTANT,
    OUTPUT,
    TEMP
  }

  /**
   * A value's storage: its slot, its size in floats, its role, and the steps that write and last
   * read it.
   */
  static final class Buffer {
    final Node node;
    final Role role;
    final int size;
    final String name;
    int slot = -1;
    int written = -1;
    int lastRead = -1;

    Buffer(Node node, Role role, int size, String name) {
      this.node = node;
      this.role = role;
      this.size = size;
      this.name = name;
    }
  }

  final Map<Node, Buffer> buffers = new IdentityHashMap<>();
  final List<Integer> slotSizes = new ArrayList<>();
  final List<List<String>> slotContents = new ArrayList<>();

  MemoryPlan(Planner planner, Map<Node, Integer> sizeOverrides) {
    Map<Node, List<String>> outputNames = new IdentityHashMap<>();
    planner
        .graph
        .outputs()
        .forEach(
            (name, node) ->
                outputNames
                    .computeIfAbsent(planner.storage(node), k -> new ArrayList<>())
                    .add(name));
    Set<Node> outputStorage = Collections.newSetFromMap(new IdentityHashMap<>());
    outputStorage.addAll(outputNames.keySet());
    int temps = 0;
    // Leaves first (in graph order), then outputs and temporaries as steps write them.
    for (Node n : planner.order) {
      if (n.isInput() || n.isParam()) {
        Role role = n.isInput() ? Role.INPUT : Role.PARAM;
        buffers.put(n, new Buffer(n, role, Math.max(1, n.shape().size()), n.name()));
      }
    }
    for (Step step : planner.steps) {
      for (Node read : step.reads) {
        Node s = planner.storage(read);
        if (s.isConstant() && !buffers.containsKey(s)) {
          buffers.put(
              s, new Buffer(s, Role.CONSTANT, Math.max(1, s.shape().size()), "const " + s.shape()));
        }
      }
    }
    for (Node s : outputStorage) {
      if (s.isConstant() && !buffers.containsKey(s)) {
        buffers.put(
            s, new Buffer(s, Role.CONSTANT, Math.max(1, s.shape().size()), "const " + s.shape()));
      }
    }
    for (Step step : planner.steps) {
      for (Node out : step.outputs) {
        Node s = planner.storage(out);
        if (buffers.containsKey(s)) {
          buffers.get(s).written = step.index;
          continue;
        }
        int size = Math.max(1, sizeOverrides.getOrDefault(out, out.shape().size()));
        boolean isOutput = outputStorage.contains(s);
        String name = isOutput ? String.join(", ", outputNames.get(s)) : "t" + temps++;
        Buffer b = new Buffer(s, isOutput ? Role.OUTPUT : Role.TEMP, size, name);
        b.written = step.index;
        buffers.put(s, b);
      }
      for (Node read : step.reads) {
        Buffer b = buffers.get(planner.storage(read));
        if (b == null) {
          throw new IllegalStateException(
              "step " + step.index + " reads " + read + ", which no step writes");
        }
        b.lastRead = Math.max(b.lastRead, step.index);
      }
    }
    assignSlots(planner);
  }

  private void assignSlots(Planner planner) {
    Map<Node, Buffer> persistent = new LinkedHashMap<>();
    for (Role role : List.of(Role.INPUT, Role.PARAM, Role.CONSTANT, Role.OUTPUT)) {
      for (Node n : planner.order) {
        Buffer b = buffers.get(n);
        if (b != null && b.role == role && b.slot < 0) {
          b.slot = newSlot(b.size, b.name);
          persistent.put(n, b);
        }
      }
    }
    List<Integer> free = new ArrayList<>();
    // The temporaries whose slot comes free after each step, found once instead of by a scan per
    // step.
    Map<Integer, List<Buffer>> freedAfter = new java.util.HashMap<>();
    for (Buffer b : buffers.values()) {
      if (b.role == Role.TEMP) {
        freedAfter.computeIfAbsent(Math.max(b.lastRead, b.written), k -> new ArrayList<>()).add(b);
      }
    }
    long visits = buffers.size();
    for (Step step : planner.steps) {
      for (Node out : step.outputs) {
        Buffer b = buffers.get(planner.storage(out));
        if (b.role != Role.TEMP || b.slot >= 0) {
          continue;
        }
        int best = -1;
        for (int i = 0; REUSE && i < free.size(); i++) {
          int slot = free.get(i);
          int capacity = slotSizes.get(slot);
          // Best fit among slots at most 4x too large, so a small value never pins a big array.
          if (capacity >= b.size
              && capacity <= 4L * b.size
              && (best < 0 || capacity < slotSizes.get(free.get(best)))) {
            best = i;
          }
        }
        if (best >= 0) {
          b.slot = free.remove(best);
          slotContents.get(b.slot).add(b.name);
        } else {
          b.slot = newSlot(b.size, b.name);
        }
      }
      for (Buffer b : freedAfter.getOrDefault(step.index, List.of())) {
        if (b.slot >= 0) {
          free.add(b.slot);
        }
      }
      free.sort(null);
      visits += 1 + step.outputs.size() + free.size();
    }
    PassWork.add(visits);
  }

  private int newSlot(int size, String name) {
    slotSizes.add(size);
    slotContents.add(new ArrayList<>(List.of(name)));
    return slotSizes.size() - 1;
  }

  Buffer of(Planner planner, Node n) {
    Buffer b = buffers.get(planner.storage(n));
    if (b == null) {
      throw new IllegalStateException("no buffer for " + n);
    }
    return b;
  }

  int slot(Planner planner, Node n) {
    return of(planner, n).slot;
  }

  long totalBytes() {
    long total = 0;
    for (int size : slotSizes) {
      total += 4L * size;
    }
    return total;
  }
}
