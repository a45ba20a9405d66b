package convnet.dsl;

import convnet.autodiff.optim.Adam;
import convnet.autodiff.optim.Sgd;
import java.util.List;

/**
 * The {@code train { ... }} block, typed. Every field has a default: data {@code fashion-mnist},
 * protocol {@code R+} for every conv stage (random initialisation, all learned with labels), 10
 * epochs, batch 64, {@code sgd(lr=0.01, momentum=0.9, weight_decay=0)}, constant schedule, no
 * augmentation, seed 1, {@code preprocess} null: the runtime's default preprocessing, and {@link
 * Pretrain#DEFAULTS} for the stages pre-trained without labels. Every value is typed as the parser
 * read it, so that the runtime takes it as it is.
 */
public record TrainSpec(
    String data,
    boolean dataIsPath,
    List<StageProtocol> protocol,
    int epochs,
    int batch,
    Optimizer optimizer,
    Schedule schedule,
    List<Augmentation> augment,
    long seed,
    Preprocess preprocess,
    Pretrain pretrain) {

  public TrainSpec {
    protocol = List.copyOf(protocol);
    augment = List.copyOf(augment);
    java.util.Objects.requireNonNull(pretrain, "pretrain");
  }

  /** A train block without a {@code pretrain} setting. */
  public TrainSpec(
      String data,
      boolean dataIsPath,
      List<StageProtocol> protocol,
      int epochs,
      int batch,
      Optimizer optimizer,
      Schedule schedule,
      List<Augmentation> augment,
      long seed,
      Preprocess preprocess) {
    this(
        data,
        dataIsPath,
        protocol,
        epochs,
        batch,
        optimizer,
        schedule,
        augment,
        seed,
        preprocess,
        Pretrain.DEFAULTS);
  }

  /** A train block without a {@code preprocess} or {@code pretrain} setting. */
  public TrainSpec(
      String data,
      boolean dataIsPath,
      List<StageProtocol> protocol,
      int epochs,
      int batch,
      Optimizer optimizer,
      Schedule schedule,
      List<Augmentation> augment,
      long seed) {
    this(data, dataIsPath, protocol, epochs, batch, optimizer, schedule, augment, seed, null);
  }

  /** The defaults for a network with {@code convStages} conv stages. */
  public static TrainSpec defaults(int convStages) {
    return new TrainSpec(
        "fashion-mnist",
        false,
        StageProtocol.supervised(convStages),
        10,
        64,
        new Optimizer(0.01, new Sgd(0.9, 0.0)),
        new Schedule(Schedule.Kind.CONSTANT, 0, 0.1),
        List.of(),
        1L);
  }

  /**
   * One letter of a protocol: filters random ({@code R}) or unsupervised ({@code U}), then
   * fine-tuned ({@code +}) or kept.
   */
  public record StageProtocol(char init, boolean fineTune) {
    static List<StageProtocol> supervised(int stages) {
      return java.util.Collections.nCopies(stages, new StageProtocol('R', true));
    }

    @Override
    public String toString() {
      return init + (fineTune ? "+" : "");
    }
  }

  /**
   * {@code sgd(...)} or {@code adam(...)}: the learning rate and the update rule with its other
   * settings.
   */
  public record Optimizer(double learningRate, convnet.autodiff.optim.Optimizer rule) {
    public Optimizer {
      java.util.Objects.requireNonNull(rule, "rule");
    }

    /** {@code sgd} or {@code adam}. */
    public String kind() {
      return rule instanceof Adam ? "adam" : "sgd";
    }

    /** SGD's momentum; 0 for Adam, which has none (its beta1 plays that part). */
    public double momentum() {
      return rule instanceof Sgd sgd ? sgd.momentum() : 0;
    }

    /** The weight decay (L2 added to the gradient). */
    public double weightDecay() {
      return rule instanceof Sgd sgd ? sgd.weightDecay() : ((Adam) rule).weightDecay();
    }
  }

  /**
   * {@code constant}, {@code step(every=E, gamma=G)} (multiply by G every E epochs) or {@code
   * cosine}.
   */
  public record Schedule(Kind kind, int every, double gamma) {
    public Schedule {
      java.util.Objects.requireNonNull(kind, "kind");
    }

    /** The kinds of schedule; {@code none} is read as {@link #CONSTANT}. */
    public enum Kind {
      CONSTANT,
      STEP,
      COSINE
    }
  }

  /**
   * One augmentation step, one of {@link AugmentSteps#KINDS}, with its arguments in the order that
   * table gives (defaults filled in): {@code flip}, {@code crop(pad)}, {@code translate(px)},
   * {@code rotate(degrees)}, {@code scale(min, max)}, {@code elastic(sigma, alpha)}.
   */
  public record Augmentation(AugmentSteps.Step kind, List<Double> args) {
    public Augmentation {
      java.util.Objects.requireNonNull(kind, "kind");
      args = List.copyOf(args);
    }

    /** A step from its name and arguments. */
    public static Augmentation of(String kind, double... args) {
      return new Augmentation(
          AugmentSteps.Step.of(kind)
              .orElseThrow(() -> new IllegalArgumentException("unknown augmentation step " + kind)),
          java.util.Arrays.stream(args).boxed().toList());
    }

    /** The canonical text, e.g. {@code crop(pad=4)}, as {@code --augment} accepts it. */
    public String text() {
      return AugmentSteps.text(kind.keyword(), args);
    }
  }

  /**
   * {@code preprocess = ...}: what is done to each image before training, in the order resize (to
   * {@code resizeHeight × resizeWidth}, 0 for none), pad (zero pixels on every side), standardize
   * (per image), local contrast normalization (window, sigma), whatever order the steps are written
   * in.
   */
  public record Preprocess(
      int resizeHeight,
      int resizeWidth,
      int pad,
      boolean standardize,
      boolean lcn,
      int lcnWindow,
      double lcnSigma) {
    /** Pixels as read. */
    public static final Preprocess NONE = new Preprocess(0, 0, 0, false, false, 9, 9 / 4.0);

    /**
     * The text form the {@code --preprocess} flag takes, e.g. {@code pad(2),standardize}, or {@code
     * none}.
     */
    public String text() {
      List<String> steps = new java.util.ArrayList<>();
      if (resizeHeight > 0) {
        steps.add("resize(" + resizeHeight + "x" + resizeWidth + ")");
      }
      if (pad > 0) {
        steps.add("pad(" + pad + ")");
      }
      if (standardize) {
        steps.add("standardize");
      }
      if (lcn) {
        steps.add("lcn(" + lcnWindow + "," + lcnSigma + ")");
      }
      return steps.isEmpty() ? "none" : String.join(",", steps);
    }
  }

  /**
   * {@code pretrain = psd(lambda=..., alpha=..., epochs=..., steps=..., lr=...)}: predictive sparse
   * decomposition of the stages whose protocol letter is {@code U}; see the runtime's {@code
   * PsdSettings} for the meaning and the source of the defaults.
   */
  public record Pretrain(double lambda, double alpha, int epochs, int steps, double lr) {
    /** The defaults, repeated by the runtime's {@code PsdSettings.DEFAULTS}. */
    public static final Pretrain DEFAULTS = new Pretrain(0.5, 1.0, 2, 10, 0.1);
  }
}
