package convnet.runtime.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import convnet.autodiff.optim.Adam;
import convnet.autodiff.optim.Optimizer;
import convnet.autodiff.optim.Sgd;
import convnet.dsl.DataNames;
import convnet.dsl.TrainSpec;
import convnet.runtime.data.Augmentation;
import convnet.runtime.data.LimitMode;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The resolved settings of a training run: the network's {@code train} block, then each flag given
 * on the command line. Written to the run folder as {@code config.json}; a resumed run reads it
 * back, so that it continues exactly the run that was started.
 *
 * <p>Settings are held typed: the train block's values come from the parser as they are, and only
 * text (flags, {@code config.json}) is parsed. In {@code config.json} each typed setting is written
 * in its text form (the update rule as {@code optimizer}, {@code momentum} and {@code
 * weight_decay}, as in runs written before settings were typed).
 *
 * <p>{@code network} is the network's name (as in plots), {@code networkFile} the file it was read
 * from (null in runs written before it was recorded), {@code init} the weights file training
 * started from ({@code --init}; null: random initial weights from the seed). {@code networkSha256}
 * fingerprints the network file, so that a run is not resumed with a network that has changed;
 * {@code limitTrain}/{@code limitTest} of 0 mean every image, else {@code limitMode} says how the
 * images are chosen ({@link LimitMode}).
 */
@JsonPropertyOrder({
  "network",
  "network_sha256",
  "data",
  "preprocess",
  "augment",
  "protocol",
  "epochs",
  "batch",
  "optimizer",
  "lr",
  "momentum",
  "weight_decay",
  "schedule",
  "seed",
  "backend",
  "limit_train",
  "limit_test",
  "limit_mode",
  "network_file",
  "init"
})
public record TrainConfig(
    @JsonProperty("network") String network,
    @JsonProperty("network_sha256") String networkSha256,
    @JsonProperty("data") String data,
    @JsonProperty("preprocess") Preprocessing preprocessing,
    @JsonProperty("augment") Augmentation augmentation,
    @JsonProperty("protocol") Protocol protocol,
    @JsonProperty("epochs") int epochs,
    @JsonProperty("batch") int batch,
    @JsonIgnore Optimizer optimizerValue,
    @JsonProperty("lr") double learningRate,
    @JsonProperty("schedule") LearningRateSchedule scheduleValue,
    @JsonProperty("seed") long seed,
    @JsonProperty("backend") Backend backend,
    @JsonProperty("limit_train") int limitTrain,
    @JsonProperty("limit_test") int limitTest,
    @JsonProperty("limit_mode") LimitMode limitModeValue,
    @JsonProperty("network_file") String networkFile,
    @JsonProperty("init") String init) {

  public TrainConfig {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(networkSha256, "network_sha256");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(preprocessing, "preprocess");
    Objects.requireNonNull(augmentation, "augment");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(optimizerValue, "optimizer");
    Objects.requireNonNull(scheduleValue, "schedule");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(limitModeValue, "limit_mode");
    if (epochs < 1) {
      throw new UserError("epochs must be at least 1, not " + epochs);
    }
    if (batch < 1) {
      throw new UserError("batch must be at least 1, not " + batch);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new UserError("the learning rate must be a positive number, not " + learningRate);
    }
    if (optimizerValue instanceof Sgd sgd && !(sgd.momentum() < 1)) {
      throw new UserError("momentum must be in [0, 1), not " + sgd.momentum());
    }
    if (limitTrain < 0 || limitTest < 0) {
      throw new UserError("--limit-train and --limit-test must not be negative");
    }
  }

  /**
   * Reads the text form of {@code config.json}: each setting's text is parsed here, once, and a bad
   * form is reported before anything runs.
   */
  @JsonCreator
  public static TrainConfig fromJson(
      @JsonProperty("network") String network,
      @JsonProperty("network_sha256") String networkSha256,
      @JsonProperty("data") String data,
      @JsonProperty("preprocess") String preprocess,
      @JsonProperty("augment") String augment,
      @JsonProperty("protocol") String protocol,
      @JsonProperty("epochs") int epochs,
      @JsonProperty("batch") int batch,
      @JsonProperty("optimizer") String optimizer,
      @JsonProperty("lr") double learningRate,
      @JsonProperty("momentum") double momentum,
      @JsonProperty("weight_decay") double weightDecay,
      @JsonProperty("schedule") String schedule,
      @JsonProperty("seed") long seed,
      @JsonProperty("backend") String backend,
      @JsonProperty("limit_train") int limitTrain,
      @JsonProperty("limit_test") int limitTest,
      @JsonProperty("limit_mode") String limitMode,
      @JsonProperty("network_file") String networkFile,
      @JsonProperty("init") String init) {
    Objects.requireNonNull(preprocess, "preprocess");
    Objects.requireNonNull(augment, "augment");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(protocol, "protocol");
    // config.json of runs made before Adam and Nesterov momentum existed has no optimizer.
    Optimizer rule = optimizerOf(optimizer == null ? "sgd" : optimizer, momentum, weightDecay);
    return new TrainConfig(
        network,
        networkSha256,
        data,
        Preprocessing.parse(preprocess),
        Augmentation.parse(augment),
        Protocol.parseLetters(protocol),
        epochs,
        batch,
        rule,
        learningRate,
        LearningRateSchedule.parse(schedule),
        seed,
        // A missing backend is reported by the constructor, as every other missing setting.
        backend == null ? null : Backend.parse(backend),
        limitTrain,
        limitTest,
        // A config.json written before limits could be stratified took the first N images.
        limitMode == null ? LimitMode.FIRST : LimitMode.parse(limitMode),
        networkFile,
        init);
  }

  /** The update rule's text form in {@code config.json}, read by {@link #optimizerOf}. */
  @JsonProperty("optimizer")
  public String optimizer() {
    if (optimizerValue instanceof Adam adam) {
      return "adam(beta1=" + adam.beta1() + ",beta2=" + adam.beta2() + ",eps=" + adam.eps() + ")";
    }
    return ((Sgd) optimizerValue).nesterov() ? "sgd(nesterov=true)" : "sgd";
  }

  /** SGD's momentum; 0 for Adam (its beta1 plays that part). */
  @JsonProperty("momentum")
  public double momentum() {
    return optimizerValue instanceof Sgd sgd ? sgd.momentum() : 0;
  }

  /** The weight decay of the update rule. */
  @JsonProperty("weight_decay")
  public double weightDecay() {
    return optimizerValue instanceof Sgd sgd
        ? sgd.weightDecay()
        : ((Adam) optimizerValue).weightDecay();
  }

  /**
   * The update rule of a config's text form: {@code sgd}, {@code sgd(nesterov=true)} or {@code
   * adam(beta1=B1,beta2=B2,eps=E)}, with the run's momentum (SGD only) and weight decay.
   */
  static Optimizer optimizerOf(String text, double momentum, double weightDecay) {
    String s = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
    String forms = " (expected sgd, sgd(nesterov=true) or adam(beta1=B1,beta2=B2,eps=E))";
    try {
      if (s.equals("sgd")) {
        return sgd(momentum, weightDecay, false);
      }
      if (s.equals("sgd(nesterov=true)")) {
        return sgd(momentum, weightDecay, true);
      }
      if (s.startsWith("adam(") && s.endsWith(")")) {
        if (momentum != 0) {
          throw new UserError(
              "optimizer "
                  + text
                  + ": Adam takes no momentum (its beta1 plays that "
                  + "part), but momentum is "
                  + momentum);
        }
        java.util.Map<String, Double> args = new java.util.HashMap<>();
        String inner = s.substring(5, s.length() - 1);
        for (String part : inner.isEmpty() ? new String[0] : inner.split(",")) {
          String[] kv = part.split("=", 2);
          if (kv.length != 2
              || !List.of("beta1", "beta2", "eps").contains(kv[0])
              || args.put(kv[0], Double.parseDouble(kv[1])) != null) {
            throw new UserError("optimizer '" + text + "': bad argument '" + part + "'" + forms);
          }
        }
        checkWeightDecay(weightDecay);
        return new Adam(
            args.getOrDefault("beta1", Adam.DEFAULT.beta1()),
            args.getOrDefault("beta2", Adam.DEFAULT.beta2()),
            args.getOrDefault("eps", Adam.DEFAULT.eps()),
            weightDecay);
      }
    } catch (NumberFormatException e) {
      throw new UserError("optimizer '" + text + "': not a number: " + e.getMessage() + forms);
    } catch (IllegalArgumentException e) {
      throw new UserError("optimizer '" + text + "': " + e.getMessage());
    }
    throw new UserError("optimizer '" + text + "': unknown optimizer" + forms);
  }

  /** SGD with checked numbers: each bad one is a {@link UserError} that names it. */
  private static Sgd sgd(double momentum, double weightDecay, boolean nesterov) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new UserError("momentum must be in [0, 1), not " + momentum);
    }
    checkWeightDecay(weightDecay);
    return new Sgd(momentum, weightDecay, nesterov);
  }

  private static void checkWeightDecay(double weightDecay) {
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new UserError("weight decay must be a number >= 0, not " + weightDecay);
    }
  }

  /** The protocol, checked against the network's number of conv stages. */
  public Protocol protocolFor(int convStages) {
    return protocol.forStages(convStages);
  }

  /** A copy with another number of epochs (a resumed run extended with {@code --epochs}). */
  public TrainConfig withEpochs(int newEpochs) {
    return new TrainConfig(
        network,
        networkSha256,
        data,
        preprocessing,
        augmentation,
        protocol,
        newEpochs,
        batch,
        optimizerValue,
        learningRate,
        scheduleValue,
        seed,
        backend,
        limitTrain,
        limitTest,
        limitModeValue,
        networkFile,
        init);
  }

  /** A copy with another backend (allowed on resume: backends compute the same function). */
  public TrainConfig withBackend(Backend newBackend) {
    return new TrainConfig(
        network,
        networkSha256,
        data,
        preprocessing,
        augmentation,
        protocol,
        epochs,
        batch,
        optimizerValue,
        learningRate,
        scheduleValue,
        seed,
        newBackend,
        limitTrain,
        limitTest,
        limitModeValue,
        networkFile,
        init);
  }

  /**
   * Flags given on the command line; null where a flag was not given. Settings written as text
   * (schedule, augment, preprocess, protocol, limit mode) are held as parsed where the flag was
   * read, with the text as given for messages.
   */
  public record Overrides(
      String data,
      Integer epochs,
      Integer batch,
      Double learningRate,
      Double momentum,
      Double weightDecay,
      Given<LearningRateSchedule> schedule,
      Given<Augmentation> augment,
      Given<Preprocessing> preprocess,
      Given<Protocol> protocol,
      Long seed,
      Backend backend,
      Integer limitTrain,
      Integer limitTest,
      Given<LimitMode> limitMode) {
    /** No flag given. */
    public static final Overrides NONE =
        new Overrides(
            null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null);

    /**
     * Flags from their text, each parsed once here; a bad form is the {@link UserError} of its
     * parser. The protocol's letters are checked against the network's conv stages when the
     * settings are resolved; the backend comes typed, as each command words its own error for it.
     */
    public static Overrides parse(
        String data,
        Integer epochs,
        Integer batch,
        Double learningRate,
        Double momentum,
        Double weightDecay,
        String schedule,
        String augment,
        String preprocess,
        String protocol,
        Long seed,
        Backend backend,
        Integer limitTrain,
        Integer limitTest,
        String limitMode) {
      return new Overrides(
          data,
          epochs,
          batch,
          learningRate,
          momentum,
          weightDecay,
          Given.of(schedule, LearningRateSchedule::parse),
          Given.of(augment, Augmentation::parse),
          Given.of(preprocess, Preprocessing::parse),
          Given.of(protocol, Protocol::parseLetters),
          seed,
          backend,
          limitTrain,
          limitTest,
          Given.of(limitMode, LimitMode::parse));
    }

    /** {@link #parse} without {@code --limit-mode}. */
    public static Overrides parse(
        String data,
        Integer epochs,
        Integer batch,
        Double learningRate,
        Double momentum,
        Double weightDecay,
        String schedule,
        String augment,
        String preprocess,
        String protocol,
        Long seed,
        Backend backend,
        Integer limitTrain,
        Integer limitTest) {
      return parse(
          data,
          epochs,
          batch,
          learningRate,
          momentum,
          weightDecay,
          schedule,
          augment,
          preprocess,
          protocol,
          seed,
          backend,
          limitTrain,
          limitTest,
          null);
    }
  }

  /**
   * The settings of a new run: {@code spec} (the network's {@code train} block, its defaults filled
   * in) overridden by every flag of {@code o}. {@code networkDir} is the folder of the network
   * file, against which a data path written in the file is resolved.
   */
  public static TrainConfig resolve(
      TrainSpec spec, String networkName, String networkSha256, Path networkDir, Overrides o) {
    return resolve(spec, networkName, null, networkSha256, networkDir, o, null);
  }

  /**
   * {@link #resolve(TrainSpec, String, String, Path, Overrides)} recording the network's name and
   * file apart, and the weights file training starts from ({@code init}, null for none).
   */
  public static TrainConfig resolve(
      TrainSpec spec,
      String networkName,
      String networkFile,
      String networkSha256,
      Path networkDir,
      Overrides o,
      String init) {
    Optimizer rule = spec.optimizer().rule();
    if (rule instanceof Adam && o.momentum() != null) {
      throw new UsageError(
          "--momentum "
              + o.momentum()
              + ": the train block's optimizer is adam, "
              + "which takes no momentum (set beta1 in the file instead)");
    }
    double weightDecay = o.weightDecay() != null ? o.weightDecay() : spec.optimizer().weightDecay();
    if (rule instanceof Sgd sgd) {
      rule = sgd(o.momentum() != null ? o.momentum() : sgd.momentum(), weightDecay, sgd.nesterov());
    } else {
      Adam adam = (Adam) rule;
      checkWeightDecay(weightDecay);
      rule = new Adam(adam.beta1(), adam.beta2(), adam.eps(), weightDecay);
    }
    String data = o.data() != null ? o.data() : dataSpec(spec, networkDir);
    return new TrainConfig(
        networkName,
        networkSha256,
        data,
        o.preprocess() != null ? o.preprocess().value() : preprocessingOf(spec),
        o.augment() != null ? o.augment().value() : new Augmentation(spec.augment()),
        o.protocol() != null
            ? checkedProtocol(o.protocol(), spec.protocol().size())
            : Protocol.of(spec.protocol()),
        o.epochs() != null ? o.epochs() : spec.epochs(),
        o.batch() != null ? o.batch() : spec.batch(),
        rule,
        o.learningRate() != null ? o.learningRate() : spec.optimizer().learningRate(),
        o.schedule() != null ? o.schedule().value() : scheduleOf(spec.schedule()),
        o.seed() != null ? o.seed() : spec.seed(),
        o.backend() != null ? o.backend() : Backend.DEFAULT,
        o.limitTrain() != null ? o.limitTrain() : 0,
        o.limitTest() != null ? o.limitTest() : 0,
        o.limitMode() != null ? o.limitMode().value() : LimitMode.DEFAULT,
        networkFile,
        init);
  }

  /**
   * The settings of a resumed run: the saved ones, with {@code --epochs} (to extend the run) and
   * {@code --backend} taken from the flags. Any other flag must agree with the saved value, since a
   * run that changed its settings half-way would not be the run that was started; a contradiction
   * is a {@link UsageError} that names every differing flag.
   */
  public TrainConfig forResume(Overrides o, String currentNetworkSha256) {
    if (!networkSha256.equals(currentNetworkSha256)) {
      throw new UserError(
          "the network file "
              + (networkFile != null ? networkFile : network)
              + " has changed since the run started (its contents differ from the saved fingerprint); "
              + "resume with the original file, or start a new run");
    }
    List<String> conflicts = new ArrayList<>();
    conflict(conflicts, "--data", o.data(), data);
    conflict(conflicts, "--batch", o.batch(), batch);
    conflict(conflicts, "--lr", o.learningRate(), learningRate);
    conflict(conflicts, "--momentum", o.momentum(), momentum());
    conflict(conflicts, "--weight-decay", o.weightDecay(), weightDecay());
    conflict(conflicts, "--schedule", o.schedule(), scheduleValue);
    conflict(conflicts, "--augment", o.augment(), augmentation);
    conflict(conflicts, "--preprocess", o.preprocess(), preprocessing);
    conflict(conflicts, "--protocol", o.protocol(), protocol);
    conflict(conflicts, "--seed", o.seed(), seed);
    conflict(conflicts, "--limit-train", o.limitTrain(), limitTrain);
    conflict(conflicts, "--limit-test", o.limitTest(), limitTest);
    conflict(conflicts, "--limit-mode", o.limitMode(), limitModeValue);
    if (!conflicts.isEmpty()) {
      throw new UsageError(
          "--resume continues a run with its saved settings (config.json); "
              + "these flags contradict them: "
              + String.join("; ", conflicts)
              + ". Only --epochs "
              + "(to extend the run) and --backend may change; drop the others or start a new run");
    }
    TrainConfig resumed = this;
    if (o.epochs() != null) {
      resumed = resumed.withEpochs(o.epochs());
    }
    if (o.backend() != null) {
      resumed = resumed.withBackend(o.backend());
    }
    return resumed;
  }

  private static void conflict(List<String> out, String flag, Object given, Object saved) {
    if (given != null && !given.equals(saved)) {
      out.add(flag + " " + given + " (the run uses " + saved + ")");
    }
  }

  /** A setting given as text conflicts when its value differs; the message quotes the text. */
  private static void conflict(List<String> out, String flag, Given<?> given, Object saved) {
    if (given != null && !given.value().equals(saved)) {
      out.add(flag + " " + given.text() + " (the run uses " + saved + ")");
    }
  }

  /** A protocol flag, its letters checked against the network's {@code convStages}. */
  private static Protocol checkedProtocol(Given<Protocol> given, int convStages) {
    if (given.value().stages().size() != convStages) {
      // The one reader's message for a protocol of the wrong length, on the text as given.
      return Protocol.parse(given.text(), convStages);
    }
    return given.value();
  }

  /**
   * The data spec for the {@code train} block's {@code data} setting; a relative path written in
   * the file is resolved against {@code networkDir}, the network file's folder.
   */
  public static String dataSpec(TrainSpec spec, Path networkDir) {
    if (spec.dataIsPath()) {
      String text = spec.data();
      int colon = text.indexOf(':');
      // A prefixed spec (idx:DIR, ...) or an absolute path is used as written; a relative path
      // is relative to the network file, so the file works from any working directory.
      if (colon > 1 || Path.of(text).isAbsolute() || networkDir == null) {
        return text;
      }
      return networkDir.resolve(text).normalize().toString();
    }
    if (!DataNames.names().contains(spec.data())) {
      throw new UserError("data = " + spec.data() + " in the train block: not a known data set");
    }
    String installed = DataNames.installedSpec(spec.data());
    if (installed == null) {
      String[] why = DataNames.unavailable(spec.data());
      throw new UserError(
          "data = " + spec.data() + " in the train block: " + why[0] + "; " + why[1]);
    }
    return installed;
  }

  /** The train block's preprocessing, else the default (per-image standardization). */
  public static Preprocessing preprocessingOf(TrainSpec spec) {
    return spec.preprocess() != null ? Preprocessing.of(spec.preprocess()) : Preprocessing.DEFAULT;
  }

  /** The train block's schedule, as the parser typed it. */
  static LearningRateSchedule scheduleOf(TrainSpec.Schedule s) {
    return switch (s.kind()) {
      case STEP -> LearningRateSchedule.step(s.every(), s.gamma());
      case COSINE -> LearningRateSchedule.cosine();
      case CONSTANT -> LearningRateSchedule.NONE;
    };
  }

  /** One line per setting, for the log. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "network %s; data %s; preprocess %s; augment %s; "
            + "protocol %s; epochs %d; batch %d; %s; "
            + "schedule %s; seed %d; backend %s%s%s%s%s",
        network,
        data,
        preprocessing,
        augmentation,
        protocol.stages().isEmpty() ? "(no conv stage)" : protocol,
        epochs,
        batch,
        optimizerValue.describe(learningRate),
        scheduleValue,
        seed,
        backend.keyword(),
        limitTrain > 0 ? "; limit-train " + limitTrain : "",
        limitTest > 0 ? "; limit-test " + limitTest : "",
        limitTrain > 0 || limitTest > 0 ? "; limit-mode " + limitModeValue : "",
        init != null ? "; initial weights " + init : "");
  }
}
