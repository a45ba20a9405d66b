package convnet.autodiff.io;

import convnet.autodiff.Tensor;
import java.util.Objects;

/** A tensor as read from a .npy file together with the element type it was stored in. */
public record NpyArray(NpyType type, Tensor tensor) {
  public NpyArray {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(tensor, "tensor");
  }
}
