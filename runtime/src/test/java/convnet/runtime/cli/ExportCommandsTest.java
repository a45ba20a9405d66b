package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Without the onnx module on the class path (as in the default jar), 'convnet export' says how to
 * get it.
 */
class ExportCommandsTest {
  @Test
  void exportIsListedAndExplainsWhereItLives() {
    Cli.Run help = Cli.run("--help");
    assertEquals(0, help.status(), help.toString());
    assertTrue(help.out().contains("export"), help.toString());
    Cli.Run r = Cli.run("export", "net.cnn", "w.npz", "--onnx", "m.onnx");
    assertEquals(1, r.status(), r.toString());
    assertTrue(
        r.err().contains("does not include the onnx module")
            && r.err().contains("./convnet export"),
        r.toString());
    assertFalse(r.err().contains("Exception"), r.toString());
  }
}
