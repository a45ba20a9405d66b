package convnet.autodiff;

import java.util.List;

/**
 * Local contrast normalization from primitives, as the language defines N: v = x − Σ_ipq w_pq
 * x_{i,j+p,k+q}, y = v / max(c, σ), σ = (Σ_ipq w_pq v²)^½, w Gaussian (σ_w = window/4 per axis)
 * normalised to sum 1 over all maps and positions, zero padding centred on the (odd) window, c =
 * mean of σ over the positions of one sample.
 */
final class Lcn {
  private Lcn() {}

  /** The Gaussian window [1, maps, h, w], summing to 1 over everything. */
  static Tensor window(int maps, int h, int w) {
    double sh = h / 4.0;
    double sw = w / 4.0;
    double[] d = new double[maps * h * w];
    double total = 0;
    for (int m = 0; m < maps; m++) {
      for (int p = 0; p < h; p++) {
        for (int q = 0; q < w; q++) {
          double dy = p - (h - 1) / 2.0;
          double dx = q - (w - 1) / 2.0;
          double v = Math.exp(-dy * dy / (2 * sh * sh) - dx * dx / (2 * sw * sw));
          d[(m * h + p) * w + q] = v;
          total += v;
        }
      }
    }
    for (int i = 0; i < d.length; i++) {
      d[i] /= total;
    }
    return Tensor.wrap(Shape.of(1, maps, h, w), d);
  }

  /** Parts of the computation, exposed so tests can look at σ and c. */
  record Parts(Node y, Node sigma, Node c) {}

  static Parts build(GraphBuilder b, Node x, int h, int w) {
    if (h % 2 == 0 || w % 2 == 0) {
      throw new IllegalArgumentException("this helper centres odd windows only");
    }
    Shape s = x.shape();
    Node weight = b.constant(window(s.dim(1), h, w));
    Attrs.Conv same = new Attrs.Conv(1, 1, (h - 1) / 2, (w - 1) / 2, 1);
    Node v = b.sub(x, b.conv2d(x, weight, same));
    Node sigma = b.sqrt(b.conv2d(b.square(v), weight, same));
    Node c = b.mean(sigma, List.of(1, 2, 3), true);
    Node y = b.div(v, b.max(c, sigma));
    return new Parts(y, sigma, c);
  }
}
