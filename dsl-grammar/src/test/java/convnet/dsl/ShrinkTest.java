package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shrinker on synthetic predicates: it keeps the failure and removes everything else. */
class ShrinkTest {

  /** "Fails" when the network is valid and has a max pooling layer. */
  private static final Predicate<String> HAS_MAXPOOL =
      text -> {
        CheckResult r = Checker.checkSource(text, "s.cnn");
        return r.ok() && r.network().layers().stream().anyMatch(l -> l.kind() == LayerKind.MAXPOOL);
      };

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void shrinksToASingleMaxPoolOverATinyInput(int seed) {
    String text = null;
    Random random = new Random(seed);
    for (int i = 0; i < 100 && text == null; i++) {
      String t = RandomArchitectures.generate(random, RandomArchitectures.Options.small());
      if (HAS_MAXPOOL.test(t)) {
        text = t;
      }
    }
    assertTrue(text != null, "seed " + seed + ": no network with max pooling generated");
    String small = Shrink.shrink(text, HAS_MAXPOOL);
    assertTrue(
        HAS_MAXPOOL.test(small), "seed " + seed + ": the shrunk text must still fail:\n" + small);
    Network n = Checker.checkSource(small, "s.cnn").network();
    assertEquals(1, n.layers().size(), "seed " + seed + ":\n" + small);
    assertEquals(LayerKind.MAXPOOL, n.layers().get(0).kind(), "seed " + seed);
    assertEquals(1, n.input().channels(), "seed " + seed + ":\n" + small);
    assertTrue(Shrink.measure(small)[0] <= Shrink.measure(text)[0], "seed " + seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {3, 5})
  void shrinksNumbersToTheBoundary(int seed) {
    // "Fails" when the total parameter count is at least 100: the minimum keeps exactly enough.
    Predicate<String> big =
        text -> {
          CheckResult r = Checker.checkSource(text, "s.cnn");
          return r.ok() && r.network().totalParameters() >= 100;
        };
    String text =
        "network n {\n input 3x16x16\n 20F5x5CSG - Rabs - PA2x2\n 30F3x3CS\n logistic 10\n}\n";
    String small = Shrink.shrink(text, big);
    long params = Checker.checkSource(small, "s.cnn").network().totalParameters();
    assertTrue(params >= 100, "seed " + seed + ":\n" + small);
    assertTrue(Shrink.measure(small)[0] < Shrink.measure(text)[0], "seed " + seed + ":\n" + small);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1})
  void returnsThePassingInputUnchanged(int seed) {
    String text =
        RandomArchitectures.generate(new Random(seed), RandomArchitectures.Options.small());
    assertEquals(text, Shrink.shrink(text, t -> false), "seed " + seed);
  }
}
