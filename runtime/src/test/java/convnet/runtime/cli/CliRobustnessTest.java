package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.runtime.cli.Cli.Run;
import convnet.runtime.errors.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input met by a new user, each a regression case: the status says whose fault it is (1 the
 * files or data, 2 the command line), the message says where and why, and nothing is left half
 * done.
 */
class CliRobustnessTest {
  static final String NET = Cli.tinyNetwork(16);

  @TempDir Path dir;

  private Path net() throws IOException {
    return Cli.write(dir, "tiny.cnn", NET);
  }

  static void assertClean(Run r) {
    assertFalse(r.err().contains("internal error"), r.toString());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.toString());
    assertFalse(r.err().contains("WARN") || r.out().contains("WARN"), r.toString());
  }

  private List<String> train(Path net, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                net.toString(),
                "--data",
                "fashion-mnist-subset",
                "--backend",
                "interpreted",
                "--limit-train",
                "32",
                "--limit-test",
                "16"));
    a.addAll(List.of(extra));
    return a;
  }

  private Run run(List<String> args) {
    return Cli.run(args.toArray());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--epochs=-1",
        "--epochs=0",
        "--batch=0",
        "--lr=-1",
        "--lr=NaN",
        "--lr=Infinity",
        "--momentum=1",
        "--weight-decay=-1",
        "--backend=gpu",
        "--schedule=stp",
        "--schedule=step(every=0,gamma=2)",
        "--augment=rotate",
        "--augment=crop(pad=-1)",
        "--preprocess=whiten",
        "--preprocess=lcn(4)",
        "--protocol=X",
        "--protocol=RRR",
        "--protocol=U++",
        "--limit-train=0",
        "--limit-test=-5"
      })
  void aBadTrainFlagValueIsBadUsageAndCreatesNoRunFolder(String flag) throws IOException {
    Path out = dir.resolve("run");
    // Written after the defaults so that the bad value is the one picocli keeps.
    List<String> args = train(net(), "--out", out.toString());
    String name = flag.substring(0, flag.indexOf('='));
    int at = args.indexOf(name);
    if (at >= 0) {
      args.remove(at + 1);
      args.remove(at);
    }
    args.add(flag);
    Run r = run(args);
    assertEquals(2, r.status(), flag + ": " + r);
    assertTrue(r.err().contains(name.substring(2)), flag + ": the message names the flag: " + r);
    assertClean(r);
    assertFalse(Files.exists(out), flag + ": no run folder");
  }

  @Test
  void theSameBadValueInTheTrainBlockIsAnErrorInTheFile() throws IOException {
    Path net = Cli.write(dir, "bad.cnn", NET.replace("epochs = 1", "epochs = 0"));
    Run r = run(train(net, "--out", dir.resolve("run").toString()));
    assertEquals(1, r.status(), r.toString());
    assertTrue(r.err().contains("bad.cnn:"), r.toString());
    assertClean(r);
  }

  @Test
  void evalRejectsAZeroLimitAndABadPreprocessingAsUsage() throws IOException {
    Path net = net();
    Path w = dir.resolve("w.npz");
    assertEquals(0, Cli.run("init", net, "--out", w).status());
    Run zero =
        Cli.run(
            "eval",
            net,
            "--weights",
            w,
            "--data",
            "fashion-mnist-subset",
            "--limit-test",
            "0",
            "--backend",
            "interpreted");
    assertEquals(2, zero.status(), zero.toString());
    assertTrue(zero.err().contains("--limit-test"), zero.toString());
    Run prep =
        Cli.run(
            "eval",
            net,
            "--weights",
            w,
            "--data",
            "fashion-mnist-subset",
            "--preprocess",
            "lcn(2)",
            "--backend",
            "interpreted");
    assertEquals(2, prep.status(), prep.toString());
    assertTrue(prep.err().contains("--preprocess") && prep.err().contains("odd"), prep.toString());
    assertClean(prep);
  }

  @Test
  void graphHelpPrintsThePercentSignsWithoutAPicocliWarning() {
    Run r = Cli.run("graph", "--help");
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().contains("%3 = conv2d(%0, %1)"), r.toString());
    assertClean(r);
  }

  @Test
  void aBatchWhoseTensorsExceedOneJavaArrayIsBadUsageNotABug() throws IOException {
    Run r = Cli.run("graph", net(), "--batch", "2000000000");
    assertEquals(2, r.status(), r.toString());
    assertTrue(r.err().contains("too large") && r.err().contains("largest batch"), r.toString());
    assertClean(r);
    Path w = dir.resolve("w.npz");
    assertEquals(0, Cli.run("init", net(), "--out", w).status());
    Run eval =
        Cli.run(
            "eval",
            net(),
            "--weights",
            w,
            "--data",
            "fashion-mnist-subset",
            "--batch",
            "2000000000",
            "--backend",
            "interpreted");
    assertEquals(2, eval.status(), eval.toString());
    assertTrue(eval.err().contains("--batch 2000000000 is too large"), eval.toString());
    Run train = run(train(net(), "--batch", "2000000000", "--out", dir.resolve("r").toString()));
    assertEquals(2, train.status(), train.toString());
    assertTrue(train.err().contains("--batch 2000000000 is too large"), train.toString());
    Run ok = Cli.run("graph", net(), "--batch", "3");
    assertEquals(0, ok.status(), ok.toString());
  }

  @Test
  void aFolderGivenForAFileIsNamedAsAFolder() throws IOException {
    Path net = net();
    Path folder = Files.createDirectories(dir.resolve("folder"));
    Path w = dir.resolve("w.npz");
    assertEquals(0, Cli.run("init", net, "--out", w).status());
    Run weights =
        Cli.run("forward", net, "--weights", folder, "--input", w, "--out", dir.resolve("o.npz"));
    assertEquals(1, weights.status(), weights.toString());
    assertTrue(weights.err().contains("folder: is a folder"), weights.toString());
    Run evalWeights = Cli.run("eval", net, "--weights", folder);
    assertEquals(1, evalWeights.status(), evalWeights.toString());
    assertTrue(evalWeights.err().contains("is a folder"), evalWeights.toString());
    Run initOut = Cli.run("init", net, "--out", folder);
    assertEquals(1, initOut.status(), initOut.toString());
    assertTrue(
        initOut.err().contains("is a folder") && !initOut.err().contains(".tmp"),
        initOut.toString());
    Run empty = Cli.run("init", net, "--out", "");
    assertEquals(2, empty.status(), empty.toString());
    assertTrue(empty.err().contains("--out needs a file name"), empty.toString());
    assertClean(initOut);
    try (var files = Files.list(dir)) {
      assertTrue(
          files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
          "no temporary file is left behind");
    }
  }

  @Test
  void resumingWithAnotherNetworkFileNamesBothFiles() throws IOException {
    Path net = net();
    Path run = dir.resolve("run");
    Run first = run(train(net, "--out", run.toString()));
    assertEquals(0, first.status(), first.toString());
    Path other = Cli.write(dir, "other.cnn", NET.replace("2F5x5C", "3F5x5C"));
    Run r = Cli.run("train", other, "--resume", run, "--epochs", "2");
    assertEquals(1, r.status(), r.toString());
    assertTrue(r.err().contains("other.cnn") && r.err().contains("tiny.cnn"), r.toString());
    assertClean(r);
  }

  @Test
  void aParameterTooLargeForOneTensorIsAnErrorAtItsLayer() throws IOException {
    Path net =
        Cli.write(
            dir,
            "huge.cnn",
            "network h {\n    input 3x1024x1024\n    dense(100000)\n    logistic 10\n}\n");
    assertEquals(0, Cli.run("check", net).status(), "check still counts it");
    for (String command : List.of("init", "gradcheck", "graph")) {
      List<String> args = new ArrayList<>(List.of(command, net.toString()));
      if (command.equals("init")) {
        args.addAll(List.of("--out", dir.resolve("h.npz").toString()));
      }
      Run r = run(args);
      assertEquals(1, r.status(), command + ": " + r);
      assertTrue(
          r.err().contains("huge.cnn:3:5: error: parameter L1_dense.weight"), command + ": " + r);
      assertClean(r);
    }
    assertFalse(Files.exists(dir.resolve("h.npz")));
  }

  @Test
  void parametersThatCannotFitInMemoryAreRefusedBeforeAllocation() throws IOException {
    // 1,966,190,010 parameters: 15.7 GB as doubles. The check compares with this JVM's heap, so it
    // only bites where the heap is below twice that (every machine this suite runs on so far).
    long bytes = 1_966_190_010L * Double.BYTES;
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Runtime.getRuntime().maxMemory() / 2 < bytes,
        "the heap is large enough to hold the network");
    Path net =
        Cli.write(
            dir,
            "big.cnn",
            "network b {\n    input 3x256x256\n    dense(10000)\n    logistic 10\n}\n");
    Run r = Cli.run("init", net, "--out", dir.resolve("b.npz"));
    assertEquals(1, r.status(), r.toString());
    assertTrue(
        r.err().contains("1,966,190,010 parameters") && r.err().contains("-Xmx"), r.toString());
    assertClean(r);
    assertFalse(Files.exists(dir.resolve("b.npz")));
  }

  @Test
  void anOutputUnderAFileSaysWhichPathIsAFile() throws IOException {
    Path net = net();
    Run init = Cli.run("init", net, "--out", net.resolve("w.npz"));
    assertEquals(1, init.status(), init.toString());
    assertTrue(init.err().contains("tiny.cnn is a file, not a folder"), init.toString());
    Run missing = Cli.run("init", net, "--out", dir.resolve("no").resolve("w.npz"));
    assertEquals(1, missing.status(), missing.toString());
    assertTrue(missing.err().contains("no: no such folder"), missing.toString());
    assertFalse(Files.exists(dir.resolve("no")), "no folder is created for a file");
    Run train = run(train(net, "--out", net.resolve("run").toString()));
    assertEquals(1, train.status(), train.toString());
    assertTrue(
        train.err().contains("not a directory") || train.err().contains("not a folder"),
        train.toString());
    assertClean(train);
  }

  @Test
  void aFileSystemFailureIsToldInWordsWithoutTheTemporaryName() {
    String tmp = dir.resolve(".w.npz.123.tmp").toString();
    assertEquals(
        "in folder " + dir + ": permission denied",
        UserError.reason(new java.nio.file.AccessDeniedException(tmp)));
    assertEquals(
        dir + ": not a folder",
        UserError.reason(new java.nio.file.NotDirectoryException(dir.toString())));
    assertEquals("disk full", UserError.reason(new IOException("disk full")));
  }

  @Test
  void folderImagesResizedBeyondMemoryAreADataErrorAndABadSplitIsNeverIgnored() throws IOException {
    Path root = dir.resolve("images");
    for (String c : List.of("cats", "dogs")) {
      Files.createDirectories(root.resolve(c));
      for (int i = 0; i < 3; i++) {
        java.awt.image.BufferedImage image =
            new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
        javax.imageio.ImageIO.write(image, "png", root.resolve(c).resolve(i + ".png").toFile());
      }
    }
    Run ok = Cli.run("data", "folder:" + root, "--input", "3x8x8");
    assertEquals(0, ok.status(), ok.toString());
    Run huge = Cli.run("data", "folder:" + root, "--input", "3x100000x100000");
    assertEquals(1, huge.status(), huge.toString());
    assertTrue(huge.err().contains("too many to hold in memory"), huge.toString());
    assertClean(huge);
    Run fraction = Cli.run("data", "fashion-mnist-subset", "--test-fraction", "2");
    assertEquals(2, fraction.status(), fraction.toString());
    assertTrue(fraction.err().contains("--test-fraction"), fraction.toString());
  }

  @Test
  void runningOutOfHeapBecomesAUserErrorWithAdvice() {
    // A real exhaustion of the heap would slow the suite and other tests; the guard is what each
    // heavy command runs its work through.
    UserError e =
        org.junit.jupiter.api.Assertions.assertThrows(
            UserError.class,
            () ->
                OutOfMemory.guard(
                    "training",
                    () -> {
                      throw new OutOfMemoryError("Java heap space");
                    }));
    assertTrue(
        e.getMessage().startsWith("out of memory while training")
            && e.getMessage().contains("-Xmx"),
        e.getMessage());
  }

  @Test
  void anOutputThatIsAnInputOfTheCommandIsRefusedAndTheInputKept() throws IOException {
    Path net = net();
    Run init = Cli.run("init", net, "--out", net);
    assertEquals(2, init.status(), init.toString());
    assertTrue(init.err().contains("also an input"), init.toString());
    assertEquals(NET, Files.readString(net), "the network file is untouched");
    Path w = dir.resolve("w.npz");
    assertEquals(0, Cli.run("init", net, "--out", w).status());
    byte[] weights = Files.readAllBytes(w);
    Run forward =
        Cli.run(
            "forward",
            net,
            "--weights",
            w,
            "--input",
            dir.resolve("x.npy"),
            "--out",
            dir.resolve(".").resolve("w.npz"));
    assertEquals(2, forward.status(), forward.toString());
    assertTrue(
        java.util.Arrays.equals(weights, Files.readAllBytes(w)), "the weights are untouched");
  }
}
