package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The train block's {@code augment}: every step, its defaults, and positioned errors. */
class AugmentReadingTest {
  private static String source(String augment) {
    return """
        network t {
            input 1x28x28
            8F5x5C - relu - PM2x2
            logistic 10
            train {
                augment = %s
            }
        }
        """
        .formatted(augment);
  }

  @Test
  void everyStepReadsWithItsArgumentsInTableOrder() {
    CheckResult r =
        Checker.checkSource(
            source(
                "[flip, crop(pad=2), translate(px=1.5), rotate(10), "
                    + "scale(min=0.9, max=1.1), elastic]"),
            "t.cnn");
    assertTrue(
        r.ok(),
        () ->
            r.diagnostics()
                .render(
                    source(
                        "[flip, crop(pad=2), translate(px=1.5), rotate(10), scale(min=0.9, max=1.1), elastic]")));
    assertEquals(
        List.of(
            TrainSpec.Augmentation.of("flip"),
            TrainSpec.Augmentation.of("crop", 2),
            TrainSpec.Augmentation.of("translate", 1.5),
            TrainSpec.Augmentation.of("rotate", 10),
            TrainSpec.Augmentation.of("scale", 0.9, 1.1),
            TrainSpec.Augmentation.of("elastic", 4, 34)),
        r.network().train().augment());
    assertEquals("elastic(sigma=4,alpha=34)", r.network().train().augment().get(5).text());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "crop(pad=99999) | t.cnn:6:28: error: pad of 'crop' must be a whole number between 0 and 32 "
            + "(a shift of more than 32 pixels leaves nothing of the images these networks take), found 99999",
        "rotate(degrees=720) | t.cnn:6:34: error: degrees of 'rotate' must be between 0 and 180",
        "elastic(sigma=-1) | t.cnn:6:33: error: sigma of 'elastic' must be between 0 and 32",
        "elastic(alpha=1e9) | t.cnn:6:33: error: alpha of 'elastic' must be between 0 and 1000",
        "scale(min=2, max=1) | t.cnn:6:19: error: min of 'scale' (2) is larger than its max (1)",
        "scale(min=0.1, max=1) | t.cnn:6:29: error: min of 'scale' must be between 0.25 and 4",
        "crop | t.cnn:6:19: error: 'crop' needs 'pad'",
        "crop(pad=1.5) | t.cnn:6:28: error: pad of 'crop' must be a whole number, found '1.5'",
        "elastik | t.cnn:6:19: error: unknown augmentation 'elastik'",
        "elastic(beta=3) | t.cnn:6:27: error: unknown argument 'beta' of 'elastic'",
      })
  void badStepsArePositionedAndSayWhy(String augment, String expected) {
    CheckResult r = Checker.checkSource(source(augment), "t.cnn");
    assertFalse(r.ok(), augment + " was accepted");
    String rendered = r.diagnostics().render(source(augment));
    assertTrue(
        rendered.contains(expected.strip()), () -> "expected\n" + expected + "\nin\n" + rendered);
  }
}
