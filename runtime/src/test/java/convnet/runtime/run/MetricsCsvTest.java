package convnet.runtime.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import convnet.runtime.errors.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCsvTest {
  @TempDir Path dir;
  private static final List<String> COLUMNS = List.of("epoch", "loss", "test_accuracy", "note");

  @Test
  void headerOnceThenOneRowPerEpoch() throws Exception {
    Path file = dir.resolve("metrics.csv");
    MetricsCsv csv = MetricsCsv.create(file, COLUMNS);
    assertEquals("epoch,loss,test_accuracy,note\n", Files.readString(file));
    csv.append(1, 0.6931471805599453, 0.5, null);
    csv.append(2, 0.25, Double.NaN, "lr, halved \"now\"");
    assertEquals(
        "epoch,loss,test_accuracy,note\n"
            + "1,0.693147,0.500000,\n"
            + "2,0.250000,,\"lr, halved \"\"now\"\"\"\n",
        Files.readString(file));
    assertEquals(2, csv.rowCount());
    assertThrows(IllegalArgumentException.class, () -> csv.append(3, 0.1));
  }

  @Test
  void resumeDropsRowsAfterTheCheckpoint() throws Exception {
    Path file = dir.resolve("metrics.csv");
    MetricsCsv csv = MetricsCsv.create(file, COLUMNS);
    for (int e = 1; e <= 4; e++) {
      csv.append(e, 1.0 / e, 0.5, "");
    }
    MetricsCsv resumed = MetricsCsv.resume(file, COLUMNS, 2);
    resumed.append(3, 0.125, 0.75, "again");
    assertEquals(
        List.of(
            "epoch,loss,test_accuracy,note",
            "1,1.00000,0.500000,",
            "2,0.500000,0.500000,",
            "3,0.125000,0.750000,again"),
        Files.readAllLines(file));
  }

  @Test
  void resumeChecksHeaderAndRows() throws Exception {
    Path file = dir.resolve("metrics.csv");
    MetricsCsv.create(file, COLUMNS).append(1, 1.0, 0.5, "");
    assertEquals(
        file + ": header is 'epoch,loss,test_accuracy,note', expected 'epoch,loss'",
        assertThrows(UserError.class, () -> MetricsCsv.resume(file, List.of("epoch", "loss"), 1))
            .getMessage());
    assertEquals(
        file + ": has 1 rows but the checkpoint is at epoch 3",
        assertThrows(UserError.class, () -> MetricsCsv.resume(file, COLUMNS, 3)).getMessage());
    assertThrows(UserError.class, () -> MetricsCsv.resume(dir.resolve("none.csv"), COLUMNS, 0));
  }
}
