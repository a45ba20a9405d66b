package convnet.runtime.data;

/**
 * Derives independent random streams from a seed and coordinates (epoch, index, …), so that any one
 * of them can be recomputed without replaying the others: this is what makes shuffling and
 * augmentation reproducible on resume.
 */
public final class Seeds {
  private Seeds() {}

  /** A well-mixed 64-bit value of {@code seed} and {@code coordinate} (SplitMix64 finaliser). */
  public static long mix(long seed, long coordinate) {
    long z = seed + 0x9E3779B97F4A7C15L * (coordinate + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** {@link #mix} over several coordinates in order. */
  public static long mix(long seed, long... coordinates) {
    long z = seed;
    for (long c : coordinates) {
      z = mix(z, c);
    }
    return z;
  }
}
