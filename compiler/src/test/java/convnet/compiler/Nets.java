package convnet.compiler;

import convnet.autodiff.Attrs;
import convnet.autodiff.Function;
import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small networks built from primitives, as training-step functions of the contract, with seeded
 * values.
 */
final class Nets {
  static final double MOMENTUM = 0.9;
  static final double WEIGHT_DECAY = 5e-4;

  private Nets() {}

  /** A network under construction: its builder, its leaves and the random values bound to them. */
  static final class Net {
    final GraphBuilder b = new GraphBuilder();
    final Map<String, Tensor> values = new LinkedHashMap<>();
    final List<Node> trainable = new ArrayList<>();
    final Random random;
    final int batch;

    Node logits;

    Net withLogits(Node logits) {
      this.logits = logits;
      return this;
    }

    Net(long seed, int batch) {
      this.random = new Random(seed);
      this.batch = batch;
    }

    Node input(String name, Shape s, Tensor value) {
      values.put(name, value);
      return b.input(name, s);
    }

    Node param(String name, Shape s, double scale, boolean train) {
      values.put(name, normal(random, s, scale));
      Node p = b.param(name, s);
      if (train) {
        trainable.add(p);
      }
      return p;
    }

    /** nFhxwCSG: g · tanh(b + conv(x, W)), with the given stride and padding. */
    Node convTanhGain(String layer, Node x, int maps, int k, int stride, int pad, boolean train) {
      int in = x.shape().dim(1);
      double scale = 1.0 / Math.sqrt(in * k * k);
      Node w = param(layer + ".weight", Shape.of(maps, in, k, k), scale, train);
      Node bias = param(layer + ".bias", Shape.of(maps, 1, 1), 0.1, true);
      Node gain = param(layer + ".gain", Shape.of(maps, 1, 1), 0.2, true);
      Node y = b.conv2d(x, w, new Attrs.Conv(stride, stride, pad, pad, 1));
      return b.mul(b.add(gain, b.scalar(1.0)), b.tanh(b.add(y, bias)));
    }

    /** conv + bias + relu. */
    Node convRelu(String layer, Node x, int maps, int k, int pad) {
      int in = x.shape().dim(1);
      Node w =
          param(layer + ".weight", Shape.of(maps, in, k, k), 1.0 / Math.sqrt(in * k * k), true);
      Node bias = param(layer + ".bias", Shape.of(maps, 1, 1), 0.1, true);
      return b.relu(b.add(b.conv2d(x, w, new Attrs.Conv(1, 1, pad, pad, 1)), bias));
    }

    /** Local contrast normalisation from primitives (the language's N, odd window). */
    Node lcn(Node x, int window) {
      int maps = x.shape().dim(1);
      Node weight = b.constant(gaussian(maps, window));
      Attrs.Conv same = new Attrs.Conv(1, 1, window / 2, window / 2, 1);
      Node v = b.sub(x, b.conv2d(x, weight, same));
      Node sigma = b.sqrt(b.conv2d(b.square(v), weight, same));
      Node c = b.mean(sigma, List.of(1, 2, 3), true);
      return b.div(v, b.max(c, sigma));
    }

    Node dropout(String layer, Node x, double p) {
      double[] m = new double[x.shape().size()];
      for (int i = 0; i < m.length; i++) {
        m[i] = random.nextDouble() < p ? 0 : 1 / (1 - p);
      }
      return b.mul(x, input("mask/" + layer, x.shape(), Tensor.wrap(x.shape(), m)));
    }

    /**
     * Flatten, dense with a PyTorch-layout weight [classes, features] (a transpose feeds the
     * product).
     */
    Node logistic(String layer, Node x, int classes) {
      int features = x.shape().size() / batch;
      Node flat = b.reshape(x, Shape.of(batch, features));
      Node w =
          param(layer + ".weight", Shape.of(classes, features), 1.0 / Math.sqrt(features), true);
      Node bias = param(layer + ".bias", Shape.of(classes), 0.1, true);
      return b.add(b.matmul(flat, b.transpose(w, 1, 0)), bias);
    }

    /** The training-step function of the contract for these logits. */
    Function trainingStep(String name, Node logits) {
      int classes = logits.shape().dim(1);
      double[] oneHot = new double[batch * classes];
      for (int i = 0; i < batch; i++) {
        oneHot[i * classes + random.nextInt(classes)] = 1;
      }
      Node labels =
          input("labels", Shape.of(batch, classes), Tensor.wrap(Shape.of(batch, classes), oneHot));
      Node lr = input("hyper/lr", Shape.scalar(), Tensor.scalar(0.05));
      Node loss = b.softmaxCrossEntropy(logits, labels);
      List<Node> grads = Grad.grad(b, loss, trainable);
      Map<String, Node> outputs = new LinkedHashMap<>();
      outputs.put("output", logits);
      outputs.put("loss", loss);
      for (int i = 0; i < trainable.size(); i++) {
        Node x = trainable.get(i);
        String velocityName = "velocity/" + x.name();
        Node v = param(velocityName, x.shape(), 0.01, false);
        Node next = b.add(b.add(b.mul(v, MOMENTUM), grads.get(i)), b.mul(x, WEIGHT_DECAY));
        outputs.put("new/" + x.name(), b.sub(x, b.mul(lr, next)));
        outputs.put("new/" + velocityName, next);
      }
      return new Function(name, Graph.of(outputs));
    }

    /** The inference function: output only. */
    Function inference(String name, Node logits) {
      return new Function(name, Graph.of("output", logits));
    }
  }

  static Tensor normal(Random r, Shape s, double scale) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian() * scale;
    }
    return Tensor.wrap(s, d);
  }

  /** The Gaussian window [1, maps, k, k], σ = k/4, summing to 1 over everything. */
  static Tensor gaussian(int maps, int k) {
    double s = k / 4.0;
    double[] d = new double[maps * k * k];
    double total = 0;
    for (int m = 0; m < maps; m++) {
      for (int p = 0; p < k; p++) {
        for (int q = 0; q < k; q++) {
          double dy = p - (k - 1) / 2.0;
          double dx = q - (k - 1) / 2.0;
          double v = Math.exp(-(dy * dy + dx * dx) / (2 * s * s));
          d[(m * k + p) * k + q] = v;
          total += v;
        }
      }
    }
    for (int i = 0; i < d.length; i++) {
      d[i] /= total;
    }
    return Tensor.wrap(Shape.of(1, maps, k, k), d);
  }

  /** Two stages of FCSG − Rabs − N − PA, then logistic (the B2 shape, scaled down). */
  static Net jarrett(long seed, int batch) {
    Net n = new Net(seed, batch);
    Node x =
        n.input(
            "input", Shape.of(batch, 1, 14, 14), normal(n.random, Shape.of(batch, 1, 14, 14), 1));
    Node h = n.convTanhGain("L1_conv", x, 4, 3, 1, 0, true);
    h = n.b.abs(h);
    h = n.lcn(h, 5);
    h = n.b.avgPool(h, Attrs.Pool.window(2, 2));
    h = n.convTanhGain("L5_conv", h, 6, 3, 1, 0, true);
    h = n.b.abs(h);
    h = n.lcn(h, 3);
    h = n.b.avgPool(h, Attrs.Pool.window(2, 2));
    return n.withLogits(n.logistic("L9_logistic", h, 5));
  }

  /** conv(pad 1) − relu − PM2x2, twice, dropout, logistic (the B4 shape, scaled down). */
  static Net vggLike(long seed, int batch) {
    Net n = new Net(seed, batch);
    Node x =
        n.input("input", Shape.of(batch, 3, 8, 8), normal(n.random, Shape.of(batch, 3, 8, 8), 1));
    Node h = n.convRelu("L1_conv", x, 6, 3, 1);
    h = n.b.maxPool(h, Attrs.Pool.window(2, 2));
    h = n.convRelu("L4_conv", h, 8, 3, 1);
    h = n.b.maxPool(h, Attrs.Pool.window(2, 2));
    h = n.dropout("L7_dropout", h, 0.5);
    return n.withLogits(n.logistic("L8_logistic", h, 4));
  }

  /**
   * Random filters kept fixed (protocol R), strided and padded convolution, overlapping average
   * pooling.
   */
  static Net frozenStrided(long seed, int batch) {
    Net n = new Net(seed, batch);
    Node x =
        n.input(
            "input", Shape.of(batch, 2, 11, 11), normal(n.random, Shape.of(batch, 2, 11, 11), 1));
    Node h = n.convTanhGain("L1_conv", x, 5, 3, 2, 1, false);
    h = n.b.relu(h);
    h = n.b.avgPool(h, new Attrs.Pool(3, 3, 2, 2, 0, 0, false));
    h = n.b.maxPool(h, new Attrs.Pool(2, 2, 1, 1, 0, 0, false));
    return n.withLogits(n.logistic("L5_logistic", h, 3));
  }
}
