package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convnet bench --compare-torch} where no PyTorch can be run, its usage errors, and the
 * parsing of the peer's answers; timings are never asserted.
 */
class CompareTorchTest {
  @TempDir Path dir;

  private static final String TINY =
      """
      network tiny {
          input 1x8x8
          2F3x3C - PA2x2
          logistic 3
      }
      """;

  private Path b1() {
    return Cli.examples().resolve("bench/b1.cnn");
  }

  /** An executable that stands in for Python and prints {@code line}, whatever its arguments. */
  private Path fakePython(String line) throws IOException {
    Path p = dir.resolve("python");
    Files.writeString(p, "#!/bin/sh\necho '" + line + "'\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  @Test
  void aPythonThatCannotRunIsAClearErrorWithExitStatusOne() {
    Cli.Run r =
        Cli.run(
            "bench",
            b1(),
            "--compare-torch",
            "--python",
            dir.resolve("no-such-python"),
            "--rounds",
            "1",
            "--no-quiet");
    assertEquals(1, r.status(), r.toString());
    assertTrue(r.err().contains("cannot run") && r.err().contains("python3-torch"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void aPythonWithoutPyTorchSaysWhatToInstall() throws IOException {
    Path python = fakePython("{\"error\": \"PyTorch is not importable: No module named torch\"}");
    Cli.Run r =
        Cli.run(
            "bench", b1(), "--compare-torch", "--python", python, "--rounds", "1", "--no-quiet");
    assertEquals(1, r.status(), r.toString());
    assertTrue(
        r.err().contains("not importable") && r.err().contains("apt-get install -y python3-torch"),
        r.err());
    assertEquals("", r.out());
  }

  @Test
  void aPeerThatPrintsNonsenseOrEndsIsReportedNotACrash() throws IOException {
    Cli.Run garbage =
        Cli.run(
            "bench",
            b1(),
            "--compare-torch",
            "--python",
            fakePython("hello"),
            "--rounds",
            "1",
            "--no-quiet");
    assertEquals(1, garbage.status(), garbage.toString());
    assertTrue(garbage.err().contains("instead of a JSON answer"), garbage.err());
    Path silent = dir.resolve("silent");
    Files.writeString(silent, "#!/bin/sh\necho 'torch exploded' >&2\nexit 1\n");
    Files.setPosixFilePermissions(silent, PosixFilePermissions.fromString("rwx------"));
    Cli.Run ended =
        Cli.run(
            "bench", b1(), "--compare-torch", "--python", silent, "--rounds", "1", "--no-quiet");
    assertEquals(1, ended.status(), ended.toString());
    assertTrue(
        ended.err().contains("ended while starting") && ended.err().contains("torch exploded"),
        ended.err());
  }

  @Test
  void usageErrorsExitWithTwoBeforeAnythingRuns() throws IOException {
    Path tiny = Cli.write(dir, "tiny.cnn", TINY);
    Cli.Run noPeer =
        Cli.run("bench", tiny, "--compare-torch", "--python", dir.resolve("no-such-python"));
    assertEquals(2, noPeer.status(), noPeer.toString());
    assertTrue(
        noPeer.err().contains("has no PyTorch peer") && noPeer.err().contains("b1 .. b5"),
        noPeer.err());
    assertEquals(2, Cli.run("bench", b1(), "--compare-torch", "--rounds", "0").status());
    assertEquals(2, Cli.run("bench", b1(), "--compare-torch", "--lcn", "fast").status());
    assertEquals(2, Cli.run("bench", b1(), "--compare-torch", "--backend", "interpreted").status());
    Cli.Run stray = Cli.run("bench", tiny, "--rounds", "3");
    assertEquals(2, stray.status(), stray.toString());
    assertTrue(stray.err().contains("--rounds is an option of --compare-torch"), stray.err());
  }

  @Test
  void peerAnswersParse() {
    TorchPeer.Rate r =
        TorchPeer.parse(
            "{\"id\": \"B5\", \"batch\": 64, \"train_images_per_s\": 1660.5, "
                + "\"inference_images_per_s\": 4500, \"foreign_load\": 0.01, \"threads\": 2}");
    assertEquals(new TorchPeer.Rate("B5", 64, 1660.5, 4500, 0.01), r);
    TorchPeer.Rate noLoad =
        TorchPeer.parse(
            "{\"id\": \"B1\", \"batch\": 64, \"train_images_per_s\": 1, "
                + "\"inference_images_per_s\": 2}");
    assertEquals(0, noLoad.foreignLoad());
  }

  @Test
  void malformedPeerAnswersAreRefusedByName() {
    String[][] cases = {
      {"not json", "not JSON"},
      {"[1, 2]", "not a JSON object"},
      {"{\"batch\": 64, \"train_images_per_s\": 1, \"inference_images_per_s\": 2}", "'id'"},
      {"{\"id\": \"B1\", \"train_images_per_s\": 1, \"inference_images_per_s\": 2}", "'batch'"},
      {
        "{\"id\": \"B1\", \"batch\": 64, \"train_images_per_s\": -1, \"inference_images_per_s\": 2}",
        "'train_images_per_s'"
      },
      {
        "{\"id\": \"B1\", \"batch\": 64, \"train_images_per_s\": 1, \"inference_images_per_s\": \"fast\"}",
        "'inference_images_per_s'"
      },
    };
    for (String[] c : cases) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> TorchPeer.parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
    }
  }

  @Test
  void benchmarkNetworksMapToThePeersNames() {
    assertEquals(Optional.of("B1"), TorchPeer.peerId("b1"));
    assertEquals(Optional.of("B5"), TorchPeer.peerId("B5"));
    assertEquals(Optional.empty(), TorchPeer.peerId("b6"));
    assertEquals(Optional.empty(), TorchPeer.peerId("fashion"));
  }

  @Test
  void medianAndWholeStepRate() {
    assertEquals(2, BenchCommand.median(new double[] {3, 1, 2}));
    assertEquals(2.5, BenchCommand.median(new double[] {4, 1, 2, 3}));
    // 4.3 GFLOP per step of 64 images at 1,280 images/s: 20 steps/s, 86 GFLOP/s.
    assertEquals(86.0, BenchCommand.wholeGflops(4_300_000_000L, 1280, 64), 1e-9);
  }

  @Test
  void thePeerScriptShipsWithTheTool() throws IOException {
    try (var s = TorchPeer.class.getResourceAsStream(TorchPeer.SCRIPT)) {
      assertTrue(s != null, "torch_peer.py is on the class path");
      String text = new String(s.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      for (String id : new String[] {"\"B1\"", "\"B2\"", "\"B3\"", "\"B4\"", "\"B5\""}) {
        assertTrue(text.contains(id), id);
      }
      assertTrue(text.contains("--serve") && text.contains("--lcn"), "serve mode and the N option");
    }
  }
}
