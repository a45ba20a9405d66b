package convnet.dsl;

/**
 * What checking a source gives: the resolved network (null when there are errors) and all
 * diagnostics.
 */
public record CheckResult(Network network, Diagnostics diagnostics) {
  public boolean ok() {
    return network != null && !diagnostics.hasErrors();
  }
}
