package convnet.compiler.gen;

/**
 * Entry checks called by generated kernels, so that bad buffers fail with a message instead of a
 * stray index error.
 */
public final class GenSupport {
  private GenSupport() {}

  /** {@code buffers[slot]}, checked to exist and hold at least {@code minLength} floats. */
  public static float[] buffer(float[][] buffers, int slot, int minLength, String kernel) {
    if (buffers == null) {
      throw new IllegalArgumentException("kernel " + kernel + ": buffer table is null");
    }
    if (slot >= buffers.length) {
      throw new IllegalArgumentException(
          "kernel "
              + kernel
              + ": needs buffer slot "
              + slot
              + " but only "
              + buffers.length
              + " slots were given");
    }
    float[] buffer = buffers[slot];
    if (buffer == null) {
      throw new IllegalArgumentException("kernel " + kernel + ": buffer slot " + slot + " is null");
    }
    if (buffer.length < minLength) {
      throw new IllegalArgumentException(
          "kernel "
              + kernel
              + ": buffer slot "
              + slot
              + " has "
              + buffer.length
              + " floats, needs at least "
              + minLength);
    }
    return buffer;
  }

  /** Checks {@code 0 <= from <= to <= size} for the range over axis 0. */
  public static void checkRange(int from, int to, int size, String kernel) {
    if (from < 0 || from > to || to > size) {
      throw new IllegalArgumentException(
          "kernel "
              + kernel
              + ": range ["
              + from
              + ", "
              + to
              + ") is not inside axis 0 of size "
              + size);
    }
  }

  /** Checks that an output offset is not negative. */
  public static void checkOffset(int offset, String kernel) {
    if (offset < 0) {
      throw new IllegalArgumentException("kernel " + kernel + ": negative output offset " + offset);
    }
  }

  /** Checks that the buffer table has at least {@code count} slots. */
  public static void checkSlotCount(float[][] buffers, int count, String program) {
    if (buffers == null) {
      throw new IllegalArgumentException("program " + program + ": buffer table is null");
    }
    if (buffers.length < count) {
      throw new IllegalArgumentException(
          "program " + program + ": needs " + count + " buffer slots, got " + buffers.length);
    }
  }
}
