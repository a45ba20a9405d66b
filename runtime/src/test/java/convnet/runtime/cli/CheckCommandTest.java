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
  private static final String JARRETT =
      """
      network jarrett_fashion {
          input 1x28x28
          32F5x5CSG - Rabs - N - PA2x2
          64F5x5CSG - Rabs - N - PA2x2
          logistic 10
      }
      """;

  @TempDir Path dir;

  @Test
  void printsAnAlignedTableWithTotals() throws IOException {
    Cli.Run r = Cli.run("check", Cli.write(dir, "j.cnn", JARRETT).toString());
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
    Cli.Run r = Cli.run("check", Cli.write(dir, "j.cnn", JARRETT).toString(), "--json");
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
    Path p =
        Cli.write(
            dir,
            "bad.cnn",
            "network n {\n    input 1x28x28\n    32F5x5CSG - Rabz\n    8F99x99C\n    logistic 10\n}\n");
    Cli.Run r = Cli.run("check", p.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains(p + ":3:17: error: unknown layer 'Rabz'"), r.err());
    assertTrue(r.err().contains("                    ^^^^"), r.err());
    assertTrue(r.err().contains("hint: did you mean 'Rabs'?"), r.err());
    assertTrue(
        r.err().contains(p + ":4:5: error: kernel 99 is larger than its input height 24"), r.err());
    assertTrue(r.err().contains("2 errors"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void warningsDoNotChangeTheExitStatus() throws IOException {
    Cli.Run r =
        Cli.run(
            "check",
            Cli.write(
                    dir,
                    "w.cnn",
                    "network n {\n input 1x28x28\n 8F5x5C - maxpool(3x3, stride=2)\n logistic 10\n}\n")
                .toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(
        r.err().contains(":3:11: warning: pooling window 3 with stride 2 leaves the last 1 row"),
        r.err());
  }

  @Test
  void missingFileIsAUserError() {
    Cli.Run r = Cli.run("check", dir.resolve("nope.cnn").toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("nope.cnn: no such file"), r.err());
  }

  @Test
  void directoryIsAUserError() {
    Cli.Run r = Cli.run("check", dir.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("is a directory"), r.err());
  }

  @Test
  void binaryFileIsADiagnostic() throws IOException {
    Path p = dir.resolve("b.cnn");
    Files.write(p, new byte[] {'n', 'e', 't', 0, (byte) 0xff, 1, 2});
    Cli.Run r = Cli.run("check", p.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains(p + ":1:4: error: binary file: a NUL byte"), r.err());
  }

  @Test
  void badUsageExitsTwo() {
    assertEquals(2, Cli.run("check").status());
    assertEquals(2, Cli.run("check", "a.cnn", "--jsn").status());
  }

  @Test
  void helpSaysHowThingsAreCounted() {
    Cli.Run r = Cli.run("check", "--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("neurons") && r.out().contains("multiply-adds"), r.out());
  }

  @Test
  void jsonShowsRandomTablesOfTheTrainBlocksSeed() throws IOException {
    String net =
        "network t {\n input 4x12x12\n conv(maps=3, kernel=3x3, table=random(2))\n logistic 10\n"
            + " train {\n  seed = SEED\n }\n}\n";
    Cli.Run a =
        Cli.run("check", Cli.write(dir, "a.cnn", net.replace("SEED", "1")).toString(), "--json");
    Cli.Run b =
        Cli.run("check", Cli.write(dir, "b.cnn", net.replace("SEED", "2")).toString(), "--json");
    assertEquals(0, a.status(), a.err());
    JsonNode layer = new ObjectMapper().readTree(a.out()).get("layers").get(0);
    assertEquals(1, layer.get("table_seed").asLong());
    assertEquals(3, layer.get("table").size());
    assertEquals(2, layer.get("table").get(0).size());
    JsonNode other = new ObjectMapper().readTree(b.out()).get("layers").get(0);
    assertFalse(layer.get("table").equals(other.get("table")), "seeds 1 and 2 show one table");
  }

  @Test
  void dataThatIsNotHereFailsCheckAsItFailsTrainAndDataOverridesIt() throws IOException {
    String before = System.getProperty(convnet.dsl.DataNames.ROOT_PROPERTY);
    System.setProperty(convnet.dsl.DataNames.ROOT_PROPERTY, dir.resolve("no-datasets").toString());
    try {
      Path f =
          Cli.write(
              dir,
              "m.cnn",
              JARRETT.replace("logistic 10", "logistic 10\n train {\n data = mnist\n }"));
      Cli.Run check = Cli.run("check", f.toString());
      assertEquals(1, check.status(), check.out());
      assertTrue(
          check.err().contains("m.cnn:7:9: error: data set 'mnist' is not installed"), check.err());
      assertTrue(check.err().contains("--data idx:DIR"), check.err());
      Cli.Run train = Cli.run("train", f.toString(), "--out", dir.resolve("run").toString());
      assertEquals(1, train.status(), train.out());
      assertTrue(
          train.err().contains("m.cnn:7:9: error: data set 'mnist' is not installed"), train.err());
      assertFalse(Files.exists(dir.resolve("run")));
      Cli.Run with = Cli.run("check", f.toString(), "--data", "fashion-mnist-subset");
      assertEquals(0, with.status(), with.err());
      Cli.Run bad = Cli.run("check", f.toString(), "--data", "idx:" + dir.resolve("nothing-here"));
      assertEquals(1, bad.status(), bad.out());
      assertTrue(bad.err().contains("is not a directory"), bad.err());
    } finally {
      if (before == null) {
        System.clearProperty(convnet.dsl.DataNames.ROOT_PROPERTY);
      } else {
        System.setProperty(convnet.dsl.DataNames.ROOT_PROPERTY, before);
      }
    }
  }

  @Test
  void unsupervisedProtocolLettersPassCheckAndAWrongCountFailsAtItsPlaceAsTrainRefusesIt()
      throws IOException {
    Path f =
        Cli.write(
            dir,
            "u.cnn",
            JARRETT.replace("logistic 10", "logistic 10\n train {\n protocol = R+U+\n }"));
    Cli.Run check = Cli.run("check", f.toString());
    assertEquals(0, check.status(), check.err());
    Path bad =
        Cli.write(
            dir,
            "v.cnn",
            JARRETT.replace("logistic 10", "logistic 10\n train {\n protocol = R+U+U\n }"));
    Cli.Run checkBad = Cli.run("check", bad.toString());
    assertEquals(1, checkBad.status(), checkBad.out());
    assertTrue(
        checkBad.err().contains("v.cnn:7:13: error: protocol 'R+U+U' has 3 stage letters"),
        checkBad.err());
    Cli.Run train =
        Cli.run(
            "train",
            bad.toString(),
            "--data",
            "fashion-mnist-subset",
            "--out",
            dir.resolve("r").toString());
    assertEquals(1, train.status(), train.out());
    assertTrue(train.err().contains("has 3 stage letters"), train.err());
  }
}
