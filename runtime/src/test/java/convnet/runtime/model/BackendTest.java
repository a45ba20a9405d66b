package convnet.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import convnet.runtime.errors.UserError;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one reading of a backend's name, and its written form. */
class BackendTest {
  @Test
  void eachBackendIsReadBackFromItsKeyword() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (Backend b : Backend.values()) {
      assertEquals(Optional.of(b), Backend.named(b.keyword()));
      assertEquals(b, Backend.parse(b.keyword()));
      assertEquals(b.keyword(), b.toString());
      assertEquals("\"" + b.keyword() + "\"", json.writeValueAsString(b));
    }
    assertEquals("compiled", Backend.COMPILED.keyword());
    assertEquals("interpreted", Backend.INTERPRETED.keyword());
    assertEquals(Backend.COMPILED, Backend.DEFAULT);
  }

  @Test
  void anyOtherWordIsRefusedWithTheWordQuoted() {
    // Only the exact keywords: flags and files have always been matched as written.
    for (String word : new String[] {"gpu", "", "Compiled", " compiled", "INTERPRETED"}) {
      assertEquals(Optional.empty(), Backend.named(word), word);
      UserError e = assertThrows(UserError.class, () -> Backend.parse(word));
      assertEquals("backend '" + word + "': expected compiled or interpreted", e.getMessage());
    }
    assertEquals(Optional.empty(), Backend.named(null));
    assertTrue(
        assertThrows(UserError.class, () -> Backend.parse(null)).getMessage().contains("'null'"));
  }
}
