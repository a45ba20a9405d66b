package convnet.dsl;

import java.util.ArrayList;
import java.util.List;

/**
 * The one reader of training protocols ({@code R+R+}, {@code RR}, ...), used by the checker for a
 * {@code train} block, by the {@code --protocol} flag and by the trainer, so that what {@code
 * check} accepts is what {@code train} runs. {@link #TRAINED} is the set of stage letters training
 * implements; a letter of the notation outside it is refused where it is written.
 */
public final class ProtocolSyntax {
  /** The stage letters of Jarrett et al.'s notation: random and unsupervised filters. */
  public static final String LETTERS = "RU";

  /**
   * The stage letters that training implements: both ({@code U} by predictive sparse
   * decomposition).
   */
  public static final String TRAINED = "RU";

  private ProtocolSyntax() {}

  /**
   * A problem with a protocol's text, at {@code offset} (from 0) for {@code length} characters;
   * {@code message} continues a sentence that starts with the protocol ({@code protocol 'R+' ...}).
   */
  public record Problem(int offset, int length, String message, String hint) {
    /** The problem as one sentence, for flags and files that have no caret to draw. */
    public String describe(String text) {
      return "protocol '" + text + "' " + message + (hint == null ? "" : "; " + hint);
    }
  }

  /** The stages read, or the first problem found (then {@code stages} is null). */
  public record Result(List<TrainSpec.StageProtocol> stages, Problem problem) {
    public Result {
      stages = stages == null ? null : List.copyOf(stages);
    }

    public boolean ok() {
      return problem == null;
    }
  }

  /**
   * Reads {@code text} (one letter per conv stage, each optionally followed by {@code +}) for a
   * network with {@code convStages} conv stages. Letters are read case-insensitively.
   */
  public static Result parse(String text, int convStages) {
    String s = text.strip();
    int lead = text.indexOf(s.isEmpty() ? "" : s.substring(0, 1));
    List<TrainSpec.StageProtocol> stages = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      char c = Character.toUpperCase(s.charAt(i));
      if (LETTERS.indexOf(c) < 0) {
        return problem(
            lead + i,
            1,
            "has '"
                + s.charAt(i)
                + "' at position "
                + (i + 1)
                + ", which is not a stage letter: R (random filters) or U (unsupervised filters), each optionally followed by"
                + " '+' (then trained with labels)",
            "for example R+R+ or RR");
      }
      if (TRAINED.indexOf(c) < 0) {
        return problem(
            lead + i,
            1,
            "asks for "
                + c
                + " at stage "
                + (stages.size() + 1)
                + " (unsupervised filters, learned without labels by predictive sparse decomposition), which convnet"
                + " train does not implement",
            "use R (random filters kept fixed) or R+ (random filters, then trained with labels)");
      }
      boolean plus = i + 1 < s.length() && s.charAt(i + 1) == '+';
      stages.add(new TrainSpec.StageProtocol(c, plus));
      if (plus) {
        i++;
      }
    }
    if (stages.size() != convStages) {
      return problem(
          lead,
          Math.max(1, s.length()),
          "has "
              + stages.size()
              + " stage letter"
              + (stages.size() == 1 ? "" : "s")
              + " but the network has "
              + convStages
              + " conv stage"
              + (convStages == 1 ? "" : "s"),
          "give one letter ("
              + String.join(" or ", TRAINED.split(""))
              + ", optionally followed by +) per stage that"
              + " has a filter bank"
              + (convStages == 0 ? " (none here: leave the protocol out)" : ""));
    }
    return new Result(stages, null);
  }

  private static Result problem(int offset, int length, String message, String hint) {
    return new Result(null, new Problem(offset, length, message, hint));
  }
}
