package convnet.dsl;

import java.util.Locale;

/** The nonlinearity built into a convolution or mlpconv ({@code act=...}). */
public enum Activation {
  NONE,
  TANH,
  RELU,
  ABS,
  SIGMOID;

  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }
}
