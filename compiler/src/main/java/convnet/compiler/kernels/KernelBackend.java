package convnet.compiler.kernels;

/**
 * Which implementation the kernels run on: the Vector API when the module {@code
 * jdk.incubator.vector} is present at run time, plain Java loops otherwise.
 */
public final class KernelBackend {

  /** The module that holds the Vector API on Java 17. */
  public static final String VECTOR_MODULE = "jdk.incubator.vector";

  /**
   * True when the vectorised kernels are used. Fixed at class initialisation so that the JIT folds
   * the dispatch and so that the classes touching the Vector API are never loaded when it is false.
   * The system property {@code convnet.vector=false} forces the scalar path (used to test it).
   */
  public static final boolean VECTOR = decide();

  private KernelBackend() {}

  private static boolean decide() {
    boolean present = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    boolean wanted = !"false".equalsIgnoreCase(System.getProperty("convnet.vector", "true"));
    if (!present) {
      System.err.println(
          "convnet: module "
              + VECTOR_MODULE
              + " not available (run java with --add-modules "
              + VECTOR_MODULE
              + "); using the slower scalar kernels");
    }
    return present && wanted;
  }

  /**
   * A short name of the active backend, for reports: {@code "vector-<bits>"} or {@code "scalar"}.
   */
  public static String describe() {
    return VECTOR ? "vector-" + VectorSgemm.vectorBits() : "scalar";
  }
}
