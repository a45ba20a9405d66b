package convnet.runtime.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;

/**
 * Progress as JSON lines, one object per epoch ({@code epoch}, {@code epochs}, {@code loss}, {@code
 * train_accuracy}, {@code test_loss}, {@code test_accuracy}, {@code images_per_s}, {@code seconds})
 * and a last one with {@code "final": true}, {@code test_accuracy}, {@code best_test_accuracy},
 * {@code best_epoch} and {@code run_folder}. Values not measured are null. Batches are not
 * reported: a line per batch would swamp a log.
 */
public final class JsonLinesProgress implements Progress {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrintStream out;

  public JsonLinesProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void startEpoch(int epoch, int epochs, int batches) {}

  @Override
  public void batch(int batch, double loss, double accuracy, double imagesPerSecond) {}

  @Override
  public void endEpoch(EpochMetrics m, int epochs) {
    ObjectNode o = JSON.createObjectNode();
    o.put("epoch", m.epoch());
    o.put("epochs", epochs);
    number(o, "loss", m.trainLoss());
    number(o, "train_accuracy", m.trainAccuracy());
    number(o, "test_loss", m.testLoss());
    number(o, "test_accuracy", m.testAccuracy());
    number(o, "images_per_s", m.imagesPerSecond());
    number(o, "seconds", m.seconds());
    emit(o);
  }

  @Override
  public void finish(FinalReport r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("final", true);
    o.put("epochs", r.epochs());
    number(o, "test_accuracy", r.testAccuracy());
    number(o, "best_test_accuracy", r.bestTestAccuracy());
    o.put("best_epoch", r.bestEpoch());
    o.put("run_folder", r.runFolder() == null ? null : r.runFolder().toString());
    emit(o);
  }

  private static void number(ObjectNode o, String key, double value) {
    // JSON has no NaN or infinity: an unmeasured value is null.
    if (Double.isFinite(value)) {
      o.put(key, value);
    } else {
      o.putNull(key);
    }
  }

  private void emit(ObjectNode o) {
    out.println(o.toString());
    out.flush();
  }

  @Override
  public void close() {
    out.flush();
  }
}
