package convnet.runtime.pretrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.runtime.run.ConsoleBar;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Pre-training progress for people and scripts: with {@code json}, one JSON object per stage and
 * epoch ({@code "phase": "pretrain"}, {@code stage}, {@code layer}, {@code epoch}, {@code epochs},
 * {@code reconstruction_error}, {@code mean_abs_code}, {@code prediction_error}, {@code seconds});
 * otherwise a line per epoch, and on a terminal a bar per epoch with the running reconstruction
 * error.
 */
public final class PretrainReport implements Pretrainer.Listener, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrintStream out;
  private final boolean json;
  private final PrintStream barStream;
  private final ConsoleBar bar;

  /** Lines go to {@code out}; bars (when not {@code json}) to {@code barStream}, null for none. */
  public PretrainReport(PrintStream out, boolean json, PrintStream barStream) {
    this.out = out;
    this.json = json;
    this.barStream = json ? null : barStream;
    this.bar = new ConsoleBar(this.barStream);
  }

  /** A report on {@code out}, with bars on standard error when there is a terminal. */
  public static PretrainReport console(PrintStream out, boolean json) {
    return new PretrainReport(out, json, System.console() != null ? System.err : null);
  }

  @Override
  public void batch(Pretrainer.Stage stage, int epoch, int batch, int batches, double rec) {
    if (barStream == null) {
      return;
    }
    if (!bar.isOpen()) {
      bar.open("pretrain stage " + (stage.convStage() + 1) + " epoch " + epoch, batches);
    }
    bar.step(batch, String.format(Locale.ROOT, "reconstruction %.4f", rec));
  }

  @Override
  public void epoch(Pretrainer.Stage stage, int epoch, int epochs, Pretrainer.Metrics m) {
    bar.close();
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      o.put("phase", "pretrain");
      o.put("stage", stage.convStage() + 1);
      o.put("layer", stage.filter().name());
      o.put("epoch", epoch);
      o.put("epochs", epochs);
      number(o, "reconstruction_error", m.reconstructionError());
      number(o, "mean_abs_code", m.meanAbsCode());
      number(o, "prediction_error", m.predictionError());
      number(o, "seconds", m.seconds());
      out.println(o);
    } else {
      out.println(
          String.format(
              Locale.ROOT,
              "pretrain stage %d (%s) epoch %d/%d: reconstruction "
                  + "error %.5f, mean |z| %.5f, prediction error %.5f, %.1f s",
              stage.convStage() + 1,
              stage.filter().name(),
              epoch,
              epochs,
              m.reconstructionError(),
              m.meanAbsCode(),
              m.predictionError(),
              m.seconds()));
    }
    out.flush();
  }

  private static void number(ObjectNode o, String key, double value) {
    if (Double.isFinite(value)) {
      o.put(key, value);
    } else {
      o.putNull(key);
    }
  }

  @Override
  public void close() {
    bar.close();
    out.flush();
  }
}
