package convnet.runtime.run;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * At most one progress bar at a time on a console stream: ASCII, redrawn every 250 ms, cleared when
 * it closes so that the summary line printed next stands alone. Without a stream it draws nothing.
 */
public final class ConsoleBar implements AutoCloseable {
  private final PrintStream stream;
  private ProgressBar bar;

  /** Bars on {@code stream}, none when it is null. */
  public ConsoleBar(PrintStream stream) {
    this.stream = stream;
  }

  /** Shows a bar named {@code task} for {@code steps} steps in place of the one shown. */
  public void open(String task, int steps) {
    close();
    if (stream != null) {
      bar =
          new ProgressBarBuilder()
              .setConsumer(new ConsoleProgressBarConsumer(stream))
              .setTaskName(task)
              .setInitialMax(steps)
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(250)
              .clearDisplayOnFinish()
              .build();
    }
  }

  /** Whether a bar is shown. */
  public boolean isOpen() {
    return bar != null;
  }

  /** Moves the bar shown, if any, to {@code done} steps with {@code message} beside it. */
  public void step(int done, String message) {
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(message);
    }
  }

  /** Clears the bar shown, if any. */
  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
