package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.autodiff.ops.Windows;
import org.junit.jupiter.api.Test;

/** The window arithmetic every module shares: sizes, and the max-pooling order in its two forms. */
class WindowsTest {

  @Test
  void outputSizes() {
    assertEquals(24, Windows.convolvedSize(28, 5, 1, 0));
    assertEquals(28, Windows.convolvedSize(28, 3, 1, 1));
    assertEquals(14, Windows.convolvedSize(28, 3, 2, 1));
    assertEquals(0, Windows.convolvedSize(4, 7, 1, 1), "a kernel larger than the padded input");
    assertEquals(3, Windows.pooledSize(7, 2, 2, 0, false));
    assertEquals(4, Windows.pooledSize(7, 2, 2, 0, true));
    // ceil mode never starts a window in the right padding: 5 + 2 - 2 = 5, ceil(5/2) + 1 = 4,
    // dropped to 3.
    assertEquals(3, Windows.pooledSize(5, 2, 2, 1, true));
    assertEquals(0, Windows.pooledSize(2, 3, 1, 0, false));
    assertEquals(true, Windows.padFits(1, 2));
    assertEquals(false, Windows.padFits(2, 3));
    assertEquals(-1, Windows.windowStart(0, 2, 1));
    assertEquals(9, Windows.averageDivisor(3, 3));
  }

  /**
   * maxKey orders floats exactly as displacesMax decides between them (ties: neither displaces the
   * other).
   */
  @Test
  void maxKeyAgreesWithDisplacesMax() {
    float[] v = {
      Float.NEGATIVE_INFINITY,
      -Float.MAX_VALUE,
      -2.5f,
      -1f,
      -Float.MIN_NORMAL,
      -Float.MIN_VALUE,
      -0f,
      0f,
      Float.MIN_VALUE,
      Float.MIN_NORMAL,
      1f,
      2.5f,
      Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NaN,
      Float.intBitsToFloat(0xffc00001),
      Float.intBitsToFloat(0x7f800001)
    };
    for (float a : v) {
      for (float b : v) {
        boolean displaces = Windows.displacesMax(a, b);
        boolean tie = !displaces && !Windows.displacesMax(b, a);
        int ka = Windows.maxKey(a);
        int kb = Windows.maxKey(b);
        String what =
            a
                + " ("
                + Integer.toHexString(Float.floatToRawIntBits(a))
                + ") vs "
                + b
                + " ("
                + Integer.toHexString(Float.floatToRawIntBits(b))
                + ")";
        assertEquals(displaces, ka > kb, what + ": displaces");
        assertEquals(tie, ka == kb, what + ": tie");
      }
    }
  }
}
