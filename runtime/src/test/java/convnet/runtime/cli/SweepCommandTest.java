package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convnet sweep: listing, running, recording runs that diverge or fail, and resuming after kill -9.
 */
class SweepCommandTest {
  @TempDir Path dir;

  static Path quick() {
    return Cli.examples().resolve("sweeps/quick.cnn");
  }

  @Test
  void listPrintsEveryVariantInPaperNotation() {
    Cli.Run r = Cli.run("sweep", quick(), "--list");
    assertEquals(0, r.status(), r::toString);
    assertTrue(
        r.out().startsWith("sweep quick: 4 variants x 1 protocol (R+) x 2 seeds = 8 runs\n"),
        r.out());
    assertTrue(
        r.out()
            .contains(
                "\nv1  Rabs / PA4x4  (1,558 parameters)\n    input 1x28x28\n    4F5x5CSG - Rabs - PA4x4\n"
                    + "    logistic 10\n"),
        r.out());
    assertTrue(
        r.out()
            .contains(
                "\nv4  tanh / PM4x4  (1,558 parameters)\n    input 1x28x28\n    4F5x5CSG - tanh - PM4x4\n"),
        r.out());
  }

  @Test
  void aBadSweepIsAPositionedErrorAndRunsNothing() throws IOException {
    Path bad = Cli.write(dir, "bad.cnn", Files.readString(quick()).replace("PM4x4", "PM40x40"));
    Cli.Run r = Cli.run("sweep", bad, "--out", dir.resolve("out"));
    assertEquals(1, r.status(), r::toString);
    assertTrue(
        r.err().contains("bad.cnn:15:25: error: window 40 is larger than its input height 24")
            && r.err().contains("(in variant Rabs / PM40x40)"),
        r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void badUsageExitsTwo() {
    assertEquals(2, Cli.run("sweep", quick(), "--executor", "yarn").status());
    assertEquals(2, Cli.run("sweep", quick(), "--master", "local[2]").status());
    assertEquals(2, Cli.run("sweep", quick(), "--workers", "0").status());
    assertEquals(2, Cli.run("sweep").status());
    assertEquals(2, Cli.run("sweep", quick(), "--resume", dir).status());
  }

  @Test
  void aSweepJsonWithAnUnknownBackendIsAUserErrorThatNamesIt() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("sweep"));
    Files.copy(quick(), folder.resolve("sweep.cnn"));
    Files.writeString(
        folder.resolve("sweep.json"),
        "{\"data\": \"fashion-mnist-subset\", \"threads_per_run\": 1, \"backend\": \"gpu\"}");
    Cli.Run r = Cli.run("sweep", "--resume", folder);
    assertEquals(1, r.status(), r::toString);
    assertTrue(
        r.err().contains("sweep.json: backend 'gpu': expected compiled or interpreted"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(folder.resolve("runs")));
  }

  @Test
  void divergedAndFailedRunsAreRecordedWithTheirReasonAndNeverAveraged() throws IOException {
    Path file =
        Cli.write(
            dir,
            "boom.cnn",
            """
        fn blowup(x) = exp(x * 200)
        sweep boom {
            input 1x28x28
            stage - PA4x4
            logistic 10
            train { epochs = 1  batch = 20 }
            vary stage = "tanh": 4F5x5C - tanh | "blowup": 4F5x5C - blowup | "nin": mlpconv(maps=[4, 4], kernel=5x5)
            protocols = [R+, U]
            limit_train = 40
            limit_test = 20
            rows = stage
            columns = protocol
        }
        """);
    Path out = dir.resolve("boom");
    Cli.Run r = Cli.run("sweep", file, "--out", out);
    assertEquals(0, r.status(), r::toString);
    List<String> rows = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(7, rows.size(), rows.toString());
    assertTrue(rows.get(1).startsWith("v001-R+-s1,tanh,tanh,R+,1,ok,"), rows.get(1));
    assertTrue(rows.get(2).startsWith("v001-U-s1,tanh,tanh,U,1,ok,"), rows.get(2));
    assertTrue(
        rows.get(3)
            .startsWith(
                "v002-R+-s1,blowup,blowup,R+,1,diverged,,,,,0,\"diverged at step 1: the output of layer L2_blowup"),
        rows.get(3));
    // PSD pre-trains filter banks only: a U stage that is an mlpconv fails when its run starts.
    assertTrue(rows.get(6).startsWith("v003-U-s1,nin,nin,U,1,failed,,,,,0,"), rows.get(6));
    assertTrue(rows.get(6).contains("L1_mlpconv"), rows.get(6));
    String table = Files.readString(out.resolve("table.md"));
    assertTrue(table.contains("| blowup | diverged |"), table);
    assertTrue(table.matches("(?s).*\\| nin \\| \\*\\*[0-9.]+\\*\\* \\| failed \\|.*"), table);
    // report.html: one row per run, each linked to its run's own report.
    String report = Files.readString(out.resolve("report.html"));
    assertTrue(report.contains("href=\"runs/v001-R+-s1/report.html\""), report);
    assertTrue(report.contains("diverged at step 1"), report);
  }

  /**
   * results.csv without its last column (seconds, the one field that differs between equal runs).
   */
  static String withoutSeconds(Path sweep) throws IOException {
    return Files.readAllLines(sweep.resolve("results.csv")).stream()
        .map(l -> l.substring(0, l.lastIndexOf(',')))
        .collect(Collectors.joining("\n"));
  }

  @Test
  void killedWithSigkillAndResumedGivesTheResultsOfASweepNeverStopped() throws Exception {
    Path killed = dir.resolve("killed");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "-Xss8m",
                "-cp",
                System.getProperty("java.class.path"),
                "convnet.runtime.cli.Main",
                "sweep",
                quick().toString(),
                "--workers",
                "1",
                "--out",
                killed.toString()));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    try {
      // Wait until one run is done and the next has checkpointed its first epoch, then kill -9
      // (SIGKILL).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      while (!midway(killed)) {
        assertTrue(
            p.isAlive(),
            () -> "the sweep ended before it could be killed:\n" + read(dir.resolve("child.log")));
        assertTrue(System.nanoTime() < deadline, "no run reached the middle in time");
        Thread.sleep(20);
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(
        Files.list(killed.resolve("outcomes")).count() < 8, "the sweep was not stopped early");
    Cli.Run resumed = Cli.run("sweep", "--resume", killed);
    assertEquals(0, resumed.status(), resumed::toString);
    assertTrue(resumed.out().contains("already done"), resumed.out());

    Path whole = dir.resolve("whole");
    Cli.Run uninterrupted = Cli.run("sweep", quick(), "--out", whole);
    assertEquals(0, uninterrupted.status(), uninterrupted::toString);
    assertEquals(withoutSeconds(whole), withoutSeconds(killed));
    assertEquals(
        Files.readString(whole.resolve("table.md")), Files.readString(killed.resolve("table.md")));
    assertEquals(
        Files.readString(whole.resolve("table.csv")),
        Files.readString(killed.resolve("table.csv")));
  }

  /** Some run has its outcome, and a run without one has a checkpoint after an epoch. */
  private static boolean midway(Path sweep) throws IOException {
    Path outcomes = sweep.resolve("outcomes");
    Path runs = sweep.resolve("runs");
    if (!Files.isDirectory(outcomes) || !Files.isDirectory(runs)) {
      return false;
    }
    List<String> done;
    try (Stream<Path> s = Files.list(outcomes)) {
      done = s.map(f -> f.getFileName().toString().replace(".json", "")).toList();
    }
    if (done.isEmpty()) {
      return false;
    }
    try (Stream<Path> s = Files.list(runs)) {
      for (Path run : s.toList()) {
        Path cp = run.resolve("checkpoint.json");
        if (!done.contains(run.getFileName().toString()) && Files.isRegularFile(cp)) {
          try {
            JsonNode j = new ObjectMapper().readTree(cp.toFile());
            if (j.path("epoch").asInt() >= 1) {
              return true;
            }
          } catch (IOException e) {
            // Being replaced right now: look again.
          }
        }
      }
    }
    return false;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }
}
