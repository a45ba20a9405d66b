package convnet.runtime.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportingTest {
  @TempDir Path dir;

  private static final List<EpochMetrics> EPOCHS =
      List.of(
          new EpochMetrics(1, 0.9, 0.7, 0.8, 0.72, 1500, 4.0),
          new EpochMetrics(2, 0.5, 0.82, Double.NaN, 0.8, 1510.5, 3.9),
          new EpochMetrics(3, 0.4, 0.86, 0.45, 0.83, 1490, 4.1));

  @Test
  void jsonLinesParseBack() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Progress p = new JsonLinesProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      for (EpochMetrics m : EPOCHS) {
        p.startEpoch(m.epoch(), 3, 10);
        p.batch(1, 1.0, 0.5, 100);
        p.endEpoch(m, 3);
      }
      p.finish(new FinalReport(3, 0.83, 0.83, 3, dir.resolve("run")));
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(4, lines.length);
    ObjectMapper mapper = new ObjectMapper();
    JsonNode second = mapper.readTree(lines[1]);
    assertEquals(2, second.get("epoch").asInt());
    assertEquals(3, second.get("epochs").asInt());
    assertEquals(0.5, second.get("loss").asDouble());
    assertEquals(0.82, second.get("train_accuracy").asDouble());
    assertEquals(0.8, second.get("test_accuracy").asDouble());
    assertEquals(1510.5, second.get("images_per_s").asDouble());
    assertTrue(second.get("test_loss").isNull());
    JsonNode last = mapper.readTree(lines[3]);
    assertTrue(last.get("final").asBoolean());
    assertEquals(0.83, last.get("test_accuracy").asDouble());
    assertEquals(dir.resolve("run").toString(), last.get("run_folder").asText());
  }

  @Test
  void barDegradesToOneLinePerEpochWithoutTerminal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Progress p =
        new ProgressBarProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), null)) {
      p.startEpoch(1, 3, 10);
      for (int b = 1; b <= 10; b++) {
        p.batch(b, 1.0, 0.5, 100);
      }
      p.endEpoch(EPOCHS.get(0), 3);
      p.finish(new FinalReport(1, 0.72, 0.72, 1, Path.of("runs", "x")));
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(
        List.of(
            "epoch 1/3  loss 0.9000  train 70.00%  test 72.00% (loss 0.8000)  1500 img/s  4.0 s",
            "done: 1 epoch, test accuracy 72.00% (best 72.00% at epoch 1); run folder "
                + Path.of("runs", "x")),
        List.of(lines));
  }

  @Test
  void interactiveBarKeepsTheSummaryLines() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream barBytes = new ByteArrayOutputStream();
    try (Progress p =
        new ProgressBarProgress(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            new PrintStream(barBytes, true, StandardCharsets.UTF_8))) {
      for (int e = 1; e <= 2; e++) {
        p.startEpoch(e, 2, 5);
        for (int b = 1; b <= 5; b++) {
          p.batch(b, 0.5, 0.9, 1000);
        }
        p.endEpoch(EPOCHS.get(e - 1), 2);
      }
    }
    String bar = barBytes.toString(StandardCharsets.UTF_8);
    assertTrue(
        bar.contains("epoch 2/2")
            && bar.contains("5/5")
            && bar.contains("loss 0.500 acc 90.0% 1000 img/s"),
        bar);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length);
    assertTrue(
        lines[1].startsWith("epoch 2/2  loss 0.5000  train 82.00%  test 80.00%  1511 img/s"),
        lines[1]);
  }

  @Test
  void curvesArePng() throws Exception {
    Path png = dir.resolve("curves.png");
    Curves.write(png, EPOCHS, "jarrett");
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(1120, image.getWidth());
    assertEquals(400, image.getHeight());
    Curves.write(png, EPOCHS.subList(0, 1), "one epoch");
    assertEquals(400, ImageIO.read(png.toFile()).getHeight());
    Curves.write(
        png, List.of(new EpochMetrics(1, 0.5, 0.5, Double.NaN, Double.NaN, 1, 1)), "no test");
    assertEquals(1120, ImageIO.read(png.toFile()).getWidth());
  }

  @Test
  void logLinesAreTimeStampedAndAppended() throws Exception {
    Path file = dir.resolve("train.log");
    Clock clock = Clock.fixed(Instant.parse("2024-01-02T03:04:05.678Z"), ZoneOffset.UTC);
    ByteArrayOutputStream echo = new ByteArrayOutputStream();
    try (RunLog log =
        new RunLog(file, new PrintStream(echo, true, StandardCharsets.UTF_8), clock)) {
      log.log("start");
      log.logf("epoch %d loss %.3f", 1, 0.5);
    }
    try (RunLog log = new RunLog(file, null, clock)) {
      log.log("two\nlines");
    }
    assertEquals(
        List.of(
            "2024-01-02T03:04:05.678Z start",
            "2024-01-02T03:04:05.678Z epoch 1 loss 0.500",
            "2024-01-02T03:04:05.678Z two",
            "2024-01-02T03:04:05.678Z lines"),
        Files.readAllLines(file));
    assertEquals("start\nepoch 1 loss 0.500\n", echo.toString(StandardCharsets.UTF_8));
  }
}
