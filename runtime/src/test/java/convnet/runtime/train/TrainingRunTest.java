package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Tensor;
import convnet.autodiff.io.Npz;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole runs on the shipped subset with a tiny network: learning, determinism, resume, faults. */
class TrainingRunTest {
  /** Small enough for the interpreter: one stage of 4 maps, pooled 4x4, then the classifier. */
  static final String NET =
      """
      network tiny {
          input 1x28x28
          4F5x5CSG - PA4x4
          dropout(0.25)
          logistic 10
          train {
              data = fashion-mnist
              epochs = 2
              batch = 32
              optimizer = sgd(lr=0.05, momentum=0.9, weight_decay=1e-4)
              schedule = cosine
              seed = 7
          }
      }
      """;

  @TempDir static Path shared;
  static Path netFile;
  static ModelBinding model;

  @TempDir Path dir;

  @BeforeAll
  static void writeNetwork() throws IOException {
    netFile = shared.resolve("tiny.cnn");
    Files.writeString(netFile, NET);
    model =
        ModelBinding.of(
            convnet.runtime.model.NetworkModel.load(
                netFile, new java.io.PrintWriter(System.err, true)),
            new java.io.PrintWriter(System.err, true));
  }

  static TrainConfig.Overrides flags(String data, Integer epochs, Double lr) {
    return TrainConfig.Overrides.parse(
        data,
        epochs,
        null,
        lr,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        Backend.INTERPRETED,
        320,
        200);
  }

  static final TrainConfig.Overrides SMALL = flags("fashion-mnist-subset", null, null);

  record Outcome(Trainer.Result result, String out) {}

  static Outcome run(Path out, Path resume, TrainConfig.Overrides o, StopSignal stop, boolean json)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Trainer.Result r =
        TrainingRun.execute(
            model, new TrainingRun.Request(netFile, o, out, resume, json), ps, stop);
    return new Outcome(r, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void learnsWellAboveChanceAndWritesEveryFile() throws IOException {
    Path out = dir.resolve("run");
    Outcome o = run(out, null, SMALL, StopSignal.manual(), false);
    assertEquals(Trainer.Status.FINISHED, o.result().status());
    List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(3, rows.size(), String.join("\n", rows));
    double loss1 = Double.parseDouble(rows.get(1).split(",")[2]);
    double loss2 = Double.parseDouble(rows.get(2).split(",")[2]);
    double test2 = Double.parseDouble(rows.get(2).split(",")[5]);
    // 10 balanced classes: chance is 10%. After 20 steps of 32 images this 4-map network reaches
    // 56-64% test accuracy (seeds 7, 8, 9), so 30% is clearly above chance with a wide margin.
    assertTrue(loss2 < loss1, rows.toString());
    assertTrue(test2 > 0.30, rows.toString());
    assertEquals(test2, o.result().report().testAccuracy(), 1e-5);
    for (String f :
        List.of(
            "weights-final.npz",
            "weights-best.npz",
            "confusion.txt",
            "confusion.csv",
            "curves.png",
            "train.log",
            "config.json",
            "checkpoint.npz",
            "checkpoint.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertTrue(Files.readString(out.resolve("confusion.txt")).contains("Trouser"));
    assertTrue(o.out().contains("epoch 2/2"), o.out());
    assertTrue(o.out().contains("done:"), o.out());
  }

  @Test
  void oneSeedTwiceGivesIdenticalWeights() throws IOException {
    TrainConfig.Overrides one = flags("fashion-mnist-subset", 1, null);
    run(dir.resolve("a"), null, one, StopSignal.manual(), true);
    run(dir.resolve("b"), null, one, StopSignal.manual(), true);
    assertEquals(
        Npz.read(dir.resolve("a/checkpoint.npz")), Npz.read(dir.resolve("b/checkpoint.npz")));
    assertEquals(
        Npz.read(dir.resolve("a/weights-final.npz")), Npz.read(dir.resolve("b/weights-final.npz")));
  }

  @Test
  void stoppedAndResumedRunsEndBitwiseEqualToAnUninterruptedOne() throws IOException {
    // 320 images in batches of 32: 10 steps per epoch. Stop mid-epoch 1 and mid-epoch 2.
    Path whole = dir.resolve("whole");
    run(whole, null, SMALL, StopSignal.manual(), true);
    Path parts = dir.resolve("parts");
    Outcome first = run(parts, null, SMALL, StopSignal.afterSteps(4), false);
    assertEquals(Trainer.Status.INTERRUPTED, first.result().status());
    assertEquals(4, first.result().checkpoint().step());
    assertTrue(first.out().contains("--resume " + parts), first.out());
    Outcome second = run(null, parts, TrainConfig.Overrides.NONE, StopSignal.afterSteps(13), true);
    assertEquals(Trainer.Status.INTERRUPTED, second.result().status());
    assertEquals(1, second.result().checkpoint().epoch());
    assertEquals(3, second.result().checkpoint().batch());
    Outcome third = run(null, parts, TrainConfig.Overrides.NONE, StopSignal.manual(), true);
    assertEquals(Trainer.Status.FINISHED, third.result().status());
    Map<String, Tensor> a = Npz.read(whole.resolve("checkpoint.npz"));
    Map<String, Tensor> b = Npz.read(parts.resolve("checkpoint.npz"));
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), k + " differs after resume");
    }
    // Contents, not bytes: zip entries carry their writing time.
    assertEquals(
        Npz.read(whole.resolve("weights-final.npz")), Npz.read(parts.resolve("weights-final.npz")));
    assertEquals(lossColumns(whole), lossColumns(parts));
  }

  @Test
  void withEveryAugmentationAStoppedAndResumedRunEqualsAnUninterruptedOne() throws IOException {
    // Augmentation is filled one batch ahead on another thread; none of that may show.
    TrainConfig.Overrides augmented =
        TrainConfig.Overrides.parse(
            "fashion-mnist-subset",
            null,
            null,
            null,
            null,
            null,
            null,
            "flip,crop(pad=2),translate(px=1.5),rotate(degrees=10),scale(min=0.9,max=1.1),elastic",
            null,
            null,
            null,
            Backend.INTERPRETED,
            320,
            200);
    Path whole = dir.resolve("whole");
    run(whole, null, augmented, StopSignal.manual(), true);
    Path parts = dir.resolve("parts");
    run(parts, null, augmented, StopSignal.afterSteps(13), true);
    run(null, parts, TrainConfig.Overrides.NONE, StopSignal.manual(), true);
    assertEquals(
        Npz.read(whole.resolve("weights-final.npz")), Npz.read(parts.resolve("weights-final.npz")));
    assertEquals(lossColumns(whole), lossColumns(parts));
    // And the augmentation did change training: the same run without it ends elsewhere.
    Path plain = dir.resolve("plain");
    run(plain, null, SMALL, StopSignal.manual(), true);
    assertNotEquals(lossColumns(whole), lossColumns(plain));
  }

  /** The metrics that must not depend on interruptions (timings do). */
  private static List<String> lossColumns(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.csv")).stream()
        .map(l -> String.join(",", List.of(l.split(",", -1)).subList(0, 6)))
        .toList();
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void aStopAtARandomStepThenResumeEqualsTheUninterruptedRun(long seed) throws IOException {
    int k = 1 + new java.util.Random(seed).nextInt(19);
    Path whole = dir.resolve("whole");
    run(whole, null, SMALL, StopSignal.manual(), true);
    Path parts = dir.resolve("parts");
    Outcome first = run(parts, null, SMALL, StopSignal.afterSteps(k), true);
    assertEquals(Trainer.Status.INTERRUPTED, first.result().status(), "seed " + seed);
    run(null, parts, TrainConfig.Overrides.NONE, StopSignal.manual(), true);
    assertEquals(
        Npz.read(whole.resolve("checkpoint.npz")),
        Npz.read(parts.resolve("checkpoint.npz")),
        "seed " + seed + ": stopped after step " + k);
  }

  @Test
  void aStopBeforeTrainingStartsLeavesNoFolder() {
    StopSignal stop = StopSignal.manual();
    stop.request();
    Path out = dir.resolve("early");
    UserError e = assertThrows(UserError.class, () -> run(out, null, SMALL, stop, true));
    assertTrue(e.getMessage().contains("no run folder"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void theShutdownHookWaitsForTheCheckpoint() throws Exception {
    // A run stopped at once leaves a resumable folder; its resume is then stopped by the hook.
    Path out = dir.resolve("hook");
    run(out, null, SMALL, StopSignal.afterSteps(0), true);
    StopSignal stop = StopSignal.manual();
    Thread hook = stop.shutdownHook(60);
    hook.start();
    while (!stop.requested()) {
      Thread.sleep(1);
    }
    Outcome o = run(null, out, TrainConfig.Overrides.NONE, stop, false);
    assertEquals(Trainer.Status.INTERRUPTED, o.result().status());
    assertTrue(hook.isAlive(), "the hook holds the JVM until the run is done");
    stop.markDone();
    hook.join(10_000);
    assertFalse(hook.isAlive());
    assertTrue(Files.isRegularFile(out.resolve("checkpoint.json")));
    assertTrue(o.out().contains("Continue with"), o.out());
  }

  @Test
  void divergingLearningRateStopsNamingTheStepAndTheLayer() throws IOException {
    Path out = dir.resolve("nan");
    TrainingDiverged e =
        assertThrows(
            TrainingDiverged.class,
            () -> run(out, null, flags("fashion-mnist-subset", 1, 1e6), StopSignal.manual(), true));
    assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
    assertTrue(e.culprit().contains("L"), e.culprit());
    assertTrue(e.getMessage().contains("epoch 1, batch "), e.getMessage());
    // The last good checkpoint is the initial one, untouched.
    assertEquals(
        0,
        Checkpoint.read(convnet.runtime.run.RunFolder.openExisting(out), shapes(), velocityShapes())
            .step());
    assertTrue(Files.readString(out.resolve("train.log")).contains("diverged"));
  }

  @Test
  void aDivergenceLateInAnEpochIsNamedAlikeWhetherOrNotTheRunWasResumed() throws IOException {
    // lr 1000 diverges at step 8 of the 10 of an epoch: the layer is named from the parameters
    // before that step, which the trainer recomputes from its last checkpoint (the epoch's start,
    // or the checkpoint a resumed run started from) instead of copying them before every step.
    TrainConfig.Overrides steep = flags("fashion-mnist-subset", 1, 1000.0);
    TrainingDiverged whole =
        assertThrows(
            TrainingDiverged.class,
            () -> run(dir.resolve("whole"), null, steep, StopSignal.manual(), true));
    assertTrue(whole.step() > 4, "diverges late enough to resume before it: " + whole.step());
    Path parts = dir.resolve("parts");
    run(parts, null, steep, StopSignal.afterSteps(3), true);
    TrainingDiverged resumed =
        assertThrows(
            TrainingDiverged.class,
            () -> run(null, parts, TrainConfig.Overrides.NONE, StopSignal.manual(), true));
    assertEquals(whole.step(), resumed.step());
    assertEquals(whole.culprit(), resumed.culprit());
    assertTrue(whole.culprit().startsWith("the output of layer L"), whole.culprit());
    String tail = "; first non-finite value: ";
    assertEquals(
        whole.getMessage().substring(0, whole.getMessage().indexOf(tail)),
        resumed.getMessage().substring(0, resumed.getMessage().indexOf(tail)));
  }

  private static Map<String, convnet.autodiff.Shape> shapes() {
    Map<String, convnet.autodiff.Shape> s = new java.util.LinkedHashMap<>();
    model.init(1).forEach((k, v) -> s.put(k, v.shape()));
    return s;
  }

  private static Map<String, convnet.autodiff.Shape> velocityShapes() {
    Map<String, convnet.autodiff.Shape> s = new java.util.LinkedHashMap<>();
    shapes().forEach((k, v) -> s.put("velocity/" + k, v));
    return s;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"adam(lr=0.01, weight_decay=1e-4)", "sgd(lr=0.05, momentum=0.9, nesterov=true)"})
  void adamAndNesterovTrainAndResumeBitwise(String optimizer) throws IOException {
    Path file = dir.resolve("opt.cnn");
    Files.writeString(
        file,
        NET.replace(
            "optimizer = sgd(lr=0.05, momentum=0.9, weight_decay=1e-4)",
            "optimizer = " + optimizer));
    ModelBinding m =
        ModelBinding.of(
            convnet.runtime.model.NetworkModel.load(
                file, new java.io.PrintWriter(System.err, true)),
            new java.io.PrintWriter(System.err, true));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Path whole = dir.resolve("whole");
    Trainer.Result r =
        TrainingRun.execute(
            m, new TrainingRun.Request(file, SMALL, whole, null, true), quiet, StopSignal.manual());
    List<String> rows = Files.readAllLines(whole.resolve("metrics.csv"));
    // Same margin as the SGD run above: chance is 10%, these runs reach 45-65%.
    assertTrue(
        Double.parseDouble(rows.get(2).split(",")[2])
            < Double.parseDouble(rows.get(1).split(",")[2]),
        optimizer + " " + rows);
    assertTrue(r.report().testAccuracy() > 0.30, optimizer + " " + rows);
    String kind = optimizer.substring(0, optimizer.indexOf('('));
    Map<String, Tensor> saved = Npz.read(whole.resolve("checkpoint.npz"));
    String state = kind.equals("adam") ? "adam_v/L1_conv.weight" : "velocity/L1_conv.weight";
    assertTrue(saved.containsKey(state), saved.keySet().toString());
    assertTrue(Files.readString(whole.resolve("config.json")).contains(kind), optimizer);
    Path parts = dir.resolve("parts");
    TrainingRun.execute(
        m,
        new TrainingRun.Request(file, SMALL, parts, null, true),
        quiet,
        StopSignal.afterSteps(7));
    TrainingRun.execute(
        m,
        new TrainingRun.Request(file, TrainConfig.Overrides.NONE, null, parts, true),
        quiet,
        StopSignal.manual());
    assertEquals(
        saved,
        Npz.read(parts.resolve("checkpoint.npz")),
        optimizer + ": a run stopped after step 7 and resumed differs from the uninterrupted one");
  }

  @Test
  void anExistingRunFolderIsNeverOverwritten() throws IOException {
    Path out = dir.resolve("taken");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "mine");
    UserError e =
        assertThrows(UserError.class, () -> run(out, null, SMALL, StopSignal.manual(), true));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    assertEquals(1, Files.list(out).count());
  }

  @Test
  void resumeRefusesContradictingFlagsButExtendsEpochs() throws IOException {
    Path out = dir.resolve("r");
    run(out, null, flags("fashion-mnist-subset", 1, null), StopSignal.manual(), true);
    UsageError e =
        assertThrows(
            UsageError.class,
            () ->
                run(
                    null,
                    out,
                    TrainConfig.Overrides.parse(
                        null, null, 16, 0.5, null, null, null, null, null, null, null, null, null,
                        null),
                    StopSignal.manual(),
                    true));
    assertTrue(
        e.getMessage().contains("--batch 16") && e.getMessage().contains("--lr 0.5"),
        e.getMessage());
    Outcome more =
        run(
            null,
            out,
            TrainConfig.Overrides.parse(
                null, 2, null, null, null, null, null, null, null, null, null, null, null, null),
            StopSignal.manual(),
            true);
    assertEquals(Trainer.Status.FINISHED, more.result().status());
    assertEquals(3, Files.readAllLines(out.resolve("metrics.csv")).size());
    assertTrue(Files.readString(out.resolve("config.json")).contains("\"epochs\" : 2"));
  }

  @Test
  void badDataFailsBeforeAnyRunFolderExists() throws IOException {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Files.write(data.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0});
    Files.write(data.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1});
    Files.write(data.resolve("t10k-images-idx3-ubyte"), new byte[] {0, 0, 8, 3});
    Files.write(data.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1});
    Path out = dir.resolve("never");
    UserError e =
        assertThrows(
            UserError.class,
            () -> run(out, null, flags("idx:" + data, null, null), StopSignal.manual(), true));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void randomTablesComeFromTheRunSeedAndAreSavedWithTheWeights() throws IOException {
    Path file = dir.resolve("table.cnn");
    Files.writeString(
        file,
        NET.replace(
            "4F5x5CSG - PA4x4", "4F5x5CSG - PA4x4\n conv(maps=3, kernel=3x3, table=random(2))"));
    convnet.runtime.model.NetworkModel network =
        convnet.runtime.model.NetworkModel.load(file, new java.io.PrintWriter(System.err, true));
    ModelBinding m = ModelBinding.of(network, new java.io.PrintWriter(System.err, true));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Map<Long, Tensor> tables = new java.util.HashMap<>();
    for (long seed : new long[] {7, 8}) {
      Path out = dir.resolve("seed" + seed);
      TrainConfig.Overrides o =
          TrainConfig.Overrides.parse(
              "fashion-mnist-subset",
              1,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              seed,
              Backend.INTERPRETED,
              64,
              50);
      TrainingRun.execute(
          m, new TrainingRun.Request(file, o, out, null, true), quiet, StopSignal.manual());
      Tensor saved = Npz.read(out.resolve("weights-final.npz")).get("L3_conv.table");
      assertEquals(
          network.withTableSeed(seed).tables().get("L3_conv.table"), saved, "seed " + seed);
      tables.put(seed, saved);
    }
    assertTrue(!tables.get(7L).equals(tables.get(8L)), "runs seeded 7 and 8 share one table");
  }
}
