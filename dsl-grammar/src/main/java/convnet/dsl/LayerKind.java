package convnet.dsl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a resolved layer computes; {@link #keyword()} is the verbose keyword used in layer names.
 * Each kind carries its {@link LayerDefinition}: adding a layer kind is one line here and one
 * definition class (see CONTRIBUTING.md).
 */
public enum LayerKind {
  CONV(new ConvDefinition()),
  ABS(new ActivationDefinition(Activation.ABS, "abs", "Rabs")),
  RELU(new ActivationDefinition(Activation.RELU, "relu", "Rpos")),
  TANH(new ActivationDefinition(Activation.TANH, "tanh")),
  SIGMOID(new ActivationDefinition(Activation.SIGMOID, "sigmoid")),
  LCN(new LcnDefinition()),
  AVGPOOL(new PoolDefinition(false)),
  MAXPOOL(new PoolDefinition(true)),
  DENSE(new DenseDefinition()),
  DROPOUT(new DropoutDefinition()),
  MAXOUT(new MaxoutDefinition()),
  LRN(new LrnDefinition()),
  MLPCONV(new MlpconvDefinition()),
  LOGISTIC(new LogisticDefinition()),
  /** A user {@code fn}: its keyword in names is the function's name. */
  FN(new FunctionDefinition());

  private final LayerDefinition definition;

  LayerKind(LayerDefinition definition) {
    this.definition = definition;
  }

  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Everything the language knows about this kind. */
  public LayerDefinition definition() {
    return definition;
  }

  /**
   * Whether a layer of this kind holds its stage's filter bank (conv, mlpconv): such stages get a
   * protocol letter.
   */
  public boolean opensFilterStage() {
    return definition.opensFilterStage();
  }

  /**
   * The kind called {@code keyword} (a verbose keyword or an alias such as {@code Rabs}), or null.
   */
  static LayerKind byKeyword(String keyword) {
    return Keywords.BY_KEYWORD.get(keyword);
  }

  /**
   * Every built-in layer name (keywords, aliases and paper names such as {@code N}), in kind order.
   */
  static List<String> reservedNames() {
    return Keywords.RESERVED;
  }

  /**
   * Built once the constants exist; an enum's own static fields are set after its constructors run.
   */
  private static final class Keywords {
    static final Map<String, LayerKind> BY_KEYWORD = new LinkedHashMap<>();
    static final List<String> RESERVED;

    static {
      List<String> reserved = new java.util.ArrayList<>();
      for (LayerKind k : values()) {
        for (String w : k.definition.keywords()) {
          if (BY_KEYWORD.putIfAbsent(w, k) != null) {
            throw new IllegalStateException("layer keyword '" + w + "' is defined twice");
          }
        }
        reserved.addAll(k.definition.reservedNames());
      }
      RESERVED = List.copyOf(reserved);
    }
  }
}
