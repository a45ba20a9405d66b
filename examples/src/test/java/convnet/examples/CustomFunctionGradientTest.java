package convnet.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.runtime.api.ConvNet;
import convnet.runtime.api.GradientReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Example: a user-defined layer's gradient, checked from a JUnit test. The gradient of {@code
 * softsign} is derived symbolically by convnet; {@link ConvNet#checkGradients} compares it (and
 * every other parameter's) with finite differences and returns a value, so any test framework can
 * assert on it.
 */
class CustomFunctionGradientTest {
  static final String NETWORK =
      """
      fn softsign(x) = x / (1 + abs(x))
      network softsign_net {
          input 1x8x8
          conv(maps=3, kernel=3x3) - softsign - PA2x2
          logistic 3
      }
      """;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void softsignHasTheGradientItsFormulaSays(long seed) {
    ConvNet net = ConvNet.parse(NETWORK, "softsign.cnn");
    GradientReport report = net.checkGradients(null, seed);
    assertTrue(report.probes() > 0, "no probe was made");
    assertTrue(report.passed(), () -> "seed " + seed + ":\n" + report.summary());
  }
}
