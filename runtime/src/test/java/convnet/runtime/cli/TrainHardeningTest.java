package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults a hostile user met while training (issue "Hardening"), one test per case: files that
 * cannot be written, concurrent writers, thread counts, weights that are not finite or not whole,
 * corrupt checkpoints, and what config.json and the console say.
 */
class TrainHardeningTest {
  @TempDir Path dir;

  @AfterEach
  void noMoreFaults() {
    RunFolder.simulateFullDisk(null);
  }

  private Path net() throws IOException {
    Path p = dir.resolve("tiny.cnn");
    Files.writeString(p, TrainCommandTest.NET);
    return p;
  }

  private static Cli.Run train(Path net, String... extra) {
    List<Object> args = new ArrayList<>(List.of("train", net));
    args.addAll(List.of(TrainCommandTest.QUICK));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray());
  }

  /** A run stopped after 3 steps, to resume. */
  private Path stoppedRun(Path net, String name) {
    Path run = dir.resolve(name);
    Cli.Run r = train(net, "--out", run.toString(), "--stop-after-steps", "3");
    assertEquals(130, r.status(), r.toString());
    return run;
  }

  private static void assertCleanUserError(Cli.Run r, String... fragments) {
    assertEquals(1, r.status(), r.toString());
    assertFalse(r.err().contains("internal error") || r.err().contains("\tat "), r.toString());
    assertFalse(r.err().contains(".tmp"), "no temporary file's name: " + r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "'" + f + "' in: " + r.err());
    }
  }

  @Test
  void checkpointWrittenOnAFullDiskIsExit1NamingTheFileAndTheLastCheckpointIsKept()
      throws IOException {
    Path net = net();
    Path run = dir.resolve("run");
    AtomicInteger writes = new AtomicInteger();
    // The start's checkpoint is written; the one at the end of the epoch meets a full disk.
    RunFolder.simulateFullDisk(
        p -> p.getFileName().toString().equals("checkpoint.npz") && writes.incrementAndGet() > 1);
    Cli.Run r = train(net, "--out", run.toString());
    assertCleanUserError(
        r, run.resolve("checkpoint.npz") + ": cannot write: no space left on device");
    RunFolder.simulateFullDisk(null);
    Cli.Run resumed = Cli.run("train", net, "--resume", run, "--json");
    assertEquals(0, resumed.status(), resumed.toString());
  }

  @Test
  void everyFileOfARunMeetingAFullDiskIsExit1NamingIt() throws IOException {
    Path net = net();
    for (String file : List.of("metrics.csv", "confusion.csv", "confusion.txt", "curves.png")) {
      Path run = dir.resolve("run-" + file);
      AtomicInteger writes = new AtomicInteger();
      // metrics.csv is first written at the start (its header): fail the row of the epoch.
      int spare = file.equals("metrics.csv") ? 1 : 0;
      RunFolder.simulateFullDisk(
          p -> p.getFileName().toString().equals(file) && writes.incrementAndGet() > spare);
      assertCleanUserError(
          train(net, "--out", run.toString()), run.resolve(file) + ": cannot write");
      RunFolder.simulateFullDisk(null);
    }
  }

  @Test
  void fullDiskAtTheStartLeavesNoHalfRunAndTheFolderCanBeUsedAgain() throws IOException {
    Path net = net();
    Path fresh = dir.resolve("fresh");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    RunFolder.simulateFullDisk(p -> p.getFileName().toString().equals("checkpoint.npz"));
    assertCleanUserError(train(net, "--out", fresh.toString()), "no space left on device");
    assertFalse(Files.exists(fresh), "the folder the run created is removed");
    assertCleanUserError(train(net, "--out", empty.toString()), "no space left on device");
    try (var entries = Files.list(empty)) {
      assertEquals(List.of(), entries.toList(), "the given folder is left empty");
    }
    RunFolder.simulateFullDisk(null);
    Cli.Run again = train(net, "--out", empty.toString(), "--json");
    assertEquals(0, again.status(), again.toString());
  }

  @Test
  void resumeOfAFolderThatCannotBeWrittenIsExit1NamingTheFile() throws IOException {
    Path net = net();
    Path run = stoppedRun(net, "run");
    // A read-only folder: chmod stops everyone but root; run.lock made a folder stops root too.
    Files.delete(run.resolve("run.lock"));
    Files.createDirectories(run.resolve("run.lock").resolve("x"));
    assertCleanUserError(
        Cli.run("train", net, "--resume", run), run.resolve("run.lock") + ": cannot write");
    Files.delete(run.resolve("run.lock").resolve("x"));
    Files.delete(run.resolve("run.lock"));
    // The first file a resume rewrites.
    RunFolder.simulateFullDisk(p -> p.getFileName().toString().equals("config.json"));
    assertCleanUserError(
        Cli.run("train", net, "--resume", run), run.resolve("config.json") + ": cannot write");
  }

  @Test
  void trainLogOnAFullDiskIsExit1NamingIt() throws IOException {
    Path devFull = Path.of("/dev/full");
    Path net = net();
    Path run = stoppedRun(net, "run");
    Files.delete(run.resolve("train.log"));
    if (Files.exists(devFull)) {
      // A real full device: opening succeeds, every write fails with "No space left on device".
      Files.createSymbolicLink(run.resolve("train.log"), devFull);
      assertCleanUserError(
          Cli.run("train", net, "--resume", run), run.resolve("train.log") + ": cannot write");
    }
    // A log that cannot even be opened.
    Files.deleteIfExists(run.resolve("train.log"));
    Files.createDirectories(run.resolve("train.log").resolve("x"));
    assertCleanUserError(
        Cli.run("train", net, "--resume", run), run.resolve("train.log") + ": cannot open");
  }

  @Test
  void twoWritersOfOneRunFolderTheSecondIsRefused() throws IOException {
    Path net = net();
    Path run = stoppedRun(net, "run");
    try (RunFolder.Lock first = RunFolder.openExisting(run).lock()) {
      Cli.Run second = Cli.run("train", net, "--resume", run);
      assertCleanUserError(second, "another convnet process is writing this run folder");
    }
    Cli.Run after = Cli.run("train", net, "--resume", run, "--json");
    assertEquals(0, after.status(), "the lock is released with its holder: " + after);
  }

  @Test
  void aKilledWriterLeavesNoStuckLock() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("run"));
    Path lockFile = folder.resolve("run.lock");
    Files.writeString(folder.resolve("checkpoint.json"), "{}");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process holder =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                lockFile.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String line = new String(holder.getInputStream().readNBytes(7));
      assertEquals("locked\n", line.substring(0, Math.min(7, line.length())));
      RunFolder f = RunFolder.openExisting(folder);
      assertThrows(UserError.class, f::lock, "held by another process");
    } finally {
      holder.destroyForcibly();
      holder.waitFor(30, TimeUnit.SECONDS);
    }
    try (RunFolder.Lock lock = RunFolder.openExisting(folder).lock()) {
      assertTrue(Files.exists(lockFile));
    }
  }

  @Test
  void threadsFlagAndVariableRejectBadValuesAsUsageErrors() throws IOException {
    Path net = net();
    Cli.Run bad = train(net, "--threads", "abc", "--out", dir.resolve("x").toString());
    assertEquals(2, bad.status(), bad.toString());
    assertTrue(bad.err().contains("--threads must be a whole number"), bad.err());
    assertFalse(Files.exists(dir.resolve("x")));
    Map<String, List<Object>> required =
        Map.of(
            "eval",
            List.of("--weights", "w.npz"),
            "forward",
            List.of("--weights", "w.npz", "--input", "x.npy", "--out", "o.npz"),
            "bench",
            List.of(),
            "compile",
            List.of());
    for (String command : List.of("eval", "forward", "bench", "compile")) {
      List<Object> args = new ArrayList<>(List.of(command, net, "--threads", "0"));
      args.addAll(required.get(command));
      Cli.Run r = Cli.run(args.toArray());
      assertEquals(2, r.status(), command + ": " + r);
      assertTrue(r.err().contains("--threads must be between 1 and"), command + ": " + r.err());
    }
    UsageError env =
        assertThrows(
            UsageError.class, () -> ThreadsOption.resolve(null, Map.of("CONVNET_THREADS", "abc")));
    assertTrue(env.getMessage().contains("CONVNET_THREADS"), env.getMessage());
    assertEquals(3, ThreadsOption.resolve(null, Map.of("CONVNET_THREADS", "3")));
    assertEquals(2, ThreadsOption.resolve("2", Map.of("CONVNET_THREADS", "3")), "the flag wins");
  }

  @Test
  void identicalRunsOn1And2ThreadsWriteByteIdenticalWeights() throws IOException {
    Path net = net();
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    // The quick settings, on the compiled backend (the interpreter runs on one thread).
    String[] compiled = {
      "--data",
      "fashion-mnist-subset",
      "--limit-train",
      "320",
      "--limit-test",
      "160",
      "--backend",
      "compiled",
      "--json"
    };
    Cli.Run a =
        Cli.run(
            (Object[])
                concat(
                    concat(new String[] {"train", net.toString()}, compiled),
                    "--threads",
                    "1",
                    "--out",
                    one.toString()));
    Cli.Run b =
        Cli.run(
            (Object[])
                concat(
                    concat(new String[] {"train", net.toString()}, compiled),
                    "--threads",
                    "2",
                    "--out",
                    two.toString()));
    assertEquals(0, a.status(), a.toString());
    assertEquals(0, b.status(), b.toString());
    for (String file : List.of("weights-final.npz", "weights-best.npz", "checkpoint.npz")) {
      assertArrayEquals(
          Files.readAllBytes(one.resolve(file)), Files.readAllBytes(two.resolve(file)), file);
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** The network's initial weights with {@code bad} written at flat index 7 of L1_conv.weight. */
  private Path weightsWith(Path net, double bad) throws IOException {
    Map<String, Tensor> w = new LinkedHashMap<>(NetworkModel.load(net).init(1));
    Tensor t = w.get("L1_conv.weight");
    double[] d = t.data().clone();
    d[7] = bad;
    w.put("L1_conv.weight", Tensor.wrap(t.shape(), d));
    Path f = dir.resolve("w" + bad + ".npz");
    Npz.write(f, w, NpyType.FLOAT32);
    return f;
  }

  @Test
  void evalAndForwardRefuseWeightsHoldingNaNOrInfinityNamingArrayAndIndex() throws IOException {
    Path net = net();
    Path nan = weightsWith(net, Double.NaN);
    Path inf = weightsWith(net, Double.NEGATIVE_INFINITY);
    Cli.Run eval =
        Cli.run(
            "eval",
            net,
            "--weights",
            nan,
            "--data",
            "fashion-mnist-subset",
            "--backend",
            "interpreted");
    // L1_conv.weight is [4, 1, 5, 5]: flat index 7 is [0, 0, 1, 2].
    assertCleanUserError(eval, nan + ": array 'L1_conv.weight' holds NaN at index [0, 0, 1, 2]");
    Path input = dir.resolve("x.npy");
    convnet.autodiff.io.Npy.write(input, Tensor.zeros(Shape.of(1, 1, 28, 28)), NpyType.FLOAT32);
    Cli.Run forward =
        Cli.run("forward", net, "--weights", inf, "--input", input, "--out", dir.resolve("o.npz"));
    assertCleanUserError(forward, "array 'L1_conv.weight' holds -infinity at index [0, 0, 1, 2]");
    assertFalse(Files.exists(dir.resolve("o.npz")));
  }

  @Test
  void trainInitStartsFromGivenWeightsChecksThemAndRecordsThem() throws IOException {
    Path net = net();
    Map<String, Tensor> w = NetworkModel.load(net).init(99);
    Path init = dir.resolve("init.npz");
    Npz.write(init, w, NpyType.FLOAT32);
    Path run = dir.resolve("run");
    Cli.Run r =
        train(net, "--init", init.toString(), "--protocol", "R", "--out", run.toString(), "--json");
    assertEquals(0, r.status(), r.toString());
    // Protocol R keeps the stage's filters: they must be exactly the given ones.
    Map<String, Tensor> after = Npz.read(run.resolve("weights-final.npz"));
    assertEquals(w.get("L1_conv.weight"), after.get("L1_conv.weight"));
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals(init.toString(), config.get("init").asText());

    assertCleanUserError(
        train(
            net,
            "--init",
            weightsWith(net, Double.NaN).toString(),
            "--out",
            dir.resolve("nan").toString()),
        "holds NaN at index");
    assertFalse(Files.exists(dir.resolve("nan")));
    Map<String, Tensor> missing = new LinkedHashMap<>(w);
    missing.remove("L1_conv.gain");
    Path partial = dir.resolve("partial.npz");
    Npz.write(partial, missing, NpyType.FLOAT32);
    assertCleanUserError(
        train(net, "--init", partial.toString(), "--out", dir.resolve("p").toString()),
        "missing     L1_conv.gain");
    Cli.Run both = Cli.run("train", net, "--init", init, "--resume", run);
    assertEquals(2, both.status(), both.toString());
    assertTrue(both.err().contains("--init and --resume exclude each other"), both.err());
  }

  @Test
  void garbageCheckpointJsonIsRefusedNamingIt() throws IOException {
    Path net = net();
    Path run = stoppedRun(net, "run");
    Files.writeString(run.resolve("checkpoint.json"), "garbage {");
    assertCleanUserError(
        Cli.run("train", net, "--resume", run), run.resolve("checkpoint.json") + ": corrupt");
    Files.writeString(
        run.resolve("checkpoint.json"),
        "{\"format\": 1, \"epoch\": 0, \"batch\": 1, \"step\": 1e9}");
    assertCleanUserError(
        Cli.run("train", net, "--resume", run),
        run.resolve("checkpoint.json") + ": corrupt checkpoint");
  }

  @Test
  void corruptEpochCountIsBlamedOnTheCheckpointNotOnAnEpochsFlag() throws IOException {
    Path net = net();
    Path run = stoppedRun(net, "run");
    Map<String, Tensor> cp = new LinkedHashMap<>(Npz.read(run.resolve("checkpoint.npz")));
    double[] state = cp.get("checkpoint/state").data().clone();
    state[1] = 99; // epochs done
    cp.put("checkpoint/state", Tensor.wrap(Shape.of(9), state));
    Npz.write(run.resolve("checkpoint.npz"), cp, NpyType.FLOAT64);
    Cli.Run r = Cli.run("train", net, "--resume", run);
    assertCleanUserError(r, run.resolve("checkpoint.npz") + ": corrupt checkpoint");
    assertFalse(r.err().contains("--epochs"), r.err());
  }

  @Test
  void configRecordsTheNetworksNameAndFileAndOneEpochIsSingular() throws IOException {
    Path net = net();
    Path run = dir.resolve("run");
    Cli.Run r = train(net, "--out", run.toString());
    assertEquals(0, r.status(), r.toString());
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals("tiny", config.get("network").asText());
    assertEquals("tiny.cnn", config.get("network_file").asText());
    assertTrue(r.out().contains("done: 1 epoch, "), r.out());
  }

  @Test
  void truncatedWeightsAreRefusedNamingTheFile() throws IOException {
    Path net = net();
    Path w = dir.resolve("w.npz");
    Npz.write(w, NetworkModel.load(net).init(1), NpyType.FLOAT32);
    byte[] b = Files.readAllBytes(w);
    Files.write(w, Arrays.copyOf(b, b.length - 100));
    Cli.Run r =
        Cli.run(
            "eval",
            net,
            "--weights",
            w,
            "--data",
            "fashion-mnist-subset",
            "--backend",
            "interpreted");
    assertCleanUserError(r, w + ": corrupt zip archive");
  }
}
