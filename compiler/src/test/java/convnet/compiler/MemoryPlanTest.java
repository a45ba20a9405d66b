package convnet.compiler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.rewrite.Pipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Properties of the partition and the memory plan on whole training steps. */
class MemoryPlanTest {

  private static Planner planner(Function f, boolean inPlace) {
    Graph g = Pipeline.forCodeGeneration().run(f.graph(), null).graph();
    return Planner.of(g, inPlace);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2})
  void slotsAreSharedOnlyByValuesThatAreNeverLiveTogether(long seed) {
    for (boolean inPlace : new boolean[] {false, true}) {
      Nets.Net net = seed == 1 ? Nets.vggLike(seed, 3) : Nets.jarrett(seed, 3);
      Planner p = planner(net.trainingStep("plan", net.logits), inPlace);
      MemoryPlan m = new MemoryPlan(p, Map.of());
      String context = "seed " + seed + " in place " + inPlace;
      Map<Integer, List<MemoryPlan.Buffer>> bySlot = new HashMap<>();
      for (MemoryPlan.Buffer b : m.buffers.values()) {
        bySlot.computeIfAbsent(b.slot, k -> new ArrayList<>()).add(b);
        assertTrue(
            m.slotSizes.get(b.slot) >= b.size, context + ": slot " + b.slot + " holds " + b.name);
      }
      for (List<MemoryPlan.Buffer> sharing : bySlot.values()) {
        for (MemoryPlan.Buffer a : sharing) {
          for (MemoryPlan.Buffer b : sharing) {
            if (a == b) {
              continue;
            }
            assertTrue(
                a.role == MemoryPlan.Role.TEMP && b.role == MemoryPlan.Role.TEMP,
                context + ": only temporaries share slots: " + a.name + ", " + b.name);
            boolean disjoint =
                Math.max(a.lastRead, a.written) < b.written
                    || Math.max(b.lastRead, b.written) < a.written;
            assertTrue(
                disjoint,
                context
                    + ": "
                    + a.name
                    + " ["
                    + a.written
                    + ", "
                    + a.lastRead
                    + "] and "
                    + b.name
                    + " ["
                    + b.written
                    + ", "
                    + b.lastRead
                    + "] overlap in slot "
                    + a.slot);
          }
        }
      }
      long temps = m.buffers.values().stream().filter(b -> b.role == MemoryPlan.Role.TEMP).count();
      long tempSlots =
          bySlot.values().stream().filter(l -> l.get(0).role == MemoryPlan.Role.TEMP).count();
      assertTrue(
          tempSlots < temps, context + ": " + temps + " temporaries in " + tempSlots + " slots");
      for (Step step : p.steps) {
        for (Node out : step.outputs) {
          int slot = m.slot(p, out);
          for (Node read : step.reads) {
            boolean sameSlot = m.slot(p, read) == slot;
            boolean allowed =
                inPlace && p.inPlace.get(Planner.resolve(out)) == Planner.resolve(read);
            assertTrue(
                !sameSlot || allowed,
                context + ": step " + step.index + " writes slot " + slot + " that it reads");
          }
        }
        for (Node read : step.reads) {
          for (Step other : p.steps) {
            assertFalse(
                other.outputs.contains(read) && other.index >= step.index,
                context
                    + ": step "
                    + step.index
                    + " reads "
                    + read
                    + " before step "
                    + other.index
                    + " writes it");
          }
        }
      }
      if (inPlace) {
        assertTrue(
            p.inPlace.size() == 2 * net.trainable.size(),
            context + ": every new/ value in place: " + p.inPlace);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1})
  void badValuesAreRejectedWithTheirName(long seed) {
    Nets.Net net = Nets.vggLike(seed, 2);
    CompiledFunction f =
        Compiler.compile(net.inference("bad", net.logits), CompileOptions.defaults());
    Map<String, Tensor> values = new HashMap<>(net.values);
    values.remove("L1_conv.weight");
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> f.run(values));
    assertTrue(
        missing.getMessage().contains("L1_conv.weight"),
        "seed " + seed + ": " + missing.getMessage());
    values.put("L1_conv.weight", Tensor.zeros(Shape.of(1, 2)));
    IllegalArgumentException shape =
        assertThrows(IllegalArgumentException.class, () -> f.run(values));
    assertTrue(shape.getMessage().contains("[1, 2]"), "seed " + seed + ": " + shape.getMessage());
    IllegalArgumentException name =
        assertThrows(IllegalArgumentException.class, () -> f.buffer("nope"));
    assertTrue(name.getMessage().contains("nope"), "seed " + seed + ": " + name.getMessage());
  }
}
