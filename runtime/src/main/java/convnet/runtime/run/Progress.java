package convnet.runtime.run;

import java.io.PrintStream;

/**
 * Reports training progress to the user: epoch by epoch and, where it makes sense, batch by batch.
 * Calls come in the order startEpoch, batch*, endEpoch, …, finish.
 */
public interface Progress extends AutoCloseable {
  /** Epoch {@code epoch} (from 1) of {@code epochs} starts, with {@code batches} batches. */
  void startEpoch(int epoch, int epochs, int batches);

  /**
   * Batch {@code batch} (from 1) is done; loss and accuracy are running means over the epoch so
   * far.
   */
  void batch(int batch, double loss, double accuracy, double imagesPerSecond);

  /** The epoch ended and was evaluated. */
  void endEpoch(EpochMetrics metrics, int epochs);

  /** The run finished. */
  void finish(FinalReport report);

  @Override
  void close();

  /**
   * JSON lines on {@code out} when {@code json}, else a progress bar (on the terminal) or, when
   * there is no terminal, a plain line per epoch on {@code out} and a progress line every few
   * seconds on standard error.
   */
  static Progress console(PrintStream out, boolean json) {
    if (json) {
      return new JsonLinesProgress(out);
    }
    boolean terminal = System.console() != null;
    return new ProgressBarProgress(
        out, terminal ? System.err : null, terminal ? null : System.err, System::nanoTime);
  }
}
