package convnet.runtime.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Without a terminal, a long epoch still prints a plain progress line every few seconds. */
class ProgressLinesTest {
  @Test
  void withoutATerminalAPlainLineEveryTenSecondsAndDoneSaysEpochInTheSingular() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long[] now = {0};
    try (ProgressBarProgress p =
        new ProgressBarProgress(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            null,
            new PrintStream(err, true, StandardCharsets.UTF_8),
            () -> now[0])) {
      p.startEpoch(1, 1, 100);
      for (int b = 1; b <= 100; b++) {
        now[0] += 250_000_000L; // a quarter second per batch: 25 s in all
        p.batch(b, 0.5, 0.75, 128);
      }
      p.finish(new FinalReport(1, 0.8, 0.8, 1, Path.of("runs/x")));
    }
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length, err.toString(StandardCharsets.UTF_8));
    assertEquals("epoch 1/1: batch 40/100, loss 0.5000, accuracy 75.00%, 128 images/s", lines[0]);
    assertTrue(lines[1].startsWith("epoch 1/1: batch 80/100"), lines[1]);
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("done: 1 epoch, "), out.toString());
  }
}
