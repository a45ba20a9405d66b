package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint keeps the parameter order it is given: the order of the arrays it and the weights
 * files write.
 */
class CheckpointOrderTest {
  @Test
  void checkpointKeepsTheGivenParameterOrderSoWeightsFilesAreTheSameRunToRun() {
    List<String> names = new ArrayList<>();
    Map<String, Tensor> params = new LinkedHashMap<>();
    for (int k = 1; k <= 30; k++) {
      String name = "L" + k + "_conv.weight";
      names.add(name);
      params.put(name, Tensor.zeros(Shape.of(2)));
    }
    Checkpoint c = new Checkpoint(0, 0, 0, 0, 0, 0, Double.NaN, 0, params, params);
    assertEquals(names, List.copyOf(c.parameters().keySet()));
    assertEquals(names, List.copyOf(c.optimizerState().keySet()));
  }
}
