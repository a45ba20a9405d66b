package convnet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.optim.Optimizer;
import convnet.autodiff.optim.Sgd;
import convnet.compiler.CompiledFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training step run in place on its buffers ends with bitwise the values that the same steps give
 * through {@code run(Map)}, copying parameters in and updates out, on either backend.
 */
class BoundFunctionTest {
  private static final int BATCH = 3;
  private static final int STEPS = 4;

  /** Parameters and momentum after {@link #STEPS} steps through {@code run(Map)}. */
  private static Map<String, Tensor> byMaps(
      Executable step,
      Map<String, Tensor> start,
      List<String> carried,
      List<Map<String, Tensor>> batches) {
    Map<String, Tensor> state = new LinkedHashMap<>(start);
    for (Map<String, Tensor> batch : batches) {
      Map<String, Tensor> values = new HashMap<>(state);
      values.putAll(batch);
      Map<String, Tensor> out = step.run(values);
      for (String name : carried) {
        state.put(name, out.get(NetworkModel.NEW + name));
      }
    }
    return state;
  }

  /**
   * The same through a {@link BoundFunction}: values set once, batches written into its buffers.
   */
  private static Map<String, Tensor> inPlace(
      Function f,
      Executable step,
      Map<String, Tensor> start,
      List<String> carried,
      List<Map<String, Tensor>> batches) {
    BoundFunction bound = BoundFunction.of(f, step);
    for (String name : carried) {
      bound.carry(name, NetworkModel.NEW + name);
    }
    start.forEach(bound::set);
    for (Map<String, Tensor> batch : batches) {
      batch.forEach(bound::set);
      bound.run();
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String name : start.keySet()) {
      out.put(name, bound.value(name));
    }
    return out;
  }

  private static List<Map<String, Tensor>> batches(NetworkModel m, long seed) {
    Random r = new Random(seed);
    List<Map<String, Tensor>> list = new ArrayList<>();
    for (int s = 0; s < STEPS; s++) {
      Map<String, Tensor> b = new HashMap<>();
      b.put("input", OptimizerTest.normal(r, m.inputShape(BATCH), 1));
      int[] labels = new int[BATCH];
      for (int i = 0; i < BATCH; i++) {
        labels[i] = r.nextInt(5);
      }
      b.put("labels", NetworkModel.oneHot(labels, 5));
      b.put(NetworkModel.LEARNING_RATE, Tensor.scalar(0.05 / (s + 1)));
      list.add(b);
    }
    return list;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void inPlaceStepsMatchMapCallsBitwiseOnBothBackends(long seed) {
    NetworkModel m = OptimizerTest.model();
    Optimizer sgd = new Sgd(0.9, 1e-3, false);
    // The first stage frozen: its parameters are read but never carried.
    Set<String> frozen = Set.of("L1_conv.weight", "L1_conv.bias", "L1_conv.gain");
    Function f = m.trainingFunction(BATCH, sgd, frozen);
    Map<String, Tensor> start = new LinkedHashMap<>(m.init(seed));
    List<String> carried = new ArrayList<>();
    Random r = new Random(seed + 100);
    for (String p : m.parameterNames()) {
      if (!frozen.contains(p)) {
        carried.add(p);
        carried.add(Sgd.VELOCITY + p);
        start.put(
            Sgd.VELOCITY + p,
            OptimizerTest.normal(r, start.get(p).shape(), 0.01).map(v -> (float) v));
      }
    }
    List<Map<String, Tensor>> batches = batches(m, seed);
    Map<String, Tensor> expected =
        byMaps(Backends.prepare(f, Backend.COMPILED), start, carried, batches);
    for (Executable step :
        List.of(
            Backends.prepareStep(f, Backend.COMPILED),
            Backends.prepare(f, Backend.COMPILED),
            Backends.prepare(f, Backend.INTERPRETED))) {
      Map<String, Tensor> expectedHere =
          step instanceof CompiledFunction ? expected : byMaps(step, start, carried, batches);
      Map<String, Tensor> got = inPlace(f, step, start, carried, batches);
      assertEquals(expectedHere.keySet(), got.keySet(), "seed " + seed);
      for (String name : expectedHere.keySet()) {
        assertArrayEquals(
            expectedHere.get(name).data(),
            got.get(name).data(),
            "seed " + seed + ", " + name + " on " + step.getClass().getSimpleName());
      }
      for (String name : frozen) {
        assertEquals(start.get(name).shape(), got.get(name).shape());
        assertArrayEquals(
            start.get(name).data(), got.get(name).data(), "frozen " + name + " unchanged");
      }
    }
  }

  @Test
  void valuesTheFunctionDoesNotReadAreKeptAndCarriedAlongside() {
    NetworkModel m = OptimizerTest.model();
    Function f = m.trainingFunction(BATCH, new Sgd(0.9, 0, false), Set.of());
    BoundFunction bound = BoundFunction.of(f, Backends.prepareStep(f, Backend.COMPILED));
    Tensor extra = Tensor.wrap(Shape.of(2), new double[] {0.1, 0.2});
    bound.set("not/read", extra);
    assertSame(extra, bound.value("not/read"), "kept as given, not rounded");
    String weight = m.parameterNames().get(0);
    bound.carry("copy/of/" + weight, NetworkModel.NEW + weight);
    m.init(1).forEach(bound::set);
    for (String p : m.parameterNames()) {
      bound.set(Sgd.VELOCITY + p, Tensor.zeros(m.init(1).get(p).shape()));
    }
    batches(m, 1).get(0).forEach(bound::set);
    bound.run();
    float[] updated = bound.buffer(NetworkModel.NEW + weight);
    double[] copy = bound.value("copy/of/" + weight).data();
    for (int i = 0; i < copy.length; i++) {
      assertEquals(updated[i], copy[i], 0.0, "element " + i);
    }
    assertThrows(IllegalArgumentException.class, () -> bound.carry("x", "no/such/output"));
    assertThrows(IllegalArgumentException.class, () -> bound.buffer("no/such/value"));
  }
}
