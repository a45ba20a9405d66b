package convnet.autodiff;

import java.util.Map;

/** A function ready to run: named input and parameter values in, named output values out. */
public interface Executable {

  /**
   * Evaluates every output. {@code values} binds each INPUT and PARAM leaf by name (extra entries
   * are ignored); a missing name or a wrong shape is an {@link IllegalArgumentException} naming it.
   */
  Map<String, Tensor> run(Map<String, Tensor> values);
}
