package convnet.dsl.lower;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.Random;

/**
 * Straightforward loop implementations of each layer, written from the language's definitions, to
 * test the lowering against.
 */
final class Reference {
  private Reference() {}

  static Tensor normal(Random r, int... dims) {
    Shape s = Shape.of(dims);
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian();
    }
    return Tensor.wrap(s, d);
  }

  static Tensor uniform(Random r, double lo, double hi, int... dims) {
    Shape s = Shape.of(dims);
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (hi - lo) * r.nextDouble();
    }
    return Tensor.wrap(s, d);
  }

  /** Zero outside the image. */
  private static double at(Tensor x, int n, int c, int i, int j) {
    if (i < 0 || j < 0 || i >= x.shape().dim(2) || j >= x.shape().dim(3)) {
      return 0;
    }
    return x.at(n, c, i, j);
  }

  /**
   * y[n,o,i,j] = Σ_{c in o's group} Σ_pq x[n, c, i·s − pad + p, j·s − pad + q] · w[o, c − group
   * start, p, q]: cross-correlation, which is the true convolution with the flipped kernel.
   */
  static Tensor conv(Tensor x, Tensor w, int stride, int pad, int groups) {
    int n = x.shape().dim(0);
    int cin = x.shape().dim(1);
    int h = x.shape().dim(2);
    int wd = x.shape().dim(3);
    int out = w.shape().dim(0);
    int kh = w.shape().dim(2);
    int kw = w.shape().dim(3);
    int oh = (h + 2 * pad - kh) / stride + 1;
    int ow = (wd + 2 * pad - kw) / stride + 1;
    int perGroupIn = cin / groups;
    int perGroupOut = out / groups;
    double[] y = new double[n * out * oh * ow];
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < out; o++) {
        int g = o / perGroupOut;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double s = 0;
            for (int c = 0; c < perGroupIn; c++) {
              for (int p = 0; p < kh; p++) {
                for (int q = 0; q < kw; q++) {
                  s +=
                      at(x, b, g * perGroupIn + c, i * stride - pad + p, j * stride - pad + q)
                          * w.at(o, c, p, q);
                }
              }
            }
            y[((b * out + o) * oh + i) * ow + j] = s;
          }
        }
      }
    }
    return Tensor.wrap(Shape.of(n, out, oh, ow), y);
  }

  /** Applies f to (value, map index) elementwise. */
  interface PerMap {
    double apply(double v, int map);
  }

  static Tensor perMap(Tensor x, PerMap f) {
    Shape s = x.shape();
    double[] d = new double[s.size()];
    int plane = s.dim(2) * s.dim(3);
    for (int i = 0; i < d.length; i++) {
      d[i] = f.apply(x.get(i), (i / plane) % s.dim(1));
    }
    return Tensor.wrap(s, d);
  }

  /**
   * Pooling with PyTorch's output size; average divides by the full window, max ignores the
   * padding.
   */
  static Tensor pool(Tensor x, boolean max, int window, int stride, int pad, boolean ceil) {
    Shape s = x.shape();
    int oh = pooledSize(s.dim(2), window, stride, pad, ceil);
    int ow = pooledSize(s.dim(3), window, stride, pad, ceil);
    double[] y = new double[s.dim(0) * s.dim(1) * oh * ow];
    int k = 0;
    for (int n = 0; n < s.dim(0); n++) {
      for (int c = 0; c < s.dim(1); c++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int p = 0; p < window; p++) {
              for (int q = 0; q < window; q++) {
                int r = i * stride - pad + p;
                int col = j * stride - pad + q;
                if (r < 0 || col < 0 || r >= s.dim(2) || col >= s.dim(3)) {
                  continue;
                }
                double v = x.at(n, c, r, col);
                acc = max ? Math.max(acc, v) : acc + v;
              }
            }
            y[k++] = max ? acc : acc / (window * window);
          }
        }
      }
    }
    return Tensor.wrap(Shape.of(s.dim(0), s.dim(1), oh, ow), y);
  }

  static int pooledSize(int n, int window, int stride, int pad, boolean ceil) {
    int span = n + 2 * pad - window;
    int o = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
    if (ceil && (o - 1) * stride >= n + pad) {
      o--;
    }
    return o;
  }

  /**
   * LCN by its definition: Gaussian w with standard deviations (sh, sw) summing to 1 over all maps
   * and window positions, centred at ((h−1)/2, (w−1)/2), zero padding; σ = (Σ w v² + eps)^½, c =
   * mean σ per sample.
   */
  static Tensor lcn(Tensor x, int h, int w, double sh, double sw, double eps) {
    Shape s = x.shape();
    int maps = s.dim(1);
    int rows = s.dim(2);
    int cols = s.dim(3);
    double[][] g = new double[h][w];
    double total = 0;
    for (int p = 0; p < h; p++) {
      for (int q = 0; q < w; q++) {
        double dy = p - (h - 1) / 2.0;
        double dx = q - (w - 1) / 2.0;
        g[p][q] = Math.exp(-dy * dy / (2 * sh * sh) - dx * dx / (2 * sw * sw));
        total += g[p][q] * maps;
      }
    }
    int top = (h - 1) / 2;
    int left = (w - 1) / 2;
    double[] y = new double[s.size()];
    for (int n = 0; n < s.dim(0); n++) {
      double[][][] v = new double[maps][rows][cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          double mean = 0;
          for (int c = 0; c < maps; c++) {
            for (int p = 0; p < h; p++) {
              for (int q = 0; q < w; q++) {
                mean += g[p][q] / total * at(x, n, c, i - top + p, j - left + q);
              }
            }
          }
          for (int c = 0; c < maps; c++) {
            v[c][i][j] = x.at(n, c, i, j) - mean;
          }
        }
      }
      double[][] sigma = new double[rows][cols];
      double c0 = 0;
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          double ss = 0;
          for (int c = 0; c < maps; c++) {
            for (int p = 0; p < h; p++) {
              for (int q = 0; q < w; q++) {
                int r = i - top + p;
                int col = j - left + q;
                if (r >= 0 && col >= 0 && r < rows && col < cols) {
                  ss += g[p][q] / total * v[c][r][col] * v[c][r][col];
                }
              }
            }
          }
          sigma[i][j] = Math.sqrt(ss + eps);
          c0 += sigma[i][j];
        }
      }
      c0 /= rows * cols;
      for (int c = 0; c < maps; c++) {
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < cols; j++) {
            y[((n * maps + c) * rows + i) * cols + j] = v[c][i][j] / Math.max(c0, sigma[i][j]);
          }
        }
      }
    }
    return Tensor.wrap(s, y);
  }

  /** y[n, u] = Σ_k x_flat[n, k] · w[u, k] + b[u], x flattened in channel, row, column order. */
  static Tensor dense(Tensor x, Tensor w, Tensor bias) {
    int n = x.shape().dim(0);
    int fan = x.size() / n;
    int units = w.shape().dim(0);
    double[] y = new double[n * units];
    for (int i = 0; i < n; i++) {
      for (int u = 0; u < units; u++) {
        double s = bias == null ? 0 : bias.get(u);
        for (int k = 0; k < fan; k++) {
          s += x.get(i * fan + k) * w.at(u, k);
        }
        y[i * units + u] = s;
      }
    }
    return Tensor.wrap(Shape.of(n, units), y);
  }

  /** Mean over the batch of −log softmax(logits)[label]. */
  static double crossEntropy(Tensor logits, int[] labels) {
    int n = logits.shape().dim(0);
    int k = logits.shape().dim(1);
    double loss = 0;
    for (int i = 0; i < n; i++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        m = Math.max(m, logits.at(i, j));
      }
      double z = 0;
      for (int j = 0; j < k; j++) {
        z += Math.exp(logits.at(i, j) - m);
      }
      loss -= logits.at(i, labels[i]) - m - Math.log(z);
    }
    return loss / n;
  }

  static Tensor oneHot(int[] labels, int classes) {
    double[] d = new double[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      d[i * classes + labels[i]] = 1;
    }
    return Tensor.wrap(Shape.of(labels.length, classes), d);
  }

  /** Maximum over consecutive groups of {@code pieces} maps. */
  static Tensor maxout(Tensor x, int pieces) {
    Shape s = x.shape();
    int groups = s.dim(1) / pieces;
    double[] y = new double[s.size() / pieces];
    int k = 0;
    for (int n = 0; n < s.dim(0); n++) {
      for (int g = 0; g < groups; g++) {
        for (int i = 0; i < s.dim(2); i++) {
          for (int j = 0; j < s.dim(3); j++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < pieces; p++) {
              m = Math.max(m, x.at(n, g * pieces + p, i, j));
            }
            y[k++] = m;
          }
        }
      }
    }
    return Tensor.wrap(Shape.of(s.dim(0), groups, s.dim(2), s.dim(3)), y);
  }

  /** PyTorch LocalResponseNorm: x_c / (k + α/n Σ_{c' = c − n/2}^{c + (n−1)/2} x_{c'}²)^β. */
  static Tensor lrn(Tensor x, int size, double alpha, double beta, double k) {
    Shape s = x.shape();
    double[] y = new double[s.size()];
    int idx = 0;
    for (int n = 0; n < s.dim(0); n++) {
      for (int c = 0; c < s.dim(1); c++) {
        for (int i = 0; i < s.dim(2); i++) {
          for (int j = 0; j < s.dim(3); j++) {
            double sum = 0;
            for (int d = c - size / 2; d <= c + (size - 1) / 2; d++) {
              if (d >= 0 && d < s.dim(1)) {
                sum += x.at(n, d, i, j) * x.at(n, d, i, j);
              }
            }
            y[idx++] = x.at(n, c, i, j) / Math.pow(k + alpha / size * sum, beta);
          }
        }
      }
    }
    return Tensor.wrap(s, y);
  }

  static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
    if (!expected.shape().equals(actual.shape())) {
      throw new AssertionError(
          what + ": shape " + actual.shape() + ", expected " + expected.shape());
    }
    for (int i = 0; i < expected.size(); i++) {
      double e = expected.get(i);
      double a = actual.get(i);
      if (!(Math.abs(e - a) <= tol * (1 + Math.abs(e)))) {
        throw new AssertionError(what + ": element " + i + " is " + a + ", expected " + e);
      }
    }
  }
}
