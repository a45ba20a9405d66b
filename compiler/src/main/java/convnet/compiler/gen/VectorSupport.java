package convnet.compiler.gen;

/**
 * Whether generated kernels may use the Vector API in this JVM, and its preferred float lane count.
 */
public final class VectorSupport {
  /** System property; {@code false} makes generators emit scalar loops only. */
  public static final String VECTORIZE_PROPERTY = "convnet.vectorize";

  private static final String MODULE = "jdk.incubator.vector";

  private VectorSupport() {}

  /** The incubator module is resolved in the boot layer (the JVM was started with it). */
  public static boolean isAvailable() {
    return ModuleLayer.boot().findModule(MODULE).isPresent();
  }

  /** Available and not switched off by {@code -Dconvnet.vectorize=false}. */
  public static boolean isEnabledByDefault() {
    return isAvailable() && !"false".equalsIgnoreCase(System.getProperty(VECTORIZE_PROPERTY));
  }

  /** Lanes of {@code FloatVector.SPECIES_PREFERRED}; only call when {@link #isAvailable()}. */
  public static int preferredLanes() {
    if (!isAvailable()) {
      throw new IllegalStateException(
          "the Vector API module " + MODULE + " is not available in this JVM");
    }
    return Lanes.PREFERRED;
  }

  // Separate holder, so that FloatVector is only linked when the module is known to be present.
  private static final class Lanes {
    static final int PREFERRED = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
  }
}
