package convnet.autodiff.check;

/**
 * How a gradient check probes and what it accepts: |numeric − symbolic| ≤ atol + rtol·|numeric|
 * (PyTorch gradcheck's convention), central differences with step {@code epsilon}, {@code
 * directions} random directions and up to {@code coordinates} sampled coordinates per parameter.
 */
public record Tolerance(double atol, double rtol, double epsilon, int directions, int coordinates) {
  public Tolerance {
    if (!(atol >= 0) || !(rtol >= 0) || !(epsilon > 0) || directions < 0 || coordinates < 0) {
      throw new IllegalArgumentException(
          "bad tolerance: atol="
              + atol
              + " rtol="
              + rtol
              + " epsilon="
              + epsilon
              + " directions="
              + directions
              + " coordinates="
              + coordinates);
    }
  }

  /** atol 1e-5, rtol 1e-3, epsilon 1e-6, 3 directions, 8 coordinates. */
  public static Tolerance standard() {
    return new Tolerance(1e-5, 1e-3, 1e-6, 3, 8);
  }

  public boolean accepts(double numeric, double symbolic) {
    return Math.abs(numeric - symbolic) <= atol + rtol * Math.abs(numeric);
  }
}
