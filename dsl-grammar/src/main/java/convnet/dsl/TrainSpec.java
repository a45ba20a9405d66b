package convnet.dsl;

import java.util.List;
import java.util.Map;

/**
 * The {@code train { ... }} block, typed. Every field has a default: data {@code fashion-mnist},
 * protocol {@code R+} for every conv stage (random initialisation, all learned with labels),
 * 10 epochs, batch 64, {@code sgd(lr=0.01, momentum=0.9, weight_decay=0)}, constant schedule,
 * no augmentation, seed 1, and {@code preprocess} null: the runtime's default preprocessing.
 * {@code preprocess} otherwise holds the checked steps in their text form, e.g.
 * {@code pad(2),standardize}.
 */
public record TrainSpec(String data, boolean dataIsPath, List<StageProtocol> protocol, int epochs, int batch,
    Optimizer optimizer, Schedule schedule, List<Augmentation> augment, long seed, String preprocess) {

  public TrainSpec {
    protocol = List.copyOf(protocol);
    augment = List.copyOf(augment);
  }

  /** A train block without a {@code preprocess} setting. */
  public TrainSpec(String data, boolean dataIsPath, List<StageProtocol> protocol, int epochs, int batch,
      Optimizer optimizer, Schedule schedule, List<Augmentation> augment, long seed) {
    this(data, dataIsPath, protocol, epochs, batch, optimizer, schedule, augment, seed, null);
  }

  /** The defaults for a network with {@code convStages} conv stages. */
  public static TrainSpec defaults(int convStages) {
    return new TrainSpec("fashion-mnist", false, StageProtocol.supervised(convStages), 10, 64,
        new Optimizer("sgd", 0.01, 0.9, 0.0, Map.of()), new Schedule("constant", 0, 0.1), List.of(), 1L);
  }

  /** One letter of a protocol: filters random ({@code R}) or unsupervised ({@code U}), then fine-tuned ({@code +}) or kept. */
  public record StageProtocol(char init, boolean fineTune) {
    static List<StageProtocol> supervised(int stages) {
      return java.util.Collections.nCopies(stages, new StageProtocol('R', true));
    }

    @Override
    public String toString() {
      return init + (fineTune ? "+" : "");
    }
  }

  /** {@code sgd(...)} or {@code adam(...)}; {@code extra} holds the rest (nesterov, beta1, beta2, eps). */
  public record Optimizer(String kind, double learningRate, double momentum, double weightDecay, Map<String, Double> extra) {
    public Optimizer {
      extra = Map.copyOf(extra);
    }
  }

  /** {@code constant}, {@code step(every=E, gamma=G)} (multiply by G every E epochs) or {@code cosine}. */
  public record Schedule(String kind, int every, double gamma) {}

  /** {@code flip} (horizontal) or {@code crop(pad=P)} (pad by P, crop back at a random place). */
  public record Augmentation(String kind, int pad) {}
}
