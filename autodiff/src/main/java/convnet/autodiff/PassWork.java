package convnet.autodiff;

/**
 * Counts the node visits that graph passes make on the current thread, so that tests can check that
 * every pass stays near-linear in the size of the graph (counts do not depend on the machine,
 * timings do).
 *
 * <p>Passes add their visits in bulk where they can; each addition is one thread-local increment.
 */
public final class PassWork {
  private static final ThreadLocal<long[]> VISITS = ThreadLocal.withInitial(() -> new long[1]);

  private PassWork() {}

  /** Records {@code visits} node (or edge) visits made by a pass on this thread. */
  public static void add(long visits) {
    VISITS.get()[0] += visits;
  }

  /**
   * The visits recorded on this thread so far; the difference of two readings is the work done in
   * between.
   */
  public static long total() {
    return VISITS.get()[0];
  }
}
