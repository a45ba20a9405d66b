package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.runtime.errors.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Learning-rate schedules: text forms, values per epoch, errors. */
class LearningRateScheduleTest {
  @Test
  void constantStepAndCosineValues() {
    assertEquals(0.1, LearningRateSchedule.parse("none").rate(0.1, 7, 10));
    LearningRateSchedule step = LearningRateSchedule.parse("step(every=3, gamma=0.5)");
    assertEquals(0.4, step.rate(0.4, 0, 10), 0);
    assertEquals(0.4, step.rate(0.4, 2, 10), 0);
    assertEquals(0.2, step.rate(0.4, 3, 10), 1e-15);
    assertEquals(0.1, step.rate(0.4, 6, 10), 1e-15);
    LearningRateSchedule cos = LearningRateSchedule.parse("cosine");
    assertEquals(0.2, cos.rate(0.2, 0, 4), 0);
    assertEquals(0.1, cos.rate(0.2, 2, 4), 1e-15);
    assertTrue(cos.rate(0.2, 3, 4) > 0 && cos.rate(0.2, 3, 4) < 0.1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "cosine", "step(every=2,gamma=0.1)"})
  void textFormsRoundTrip(String text) {
    LearningRateSchedule s = LearningRateSchedule.parse(text);
    assertEquals(s, LearningRateSchedule.parse(s.toString()));
  }

  @Test
  void shortStepFormAndConstantAlias() {
    assertEquals(LearningRateSchedule.step(5, 0.2), LearningRateSchedule.parse("step(5,0.2)"));
    assertEquals(LearningRateSchedule.NONE, LearningRateSchedule.parse("constant"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "linear",
        "step(every=0,gamma=0.1)",
        "step(every=2)",
        "step(every=2,gamma=-1)",
        "step(every=x,gamma=0.1)",
        "cosine(3)"
      })
  void badFormsSayWhatIsExpected(String text) {
    UserError e = assertThrows(UserError.class, () -> LearningRateSchedule.parse(text));
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }
}
