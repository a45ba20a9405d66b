package convnet.runtime.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import convnet.runtime.errors.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2024-03-05T07:08:09Z"), ZoneOffset.UTC);

  @Test
  void defaultNameHasNetworkAndTimeAndNeverCollides() {
    RunFolder first = RunFolder.createDefault(dir.resolve("runs"), "jarrett fashion", clock);
    RunFolder second = RunFolder.createDefault(dir.resolve("runs"), "jarrett fashion", clock);
    assertEquals(dir.resolve("runs/jarrett_fashion-20240305-070809"), first.dir());
    assertEquals(dir.resolve("runs/jarrett_fashion-20240305-070809-2"), second.dir());
    assertTrue(Files.isDirectory(second.dir()));
  }

  @Test
  void pathsOfTheRunFiles() {
    RunFolder run = RunFolder.createAt(dir.resolve("r"));
    assertEquals(
        List.of(
            "weights-final.npz",
            "weights-best.npz",
            "checkpoint.npz",
            "checkpoint.json",
            "metrics.csv",
            "config.json",
            "confusion.csv",
            "confusion.txt",
            "train.log",
            "curves.png"),
        List.of(
                run.weightsFinal(),
                run.weightsBest(),
                run.checkpointNpz(),
                run.checkpointJson(),
                run.metricsCsv(),
                run.configJson(),
                run.confusionCsv(),
                run.confusionTxt(),
                run.trainLog(),
                run.curvesPng())
            .stream()
            .map(p -> p.getFileName().toString())
            .toList());
    assertTrue(run.weightsBest().startsWith(dir.resolve("r")));
  }

  @Test
  void nonEmptyFolderIsNeverOverwritten() throws Exception {
    Path existing = dir.resolve("done");
    Files.createDirectories(existing);
    Files.writeString(existing.resolve("metrics.csv"), "epoch\n1\n");
    UserError e = assertThrows(UserError.class, () -> RunFolder.createAt(existing));
    assertEquals(
        existing
            + ": folder exists and is not empty; a run never overwrites another: "
            + "choose a new --out, or --resume "
            + existing
            + " to continue it",
        e.getMessage());
    assertEquals("epoch\n1\n", Files.readString(existing.resolve("metrics.csv")));
    Path file = dir.resolve("file");
    Files.writeString(file, "x");
    assertEquals(
        file + ": exists and is not a folder; choose another --out",
        assertThrows(UserError.class, () -> RunFolder.createAt(file)).getMessage());
  }

  @Test
  void emptyExistingFolderIsUsed() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertEquals(empty, RunFolder.createAt(empty).dir());
  }

  @Test
  void resumeNeedsACheckpoint() throws Exception {
    RunFolder run = RunFolder.createAt(dir.resolve("r"));
    assertEquals(
        run.dir() + ": not a resumable run: it has no checkpoint.json",
        assertThrows(UserError.class, () -> RunFolder.openExisting(run.dir())).getMessage());
    RunFolder.writeJson(run.checkpointJson(), Map.of("epoch", 3));
    assertEquals(run.dir(), RunFolder.openExisting(run.dir()).dir());
    assertEquals(
        dir.resolve("nope") + ": no such run folder",
        assertThrows(UserError.class, () -> RunFolder.openExisting(dir.resolve("nope")))
            .getMessage());
  }

  record Config(String network, int epochs, double learningRate) {}

  @Test
  void jsonRoundTripAndCorruptJson() throws Exception {
    Path file = dir.resolve("checkpoint.json");
    RunFolder.writeJson(file, new Config("n", 3, 0.5));
    assertEquals(new Config("n", 3, 0.5), RunFolder.readJson(file, Config.class));
    Files.writeString(file, "{\"network\": \"n\",\n \"epochs\": ");
    UserError e = assertThrows(UserError.class, () -> RunFolder.readJson(file, Config.class));
    assertTrue(e.getMessage().startsWith(file + ": corrupt JSON: "), e.getMessage());
    assertTrue(e.getMessage().contains("(line 2, column"), e.getMessage());
    assertEquals(
        dir.resolve("none.json") + ": file not found",
        assertThrows(
                UserError.class, () -> RunFolder.readJson(dir.resolve("none.json"), Config.class))
            .getMessage());
  }

  @Test
  void configAndConfusionAreWritten() throws Exception {
    RunFolder run = RunFolder.createAt(dir.resolve("r"));
    run.writeConfig(new Config("jarrett", 10, 0.01));
    assertEquals(10, new ObjectMapper().readTree(run.configJson().toFile()).get("epochs").asInt());
    ConfusionMatrix m = new ConfusionMatrix(List.of("a", "b"));
    m.add(0, 1);
    run.writeConfusion(m);
    assertEquals(m.toCsv(), Files.readString(run.confusionCsv()));
    assertEquals(m.toText(), Files.readString(run.confusionTxt()));
  }
}
