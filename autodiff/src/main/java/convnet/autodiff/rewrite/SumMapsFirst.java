package convnet.autodiff.rewrite;

import convnet.autodiff.Attrs;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.OpKind;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.List;
import java.util.Optional;

/**
 * A convolution whose weight is the same for every input map, Σ_c w[o] ∗ x_c, becomes w[o] ∗ (Σ_c
 * x_c): one single-map convolution after a sum over maps (how LCN's Gaussian window over all maps
 * gets cheap). The same holds for the input adjoint, which becomes one single-map transposed
 * convolution broadcast over the maps.
 *
 * <p>Applies when groups = 1, there is more than one input map, and the weight is a constant whose
 * [o, c, :, :] blocks are equal for every c, or a broadcast along the input-map axis.
 */
public final class SumMapsFirst implements Pass {
  @Override
  public String name() {
    return "sum-maps-first";
  }

  @Override
  public Graph apply(Graph graph) {
    return Rewriter.rewrite(graph, List.of(SumMapsFirst::rewrite));
  }

  static Optional<Node> rewrite(Node n, GraphBuilder b) {
    if (n.kind() == OpKind.CONV2D) {
      Attrs.Conv c = (Attrs.Conv) n.attrs();
      Node x = n.input(0);
      Node single = singleMapWeight(n.input(1), c, b);
      if (single == null) {
        return Optional.empty();
      }
      return Optional.of(b.conv2d(b.sum(x, List.of(1), true), single, c));
    }
    if (n.kind() == OpKind.CONV2D_BACKWARD_INPUT) {
      Attrs.ConvGrad a = (Attrs.ConvGrad) n.attrs();
      Node single = singleMapWeight(n.input(1), a.conv(), b);
      if (single == null) {
        return Optional.empty();
      }
      Shape oneMap = a.operandShape().with(1, 1);
      return Optional.of(
          b.broadcastTo(b.conv2dBackwardInput(n.input(0), single, a.conv(), oneMap), n.shape()));
    }
    return Optional.empty();
  }

  /**
   * The weight [O, 1, kh, kw] equal to every input-map slice of {@code w}, or null when the slices
   * differ.
   */
  private static Node singleMapWeight(Node w, Attrs.Conv c, GraphBuilder b) {
    Shape s = w.shape();
    if (c.groups() != 1 || s.dim(1) < 2) {
      return null;
    }
    Shape oneMap = s.with(1, 1);
    if (w.kind() == OpKind.BROADCAST) {
      Node src = w.input(0);
      int off = 4 - src.shape().rank();
      if (off >= 2 || src.shape().dim(1 - off) == 1) {
        int[] padded = new int[4];
        for (int i = 0; i < 4; i++) {
          padded[i] = i < off ? 1 : src.shape().dim(i - off);
        }
        return b.broadcastTo(b.reshape(src, Shape.of(padded)), oneMap);
      }
      return null;
    }
    if (w.kind() != OpKind.CONSTANT) {
      return null;
    }
    Tensor t = w.constantValue();
    int maps = s.dim(1);
    int block = s.dim(2) * s.dim(3);
    double[] d = t.data();
    double[] first = new double[s.dim(0) * block];
    for (int o = 0; o < s.dim(0); o++) {
      int base = o * maps * block;
      for (int k = 0; k < block; k++) {
        double v = d[base + k];
        for (int m = 1; m < maps; m++) {
          if (Double.compare(d[base + m * block + k], v) != 0) {
            return null;
          }
        }
        first[o * block + k] = v;
      }
    }
    return b.constant(Tensor.wrap(oneMap, first));
  }
}
