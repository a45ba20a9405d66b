package convnet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.check.Tolerance;
import convnet.dsl.LayerKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Over random architectures covering every layer kind, the simplified gradient function agrees with
 * central differences in float64 (|num − sym| ≤ 1e-5 + 1e-3·|num|). Kinks (relu, abs, max) are
 * handled by {@link RandomGradientCheck}, which retries steps ({@link
 * convnet.autodiff.check.GradientCheck.Options}): a probe that fails is repeated with smaller
 * steps, which no longer straddle the kink. A failure prints the seed and the architecture shrunk
 * to a minimal .cnn.
 */
class GradientProperties {
  /** Seeds checked on every build; {@code -Dgradient.seeds=N} checks N. */
  static LongStream seeds() {
    return LongStream.range(0, Long.getLong("gradient.seeds", 24));
  }

  @ParameterizedTest(name = "architecture {0}")
  @MethodSource("seeds")
  void randomArchitecturesGradientCheck(long seed) {
    RandomGradientCheck.Outcome o = RandomGradientCheck.run(seed, Tolerance.standard());
    assertTrue(
        o.passed(),
        () ->
            "seed "
                + seed
                + ": gradient check failed\n"
                + o.result().failureText()
                + "architecture:\n"
                + o.source()
                + "shrunk to:\n"
                + o.shrunk());
  }

  /**
   * Regressions: these architectures have a constant user function ({@code fn f1(x) = 3.25}), which
   * cuts the input and the layers before it off from the loss; their gradients must be zero
   * outputs, not missing ones.
   */
  @ParameterizedTest(name = "architecture {0}")
  @ValueSource(longs = {13, 14, 19})
  void pinnedArchitectures(long seed) {
    randomArchitecturesGradientCheck(seed);
  }

  /** The seeds above draw every layer kind, so the property covers them all. */
  @Test
  void theCheckedArchitecturesCoverEveryLayerKind() {
    Set<LayerKind> seen = EnumSet.noneOf(LayerKind.class);
    seeds()
        .forEach(
            seed ->
                NetworkModel.fromSource(
                        RandomGradientCheck.architecture(seed),
                        "r.cnn",
                        new PrintWriter(new StringWriter()))
                    .network()
                    .layers()
                    .forEach(l -> seen.add(l.kind())));
    assertEquals(
        EnumSet.allOf(LayerKind.class),
        seen,
        "layer kinds drawn by seeds " + seeds().boxed().toList());
  }
}
