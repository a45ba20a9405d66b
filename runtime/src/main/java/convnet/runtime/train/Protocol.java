package convnet.runtime.train;

import convnet.dsl.TrainSpec.StageProtocol;
import convnet.runtime.cli.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * A training protocol in Jarrett et al.'s notation, one letter per conv stage: {@code R} random
 * filters kept at their initial values, {@code R+} random filters then learned with labels,
 * {@code U} filters pre-trained without labels (predictive sparse decomposition) then kept,
 * {@code U+} pre-trained then learned with labels. The classifier and every layer outside a conv
 * stage always learn.
 */
public record Protocol(List<StageProtocol> stages) {
  public Protocol {
    stages = List.copyOf(stages);
  }

  /** Parses {@code R+R+}, {@code RR}, … for a network with {@code convStages} conv stages. */
  public static Protocol parse(String text, int convStages) {
    String s = text.strip();
    List<StageProtocol> stages = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      char c = Character.toUpperCase(s.charAt(i));
      if (c != 'R' && c != 'U') {
        throw new UserError("protocol '" + text + "': letter '" + s.charAt(i) + "' at position "
            + (i + 1) + " is not R (random filters) or U (unsupervised filters), each optionally"
            + " followed by '+' (fine-tuned), e.g. R+R+");
      }
      boolean plus = i + 1 < s.length() && s.charAt(i + 1) == '+';
      stages.add(new StageProtocol(c, plus));
      if (plus) {
        i++;
      }
    }
    if (stages.size() != convStages) {
      throw new UserError("protocol '" + text + "' has " + stages.size() + " stage letter"
          + (stages.size() == 1 ? "" : "s") + " but the network has " + convStages
          + " conv stage" + (convStages == 1 ? "" : "s") + ": give one letter per stage with a"
          + " filter bank" + (convStages == 0 ? " (none here: use an empty protocol)" : ""));
    }
    return of(stages);
  }

  /** A protocol from the {@code train} block's letters. */
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
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (StageProtocol p : stages) {
      sb.append(p);
    }
    return sb.toString();
  }
}
