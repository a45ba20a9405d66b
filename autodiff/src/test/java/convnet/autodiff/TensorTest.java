package convnet.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void floatsRoundTripAndIndexingIsRowMajor() {
    float[] f = {0.1f, -2.5f, 3e-8f, 7f, 8f, 9f};
    Tensor t = Tensor.ofFloats(Shape.of(2, 3), f);
    assertArrayEquals(f, t.toFloatArray());
    assertEquals(7f, t.at(1, 0));
    assertArrayEquals(new int[] {3, 1}, t.shape().strides());
    assertThrows(IndexOutOfBoundsException.class, () -> t.at(2, 0));
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(Shape.of(2), 1, 2, 3));
  }

  @Test
  void equalityIsByShapeAndValue() {
    assertEquals(Tensor.of(Shape.of(2), 1, 2), Tensor.of(Shape.of(2), 1, 2));
    assertEquals(Tensor.of(Shape.of(2), 1, 2).hashCode(), Tensor.of(Shape.of(2), 1, 2).hashCode());
    assertNotEquals(Tensor.of(Shape.of(2), 1, 2), Tensor.of(Shape.of(1, 2), 1, 2));
    assertEquals(0.1f, Tensor.scalar(0.1).round(DType.F32).item(), 0);
  }
}
