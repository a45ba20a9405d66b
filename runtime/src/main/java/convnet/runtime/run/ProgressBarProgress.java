package convnet.runtime.run;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Human progress: on a terminal, a progress bar per epoch (epoch i/n, batches, running loss and
 * accuracy, images/s, ETA) that is replaced by a summary line when the epoch ends; without a
 * terminal (output piped to a file or CI), only the summary line per epoch, so logs stay readable.
 */
public final class ProgressBarProgress implements Progress {
  private final PrintStream out;
  private final PrintStream barStream;
  private ProgressBar bar;

  /**
   * Summary lines go to {@code out}; bars are drawn on {@code barStream} (normally stderr, so
   * that stdout holds only results), or not at all when it is null.
   */
  public ProgressBarProgress(PrintStream out, PrintStream barStream) {
    this.out = out;
    this.barStream = barStream;
  }

  @Override
  public void startEpoch(int epoch, int epochs, int batches) {
    closeBar();
    if (barStream != null) {
      bar = new ProgressBarBuilder()
          .setConsumer(new ConsoleProgressBarConsumer(barStream))
          .setTaskName("epoch " + epoch + "/" + epochs)
          .setInitialMax(batches)
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(250)
          .clearDisplayOnFinish()
          .build();
    }
  }

  @Override
  public void batch(int batch, double loss, double accuracy, double imagesPerSecond) {
    if (bar != null) {
      bar.stepTo(batch);
      // Compact, so that images/s still fits on an 80-column terminal beside the bar and ETA.
      bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f acc %.1f%% %.0f img/s", loss,
          100 * accuracy, imagesPerSecond));
    }
  }

  @Override
  public void endEpoch(EpochMetrics m, int epochs) {
    closeBar();
    out.println(summary(m, epochs));
    out.flush();
  }

  /** The line printed at the end of each epoch. */
  static String summary(EpochMetrics m, int epochs) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  train %s  test %s",
        m.epoch(), epochs, m.trainLoss(), percent(m.trainAccuracy()),
        percent(m.testAccuracy())));
    if (Double.isFinite(m.testLoss())) {
      sb.append(String.format(Locale.ROOT, " (loss %.4f)", m.testLoss()));
    }
    sb.append(String.format(Locale.ROOT, "  %.0f img/s  %.1f s", m.imagesPerSecond(),
        m.seconds()));
    return sb.toString();
  }

  private static String percent(double fraction) {
    return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f%%", 100 * fraction) : "-";
  }

  @Override
  public void finish(FinalReport r) {
    closeBar();
    out.println(String.format(Locale.ROOT,
        "done: %d epochs, test accuracy %s (best %s at epoch %d); run folder %s", r.epochs(),
        percent(r.testAccuracy()), percent(r.bestTestAccuracy()), r.bestEpoch(), r.runFolder()));
    out.flush();
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  @Override
  public void close() {
    closeBar();
    out.flush();
  }
}
