package convnet.runtime.sweep;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * How one run of a sweep ended: {@code ok} with its final and best test accuracy, losses and
 * epochs; {@code diverged} (the NaN guard stopped it) or {@code failed}, with the reason. The
 * numbers of a run that is not ok are NaN and never averaged. {@code seconds} is wall time of the
 * session that finished it, the only field that differs between equal runs.
 */
public record RunOutcome(
    @JsonProperty("id") String id,
    @JsonProperty("status") String status,
    @JsonProperty("final_test_accuracy") double finalTestAccuracy,
    @JsonProperty("best_test_accuracy") double bestTestAccuracy,
    @JsonProperty("train_loss") double trainLoss,
    @JsonProperty("test_loss") double testLoss,
    @JsonProperty("epochs") int epochs,
    @JsonProperty("reason") String reason,
    @JsonProperty("seconds") double seconds)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A run trained to its last epoch. */
  public static final String OK = "ok";

  /** A run stopped by the NaN guard. */
  public static final String DIVERGED = "diverged";

  /** A run that could not run (its settings, its data, an error). */
  public static final String FAILED = "failed";

  /** Whether the run trained to the end (only such runs are averaged). */
  public boolean ok() {
    return OK.equals(status);
  }

  static RunOutcome notOk(String id, String status, String reason, int epochs, double seconds) {
    return new RunOutcome(
        id, status, Double.NaN, Double.NaN, Double.NaN, Double.NaN, epochs, reason, seconds);
  }
}
