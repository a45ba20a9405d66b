package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convnet check}: table, JSON, diagnostics and exit statuses. */
class CheckCommandTest {
  private static final String JARRETT = """
      network jarrett_fashion {
          input 1x28x28
          32F5x5CSG - Rabs - N - PA2x2
          64F5x5CSG - Rabs - N - PA2x2
          logistic 10
      }
      """;

  @TempDir Path dir;

  private static Cli.Run run(String... args) {
    return Cli.run((Object[]) args);
  }

  private Path file(String name, String text) throws IOException {
    return Cli.write(dir, name, text);
  }

  @Test
  void printsAnAlignedTableWithTotals() throws IOException {
    Cli.Run r = run("check", file("j.cnn", JARRETT).toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("L1_conv"), r.out());
    assertTrue(r.out().contains("32x24x24"), r.out());
    assertTrue(r.out().contains("L9_logistic"), r.out());
    String total = r.out().lines().filter(l -> l.startsWith("total")).findFirst().orElseThrow();
    // 32*25+64 + 64*32*25+128 + 10*1024+10 parameters.
    assertTrue(total.contains("62,442"), total);
    assertEquals("", r.err());
  }

  @Test
  void jsonHasLayersAndTotals() throws IOException {
    Cli.Run r = run("check", file("j.cnn", JARRETT).toString(), "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode root = new ObjectMapper().readTree(r.out());
    JsonNode first = root.get("layers").get(0);
    assertEquals("L1_conv", first.get("name").asText());
    assertEquals("conv", first.get("kind").asText());
    assertEquals("[32,24,24]", first.get("output").toString());
    assertEquals(864, first.get("parameters").asLong());
    assertEquals(32 * 24 * 24, first.get("neurons").asLong());
    assertEquals(32L * 24 * 24 * 25, first.get("connections").asLong());
    assertEquals(9, root.get("layers").size());
    assertEquals(62_442, root.get("totals").get("parameters").asLong());
    assertTrue(root.get("totals").has("neurons") && root.get("totals").has("connections"));
  }

  @Test
  void errorsPrintWithFileLineColumnCaretAndExitOne() throws IOException {
    Path p = file("bad.cnn", "network n {\n    input 1x28x28\n    32F5x5CSG - Rabz\n    8F99x99C\n    logistic 10\n}\n");
    Cli.Run r = run("check", p.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains(p + ":3:17: error: unknown layer 'Rabz'"), r.err());
    assertTrue(r.err().contains("                    ^^^^"), r.err());
    assertTrue(r.err().contains("hint: did you mean 'Rabs'?"), r.err());
    assertTrue(r.err().contains(p + ":4:5: error: kernel 99 is larger than its input height 24"), r.err());
    assertTrue(r.err().contains("2 errors"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void warningsDoNotChangeTheExitStatus() throws IOException {
    Cli.Run r = run("check", file("w.cnn", "network n {\n input 1x28x28\n 8F5x5C - maxpool(3x3, stride=2)\n logistic 10\n}\n").toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains(":3:11: warning: pooling window 3 with stride 2 leaves the last 1 row"), r.err());
  }

  @Test
  void missingFileIsAUserError() {
    Cli.Run r = run("check", dir.resolve("nope.cnn").toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("nope.cnn: no such file"), r.err());
  }

  @Test
  void directoryIsAUserError() {
    Cli.Run r = run("check", dir.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("is a directory"), r.err());
  }

  @Test
  void binaryFileIsADiagnostic() throws IOException {
    Path p = dir.resolve("b.cnn");
    Files.write(p, new byte[] {'n', 'e', 't', 0, (byte) 0xff, 1, 2});
    Cli.Run r = run("check", p.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains(p + ":1:4: error: binary file: a NUL byte"), r.err());
  }

  @Test
  void badUsageExitsTwo() {
    assertEquals(2, run("check").status());
    assertEquals(2, run("check", "a.cnn", "--jsn").status());
  }

  @Test
  void helpSaysHowThingsAreCounted() {
    Cli.Run r = run("check", "--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("neurons") && r.out().contains("multiply-adds"), r.out());
  }
}
