package convnet.runtime.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfusionMatrixTest {
  @Test
  void countsAndAccuracies() {
    ConfusionMatrix m = new ConfusionMatrix(List.of("cat", "dog", "bird"));
    m.addAll(new int[] {0, 0, 0, 1, 1, 2}, new int[] {0, 0, 1, 1, 0, 2}, 6);
    assertEquals(6, m.total());
    assertEquals(4, m.correct());
    assertEquals(4.0 / 6, m.accuracy(), 1e-12);
    assertArrayEquals(new double[] {2.0 / 3, 0.5, 1.0}, m.perClassAccuracy(), 1e-12);
    assertEquals(1, m.count(1, 0));
    assertTrue(Double.isNaN(new ConfusionMatrix(List.of("a")).accuracy()));
    assertThrows(IndexOutOfBoundsException.class, () -> m.add(3, 0));
  }

  @Test
  void textIsAligned() {
    ConfusionMatrix m = new ConfusionMatrix(List.of("T-shirt/top", "Bag", "x"));
    for (int i = 0; i < 1234; i++) {
      m.add(0, 0);
    }
    m.add(1, 2);
    assertEquals(
        ""
            + "true \\ predicted    0    1    2  accuracy\n"
            + "0: T-shirt/top   1234    0    0  100.00%\n"
            + "1: Bag              0    0    1    0.00%\n"
            + "2: x                0    0    0       -\n"
            + "overall accuracy 99.92% (1234 of 1235)\n",
        m.toText());
  }

  @Test
  void csvQuotesNames() {
    ConfusionMatrix m = new ConfusionMatrix(List.of("a,b", "c"));
    m.add(0, 1);
    m.add(1, 1);
    assertEquals("true\\predicted,\"a,b\",c\n\"a,b\",0,1\nc,0,1\n", m.toCsv());
  }

  static IntStream seeds() {
    return IntStream.range(0, 10);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void mergingEqualsAddingAll(int seed) {
    Random random = new Random(seed);
    List<String> names = List.of("a", "b", "c", "d");
    ConfusionMatrix all = new ConfusionMatrix(names);
    ConfusionMatrix left = new ConfusionMatrix(names);
    ConfusionMatrix right = new ConfusionMatrix(names);
    for (int i = 0; i < 200; i++) {
      int t = random.nextInt(4);
      int p = random.nextInt(4);
      all.add(t, p);
      (random.nextBoolean() ? left : right).add(t, p);
    }
    left.addAll(right);
    assertEquals(all.toCsv(), left.toCsv(), "seed " + seed);
    assertEquals(all.accuracy(), left.accuracy(), "seed " + seed);
  }
}
