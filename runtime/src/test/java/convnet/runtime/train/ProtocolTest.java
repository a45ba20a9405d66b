package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.runtime.errors.UserError;
import org.junit.jupiter.api.Test;

/** Protocol letters: parsing, frozen stages, refusals. */
class ProtocolTest {
  @Test
  void lettersPerStage() {
    Protocol p = Protocol.parse("R+R", 2);
    assertFalse(p.frozen(0));
    assertTrue(p.frozen(1));
    assertEquals("R+R", p.toString());
    assertEquals("", Protocol.parse("", 0).toString());
  }

  @Test
  void wrongCountAndUnknownLetterAreRefused() {
    assertTrue(
        assertThrows(UserError.class, () -> Protocol.parse("R+", 2))
            .getMessage()
            .contains("2 conv stages"));
    assertTrue(
        assertThrows(UserError.class, () -> Protocol.parse("RX", 2))
            .getMessage()
            .contains("'X' at position 2"));
    assertTrue(
        assertThrows(UserError.class, () -> Protocol.parse("UU+", 1))
            .getMessage()
            .contains("1 conv stage"));
  }

  @Test
  void unsupervisedStagesAreTheUAndUPlusOnes() {
    Protocol p = Protocol.parse("U+RU", 3);
    assertEquals(java.util.List.of(0, 2), p.unsupervisedStages());
    assertFalse(p.frozen(0));
    assertTrue(p.frozen(2));
    assertEquals("U+RU", p.toString());
  }
}
