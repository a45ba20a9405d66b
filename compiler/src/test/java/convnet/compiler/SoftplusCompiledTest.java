package convnet.compiler;

import convnet.autodiff.Function;
import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.ScalarOp;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * softplus compiled against the interpreter, values and gradients, over a range where exp(x)
 * overflows float32.
 */
class SoftplusCompiledTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 2})
  void compiledMatchesInterpreted(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    // 1000 elements: the vector loop and its scalar tail both run.
    Shape s = Shape.of(8, 125);
    double[] v = new double[s.size()];
    for (int i = 0; i < v.length; i++) {
      // Mostly moderate values, and some beyond ±88, where exp overflows float32.
      v[i] = r.nextInt(10) == 0 ? 200 * (r.nextDouble() - 0.5) : 5 * r.nextGaussian();
    }
    Node x = b.param("x", s);
    Node y = b.unary(ScalarOp.SOFTPLUS, x);
    Node loss = b.sumAll(b.mul(y, b.constant(Nets.normal(r, s, 1))));
    Map<String, Node> outputs = new LinkedHashMap<>();
    outputs.put("y", y);
    outputs.put("loss", loss);
    outputs.put("grad/x", Grad.grad(b, loss, List.of(x)).get(0));
    OpDifferentialTest.check(
        new Function("softplus", Graph.of(outputs)),
        Map.of("x", Tensor.wrap(s, v)),
        "softplus seed " + seed,
        false);
  }
}
