package convnet.runtime.run;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Human progress: on a terminal, a progress bar per epoch (epoch i/n, batches, running loss and
 * accuracy, images/s, ETA) that is replaced by a summary line when the epoch ends; without a
 * terminal (output piped to a file or CI), the summary line per epoch and, so that a long epoch is
 * not silent, a plain progress line every {@value #PLAIN_INTERVAL_SECONDS} seconds.
 */
public final class ProgressBarProgress implements Progress {
  /** Seconds between two plain progress lines. */
  public static final int PLAIN_INTERVAL_SECONDS = 10;

  private final PrintStream out;
  private final ConsoleBar bar;
  private final PrintStream plainStream;
  private final LongSupplier nanoTime;
  private String epochName = "";
  private int batches;
  private long lastPlain;

  /**
   * Summary lines go to {@code out}; bars are drawn on {@code barStream} (normally stderr, so that
   * stdout holds only results), or not at all when it is null.
   */
  public ProgressBarProgress(PrintStream out, PrintStream barStream) {
    this(out, barStream, null, System::nanoTime);
  }

  /**
   * As {@link #ProgressBarProgress(PrintStream, PrintStream)}, and with {@code plainStream} (when
   * not null) a plain line every {@value #PLAIN_INTERVAL_SECONDS} seconds of {@code nanoTime}.
   */
  public ProgressBarProgress(
      PrintStream out, PrintStream barStream, PrintStream plainStream, LongSupplier nanoTime) {
    this.out = out;
    this.bar = new ConsoleBar(barStream);
    this.plainStream = plainStream;
    this.nanoTime = nanoTime;
  }

  @Override
  public void startEpoch(int epoch, int epochs, int batches) {
    this.epochName = "epoch " + epoch + "/" + epochs;
    this.batches = batches;
    this.lastPlain = nanoTime.getAsLong();
    bar.open(epochName, batches);
  }

  @Override
  public void batch(int batch, double loss, double accuracy, double imagesPerSecond) {
    if (plainStream != null) {
      long now = nanoTime.getAsLong();
      if (now - lastPlain >= PLAIN_INTERVAL_SECONDS * 1_000_000_000L) {
        lastPlain = now;
        plainStream.println(
            String.format(
                Locale.ROOT,
                "%s: batch %d/%d, loss %.4f, accuracy %.2f%%, " + "%.0f images/s",
                epochName,
                batch,
                batches,
                loss,
                100 * accuracy,
                imagesPerSecond));
        plainStream.flush();
      }
    }
    if (bar.isOpen()) {
      // Compact, so that images/s still fits on an 80-column terminal beside the bar and ETA.
      bar.step(
          batch,
          String.format(
              Locale.ROOT,
              "loss %.3f acc %.1f%% %.0f img/s",
              loss,
              100 * accuracy,
              imagesPerSecond));
    }
  }

  @Override
  public void endEpoch(EpochMetrics m, int epochs) {
    bar.close();
    out.println(summary(m, epochs));
    out.flush();
  }

  /** The line printed at the end of each epoch. */
  static String summary(EpochMetrics m, int epochs) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "epoch %d/%d  loss %.4f  train %s  test %s",
            m.epoch(),
            epochs,
            m.trainLoss(),
            percent(m.trainAccuracy()),
            percent(m.testAccuracy())));
    if (Double.isFinite(m.testLoss())) {
      sb.append(String.format(Locale.ROOT, " (loss %.4f)", m.testLoss()));
    }
    sb.append(String.format(Locale.ROOT, "  %.0f img/s  %.1f s", m.imagesPerSecond(), m.seconds()));
    return sb.toString();
  }

  private static String percent(double fraction) {
    return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f%%", 100 * fraction) : "-";
  }

  @Override
  public void finish(FinalReport r) {
    bar.close();
    out.println(
        String.format(
            Locale.ROOT,
            "done: %d epoch%s, test accuracy %s (best %s at epoch %d); run folder %s",
            r.epochs(),
            r.epochs() == 1 ? "" : "s",
            percent(r.testAccuracy()),
            percent(r.bestTestAccuracy()),
            r.bestEpoch(),
            r.runFolder()));
    out.flush();
  }

  @Override
  public void close() {
    bar.close();
    out.flush();
  }
}
