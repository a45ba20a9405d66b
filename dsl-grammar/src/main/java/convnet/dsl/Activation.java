package convnet.dsl;

import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
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

  /** This nonlinearity applied to {@code x}, elementwise ({@link #NONE}: {@code x} itself). */
  public Node apply(GraphBuilder b, Node x) {
    return switch (this) {
      case NONE -> x;
      case TANH -> b.tanh(x);
      case RELU -> b.relu(x);
      case ABS -> b.abs(x);
      case SIGMOID -> b.sigmoid(x);
    };
  }
}
