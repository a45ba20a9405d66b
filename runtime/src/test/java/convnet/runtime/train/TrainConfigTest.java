package convnet.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.optim.Adam;
import convnet.autodiff.optim.Sgd;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.ProtocolSyntax;
import convnet.dsl.TrainSpec;
import convnet.runtime.data.Augmentation;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import convnet.runtime.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolving settings: the train block, then flags; config.json; resume rules. */
class TrainConfigTest {
  @TempDir Path dir;

  static TrainSpec spec(String block) {
    String src = "network n {\n  input 1x28x28\n  4F5x5C - PA2x2\n  logistic 10\n" + block + "}\n";
    CheckResult r = Checker.checkSource(src, "n.cnn");
    assertTrue(r.ok(), () -> r.diagnostics().render(src));
    return r.network().train();
  }

  static final TrainSpec BLOCK =
      spec(
          """
        train {
          epochs = 4
          batch = 16
          optimizer = sgd(lr=0.2, momentum=0.5, weight_decay=1e-3)
          schedule = step(every=2, gamma=0.5)
          augment = [flip, crop(pad=2)]
          protocol = R
          seed = 9
        }
      """);

  static TrainConfig.Overrides only(Integer epochs, Double lr, Backend backend) {
    return TrainConfig.Overrides.parse(
        null, epochs, null, lr, null, null, null, null, null, null, null, backend, null, null);
  }

  @Test
  void theBlockGivesEverySettingAndFlagsOverrideIt() {
    TrainConfig c = TrainConfig.resolve(BLOCK, "n.cnn", "abc", dir, TrainConfig.Overrides.NONE);
    assertEquals(4, c.epochs());
    assertEquals(16, c.batch());
    assertEquals(0.2, c.learningRate());
    assertEquals(0.5, c.momentum());
    assertEquals(1e-3, c.weightDecay());
    assertEquals(LearningRateSchedule.step(2, 0.5), c.scheduleValue());
    assertEquals("flip,crop(pad=2)", c.augmentation().toString());
    assertEquals("R", c.protocol().toString());
    assertEquals(9, c.seed());
    assertEquals("fashion-mnist", c.data());
    assertEquals(Preprocessing.DEFAULT, c.preprocessing());
    assertEquals(Backend.COMPILED, c.backend());
    TrainConfig o =
        TrainConfig.resolve(BLOCK, "n.cnn", "abc", dir, only(7, 0.01, Backend.INTERPRETED));
    assertEquals(7, o.epochs());
    assertEquals(0.01, o.learningRate());
    assertEquals(Backend.INTERPRETED, o.backend());
    assertEquals(16, o.batch());
  }

  @Test
  void defaultsWithoutABlock() {
    TrainConfig c = TrainConfig.resolve(spec(""), "n.cnn", "abc", dir, TrainConfig.Overrides.NONE);
    assertEquals(10, c.epochs());
    assertEquals(64, c.batch());
    assertEquals(0.01, c.learningRate());
    assertEquals("R+", c.protocol().toString());
    assertEquals(LearningRateSchedule.NONE, c.scheduleValue());
    assertEquals(Augmentation.NONE, c.augmentation());
  }

  @Test
  void aDataPathInTheFileIsRelativeToTheFile() {
    TrainSpec s = spec("  train {\n    data = \"pics\"\n  }\n");
    assertEquals(dir.resolve("pics").toString(), TrainConfig.dataSpec(s, dir));
    TrainSpec mnist = spec("  train {\n    data = mnist\n  }\n");
    assertTrue(
        assertThrows(UserError.class, () -> TrainConfig.dataSpec(mnist, dir))
            .getMessage()
            .contains("idx:DIR"));
  }

  @Test
  void adamAndNesterovFromTheFileReachTheRunAndItsConfigJson() throws IOException {
    TrainSpec adam =
        spec("  train {\n    optimizer = adam(lr=0.002, beta1=0.8, weight_decay=1e-4)\n  }\n");
    TrainConfig c = TrainConfig.resolve(adam, "n.cnn", "abc", dir, TrainConfig.Overrides.NONE);
    assertEquals(new Adam(0.8, 0.999, 1e-8, 1e-4), c.optimizerValue());
    assertEquals(0.002, c.learningRate());
    Path file = dir.resolve("config.json");
    RunFolder.writeJson(file, c);
    assertEquals(c, RunFolder.readJson(file, TrainConfig.class));
    assertTrue(c.describe().contains("adam(lr=0.002, beta1=0.8"), c.describe());
    UsageError momentum =
        assertThrows(
            UsageError.class,
            () ->
                TrainConfig.resolve(
                    adam,
                    "n.cnn",
                    "abc",
                    dir,
                    TrainConfig.Overrides.parse(
                        null, null, null, null, 0.5, null, null, null, null, null, null, null, null,
                        null)));
    assertTrue(momentum.getMessage().contains("beta1"), momentum.getMessage());
    TrainSpec nesterov = spec("  train {\n    optimizer = sgd(momentum=0.9, nesterov=true)\n  }\n");
    assertEquals(
        new Sgd(0.9, 0, true),
        TrainConfig.resolve(nesterov, "n.cnn", "abc", dir, TrainConfig.Overrides.NONE)
            .optimizerValue());
  }

  @Test
  void aConfigJsonWithoutOptimizerIsPlainSgd() throws IOException {
    TrainConfig c = TrainConfig.resolve(BLOCK, "n.cnn", "abc", dir, TrainConfig.Overrides.NONE);
    Path file = dir.resolve("config.json");
    RunFolder.writeJson(file, c);
    Files.writeString(file, Files.readString(file).replaceAll("\"optimizer\" : \"sgd\",", ""));
    assertTrue(!Files.readString(file).contains("optimizer"), Files.readString(file));
    assertEquals(c, RunFolder.readJson(file, TrainConfig.class));
  }

  @Test
  void configJsonRoundTrips() throws IOException {
    TrainConfig c = TrainConfig.resolve(BLOCK, "n.cnn", "abc", dir, only(3, null, null));
    Path file = dir.resolve("config.json");
    RunFolder.writeJson(file, c);
    assertTrue(Files.readString(file).contains("\"weight_decay\""));
    assertEquals(c, RunFolder.readJson(file, TrainConfig.class));
  }

  @Test
  void theBackendIsWrittenAsItsKeywordAndReadBackTyped() throws IOException {
    TrainConfig c =
        TrainConfig.resolve(BLOCK, "n.cnn", "abc", dir, only(null, null, Backend.INTERPRETED));
    Path file = dir.resolve("config.json");
    RunFolder.writeJson(file, c);
    String text = Files.readString(file);
    assertTrue(text.contains("\"backend\" : \"interpreted\""), text);
    assertEquals(Backend.INTERPRETED, RunFolder.readJson(file, TrainConfig.class).backend());
    assertTrue(c.describe().contains("backend interpreted"), c.describe());
    // Resuming may change the backend, and only the backend.
    assertEquals(
        Backend.COMPILED, c.forResume(only(null, null, Backend.COMPILED), "abc").backend());
    Files.writeString(file, text.replace("\"interpreted\"", "\"gpu\""));
    UserError bad =
        assertThrows(UserError.class, () -> RunFolder.readJson(file, TrainConfig.class));
    assertTrue(
        bad.getMessage().contains("backend 'gpu': expected compiled or interpreted"),
        bad.getMessage());
  }

  @Test
  void corruptConfigJsonIsAUserError() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"epochs\": 0}");
    assertThrows(UserError.class, () -> RunFolder.readJson(file, TrainConfig.class));
  }

  @Test
  void resumeKeepsSavedSettingsExtendsEpochsAndRefusesContradictions() {
    TrainConfig c = TrainConfig.resolve(BLOCK, "n.cnn", "abc", dir, TrainConfig.Overrides.NONE);
    assertEquals(c, c.forResume(TrainConfig.Overrides.NONE, "abc"));
    assertEquals(9, c.forResume(only(9, null, null), "abc").epochs());
    assertEquals(c, c.forResume(only(null, 0.2, null), "abc"), "an equal value is no conflict");
    UsageError e = assertThrows(UsageError.class, () -> c.forResume(only(null, 0.3, null), "abc"));
    assertTrue(e.getMessage().contains("--lr 0.3 (the run uses 0.2)"), e.getMessage());
    UserError changed =
        assertThrows(UserError.class, () -> c.forResume(TrainConfig.Overrides.NONE, "def"));
    assertTrue(changed.getMessage().contains("has changed"), changed.getMessage());
  }

  @Test
  void badValuesAreUserErrors() {
    assertThrows(
        UserError.class,
        () ->
            TrainConfig.resolve(
                BLOCK,
                "n.cnn",
                "abc",
                dir,
                TrainConfig.Overrides.parse(
                    null, null, null, null, 1.0, null, null, null, null, null, null, null, null,
                    null)));
    assertThrows(
        UserError.class,
        () ->
            TrainConfig.resolve(
                BLOCK,
                "n.cnn",
                "abc",
                dir,
                TrainConfig.Overrides.parse(
                    null, null, null, null, null, null, null, "rotate", null, null, null, null,
                    null, null)));
    assertThrows(
        UserError.class,
        () -> TrainConfig.resolve(BLOCK, "n.cnn", "abc", dir, only(null, Double.NaN, null)));
  }

  @Test
  void flagsWrittenAsTextAreTypedOnceAndConfigJsonReadsBackTheSameTypes() throws IOException {
    TrainConfig.Overrides o =
        TrainConfig.Overrides.parse(
            null,
            null,
            null,
            null,
            null,
            null,
            "step(3,0.25)",
            "flip, crop(2)",
            "pad(2),standardize",
            "r+",
            null,
            null,
            100,
            50,
            "FIRST");
    assertEquals(LearningRateSchedule.step(3, 0.25), o.schedule().value());
    assertEquals("step(3,0.25)", o.schedule().text());
    TrainConfig c = TrainConfig.resolve(BLOCK, "n.cnn", "abc", dir, o);
    assertEquals(LearningRateSchedule.step(3, 0.25), c.scheduleValue());
    assertEquals(Augmentation.parse("flip,crop(pad=2)"), c.augmentation());
    assertEquals(Preprocessing.parse("pad(2),standardize"), c.preprocessing());
    assertEquals(Protocol.parse("R+", 1), c.protocol());
    assertEquals(convnet.runtime.data.LimitMode.FIRST, c.limitModeValue());
    Path file = dir.resolve("typed.json");
    RunFolder.writeJson(file, c);
    String json = Files.readString(file);
    // The text forms users know, as before settings were typed.
    assertTrue(json.contains("\"schedule\" : \"step(every=3,gamma=0.25)\""), json);
    assertTrue(json.contains("\"protocol\" : \"R+\""), json);
    assertTrue(json.contains("\"limit_mode\" : \"first\""), json);
    assertEquals(c, RunFolder.readJson(file, TrainConfig.class));
    // A contradicting flag on resume is quoted as it was written.
    TrainConfig.Overrides other =
        TrainConfig.Overrides.parse(
            null, null, null, null, null, null, "Cosine", null, null, "R", null, null, null, null);
    UsageError e = assertThrows(UsageError.class, () -> c.forResume(other, "abc"));
    assertTrue(
        e.getMessage().contains("--schedule Cosine (the run uses step(every=3,gamma=0.25))"),
        e.getMessage());
    assertTrue(e.getMessage().contains("--protocol R (the run uses R+)"), e.getMessage());
  }

  @Test
  void aProtocolFlagOfTheWrongLengthIsRefusedByTheOneReader() {
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                TrainConfig.resolve(
                    BLOCK,
                    "n.cnn",
                    "abc",
                    dir,
                    TrainConfig.Overrides.parse(
                        null, null, null, null, null, null, null, null, null, "R+R", null, null,
                        null, null)));
    assertEquals(
        ProtocolSyntax.parse("R+R", 1).problem().describe("R+R"), e.getMessage(), e.getMessage());
  }
}
