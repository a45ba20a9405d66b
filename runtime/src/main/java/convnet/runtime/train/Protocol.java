package convnet.runtime.train;

import com.fasterxml.jackson.annotation.JsonValue;
import convnet.dsl.ProtocolSyntax;
import convnet.dsl.TrainSpec.StageProtocol;
import convnet.runtime.errors.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * A training protocol in Jarrett et al.'s notation, one letter per conv stage: {@code R} random
 * filters kept at their initial values, {@code R+} random filters then learned with labels, {@code
 * U} filters pre-trained without labels (predictive sparse decomposition) then kept, {@code U+}
 * pre-trained then learned with labels. The classifier and every layer outside a conv stage always
 * learn. Which letters train is decided in one place, {@link ProtocolSyntax#TRAINED}; others are
 * refused with a clear message.
 */
public record Protocol(List<StageProtocol> stages) {
  public Protocol {
    stages = List.copyOf(stages);
  }

  /**
   * Parses {@code R+R+}, {@code RR}, … for a network with {@code convStages} conv stages, with the
   * same reader as the checker ({@link ProtocolSyntax}), so a flag and a file agree.
   */
  public static Protocol parse(String text, int convStages) {
    ProtocolSyntax.Result r = ProtocolSyntax.parse(text, convStages);
    if (!r.ok()) {
      throw new UserError(r.problem().describe(text));
    }
    return new Protocol(r.stages());
  }

  /**
   * Parses the letters of {@code text} whatever their number, for a protocol read before the
   * network's conv stages are known (a flag, {@code config.json}); {@link #forStages} checks the
   * number once they are.
   */
  public static Protocol parseLetters(String text) {
    int letters = 0;
    for (char c : text.strip().toCharArray()) {
      letters += c == '+' ? 0 : 1;
    }
    return parse(text, letters);
  }

  /**
   * This protocol for a network of {@code convStages} conv stages: itself, or the reader's message
   * for a protocol of the wrong length.
   */
  public Protocol forStages(int convStages) {
    return stages.size() == convStages ? this : parse(toString(), convStages);
  }

  /** A protocol from the {@code train} block's letters, which the parser has read and checked. */
  public static Protocol of(List<StageProtocol> stages) {
    return new Protocol(stages);
  }

  /** The conv stages (from 0) pre-trained without labels: those marked U or U+. */
  public List<Integer> unsupervisedStages() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i).init() == 'U') {
        out.add(i);
      }
    }
    return out;
  }

  /** Whether the filters of conv stage {@code index} (from 0, among conv stages) stay fixed. */
  public boolean frozen(int index) {
    return !stages.get(index).fineTune();
  }

  /** The text form, e.g. {@code R+R}. */
  @JsonValue
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (StageProtocol p : stages) {
      sb.append(p);
    }
    return sb.toString();
  }
}
