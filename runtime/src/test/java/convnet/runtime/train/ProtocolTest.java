package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.runtime.cli.UserError;
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
  void wrongCountUnknownLetterAndUnsupervisedAreRefused() {
    assertTrue(assertThrows(UserError.class, () -> Protocol.parse("R+", 2)).getMessage()
        .contains("2 conv stages"));
    assertTrue(assertThrows(UserError.class, () -> Protocol.parse("RX", 2)).getMessage()
        .contains("'X' at position 2"));
    assertTrue(assertThrows(UserError.class, () -> Protocol.parse("U+R", 2)).getMessage()
        .contains("unsupervised"));
  }
}
