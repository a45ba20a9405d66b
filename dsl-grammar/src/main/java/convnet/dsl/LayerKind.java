package convnet.dsl;

import java.util.Locale;

/** What a resolved layer computes; {@link #keyword()} is the verbose keyword used in layer names. */
public enum LayerKind {
  CONV,
  ABS,
  RELU,
  TANH,
  SIGMOID,
  LCN,
  AVGPOOL,
  MAXPOOL,
  DENSE,
  DROPOUT,
  MAXOUT,
  LRN,
  MLPCONV,
  LOGISTIC,
  /** A user {@code fn}: its keyword in names is the function's name. */
  FN;

  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }
}
