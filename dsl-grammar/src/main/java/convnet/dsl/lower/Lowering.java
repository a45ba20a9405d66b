package convnet.dsl.lower;

import convnet.autodiff.Attrs;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.ScalarOp;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import convnet.dsl.Activation;
import convnet.dsl.ConnectionTable;
import convnet.dsl.Expr;
import convnet.dsl.Layer;
import convnet.dsl.LayerArgs;
import convnet.dsl.LayerKind;
import convnet.dsl.MapShape;
import convnet.dsl.Network;
import convnet.dsl.SourcePos;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a checked {@link Network} to an autodiff graph with the seed's semantics, one method per layer kind.
 *
 * <p>The graph has the input {@value #INPUT} [N, C, H, W], in training mode one input {@code mask/<layer>} per
 * dropout layer (the layer's input shape, entries 0 or 1/(1−p)), with a loss the input {@value #LABELS} [N, K]
 * (one-hot), parameters named as in {@code .npz} files in PyTorch's layout, and the outputs {@value #OUTPUT}
 * (logits [N, K] when the network ends with {@code logistic}, else the last activations [N, C, H, W]) and
 * {@value #LOSS}. Every node carries its layer's name and source position as provenance.
 */
public final class Lowering {
  /** Name of the image input. */
  public static final String INPUT = "input";
  /** Name of the one-hot label input. */
  public static final String LABELS = "labels";
  /** Name of the network's output. */
  public static final String OUTPUT = "output";
  /** Name of the mean cross-entropy output. */
  public static final String LOSS = "loss";

  /** Whether dropout layers read masks (training) or are the identity (inference). */
  public enum Mode {
    TRAINING,
    INFERENCE
  }

  private final GraphBuilder b = new GraphBuilder();
  private final Mode mode;
  private final int batch;

  private Lowering(Mode mode, int batch) {
    this.mode = mode;
    this.batch = batch;
  }

  /** The name of the dropout mask input of layer {@code layer}. */
  public static String maskName(String layer) {
    return "mask/" + layer;
  }

  /**
   * The forward graph of {@code network} for batches of {@code batch} images; with {@code withLoss} also the
   * labels input and the loss output, which needs a network ending with {@code logistic}.
   */
  public static Graph lower(Network network, int batch, Mode mode, boolean withLoss) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
    }
    Layer last = network.layers().isEmpty() ? null : network.layers().get(network.layers().size() - 1);
    if (withLoss && (last == null || last.kind() != LayerKind.LOGISTIC)) {
      throw new LoweringException("network '" + network.name() + "' has no classifier at the end, so it has no loss",
          "end it with 'logistic N' to train it on N classes");
    }
    return new Lowering(mode, batch).run(network, withLoss);
  }

  private Graph run(Network network, boolean withLoss) {
    MapShape in = network.input();
    Node x = b.input(INPUT, Shape.of(batch, in.channels(), in.height(), in.width()));
    Map<String, Node> outputs = new LinkedHashMap<>();
    for (Layer layer : network.layers()) {
      b.setProvenance(provenance(layer));
      try {
        x = layer(layer, x);
      } catch (ShapeException e) {
        throw new IllegalStateException("lowering layer " + layer.name() + " of a checked network failed: " + e.getMessage(), e);
      }
      if (layer.kind() != LayerKind.LOGISTIC) {
        MapShape o = layer.output();
        Shape expected = Shape.of(batch, o.channels(), o.height(), o.width());
        if (!x.shape().equals(expected)) {
          throw new IllegalStateException("layer " + layer.name() + " lowered to shape " + x.shape() + " but the checker says "
              + expected);
        }
      }
    }
    outputs.put(OUTPUT, x);
    if (withLoss) {
      Layer last = network.layers().get(network.layers().size() - 1);
      b.setProvenance(provenance(last));
      Node labels = b.input(LABELS, x.shape());
      outputs.put(LOSS, b.softmaxCrossEntropy(x, labels));
    }
    return Graph.of(outputs);
  }

  /** The layer's name, and where it was written when it was read from a file. */
  static String provenance(Layer layer) {
    SourcePos p = layer.pos();
    return p == null || p.line() < 1 ? layer.name() : layer.name() + " (" + p + ")";
  }

  private Node layer(Layer layer, Node x) {
    return switch (layer.kind()) {
      case CONV -> conv(layer, (LayerArgs.Conv) layer.args(), x);
      case ABS -> b.abs(x);
      case RELU -> b.relu(x);
      case TANH -> b.tanh(x);
      case SIGMOID -> b.sigmoid(x);
      case LCN -> lcn((LayerArgs.Lcn) layer.args(), x);
      case AVGPOOL -> b.avgPool(x, pool((LayerArgs.Pool) layer.args()));
      case MAXPOOL -> b.maxPool(x, pool((LayerArgs.Pool) layer.args()));
      case DENSE -> dense(layer, x, ((LayerArgs.Dense) layer.args()).bias());
      case DROPOUT -> dropout(layer, x);
      case MAXOUT -> maxout(((LayerArgs.Maxout) layer.args()).pieces(), x);
      case LRN -> lrn((LayerArgs.Lrn) layer.args(), x);
      case MLPCONV -> mlpconv(layer, (LayerArgs.Mlpconv) layer.args(), x);
      case LOGISTIC -> logistic(layer, x);
      case FN -> function((LayerArgs.Function) layer.args(), x);
    };
  }

  private Node param(String name, int... dims) {
    return b.param(name, Shape.of(dims));
  }

  /** A per-map vector [maps] viewed as [maps, 1, 1] so it broadcasts over [N, maps, H, W]. */
  private Node perMap(Node v) {
    return b.reshape(v, Shape.of(v.shape().dim(0), 1, 1));
  }

  /**
   * y = g · act(b + W ⋆ x): PyTorch's cross-correlation with the stored weight W, which is the seed's true
   * convolution with k = flip(W); gain and bias per output map. A connection table scatters the stored
   * [out, k, kh, kw] weight into the full [out, in, kh, kw] one through a constant 0/1 mask, so the maps an
   * output does not see get weight 0 and no gradient.
   */
  private Node conv(Layer layer, LayerArgs.Conv a, Node x) {
    int inMaps = x.shape().dim(1);
    int perOutput = a.table() != null ? a.table().perOutput() : inMaps / a.groups();
    Node w = param(layer.name() + ".weight", a.maps(), perOutput, a.kernelHeight(), a.kernelWidth());
    if (a.table() != null) {
      w = scatter(w, a.table());
    }
    Node y = b.conv2d(x, w, new Attrs.Conv(a.strideHeight(), a.strideWidth(), a.padHeight(), a.padWidth(), a.groups()));
    if (a.bias()) {
      y = b.add(y, perMap(param(layer.name() + ".bias", a.maps())));
    }
    y = activation(a.activation(), y);
    if (a.gain()) {
      y = b.mul(perMap(param(layer.name() + ".gain", a.maps())), y);
    }
    return y;
  }

  /**
   * full[o, i] = Σ_j w[o, j] · E[o, j, i] with E[o, j, i] = 1 when the table's j-th input of output o is map i:
   * kept rank 4 by flattening the kernel, ([O, k, 1, kh·kw] · [O, k, in, 1]) summed over k.
   */
  private Node scatter(Node w, ConnectionTable table) {
    Shape s = w.shape();
    int out = s.dim(0);
    int k = s.dim(1);
    int kernel = s.dim(2) * s.dim(3);
    int in = table.inputs();
    double[] e = new double[out * k * in];
    for (int o = 0; o < out; o++) {
      int[] row = table.inputsOf(o);
      for (int j = 0; j < k; j++) {
        e[(o * k + j) * in + row[j]] = 1;
      }
    }
    Node mask = b.constant(Tensor.wrap(Shape.of(out, k, in, 1), e));
    Node spread = b.mul(b.reshape(w, Shape.of(out, k, 1, kernel)), mask);
    return b.reshape(b.sum(spread, List.of(1), false), Shape.of(out, in, s.dim(2), s.dim(3)));
  }

  private Node activation(Activation act, Node x) {
    return switch (act) {
      case NONE -> x;
      case TANH -> b.tanh(x);
      case RELU -> b.relu(x);
      case ABS -> b.abs(x);
      case SIGMOID -> b.sigmoid(x);
    };
  }

  private static Attrs.Pool pool(LayerArgs.Pool p) {
    return new Attrs.Pool(p.windowHeight(), p.windowWidth(), p.strideHeight(), p.strideWidth(), p.padHeight(),
        p.padWidth(), p.ceil());
  }

  /**
   * The Gaussian window [1, maps, h, w]: exp(−dy²/2σh² − dx²/2σw²) around the window's centre, divided by its
   * sum over all maps and positions. Every map's slice is the same array of numbers, which is what lets the
   * {@code sum-maps-first} rewrite turn the convolution over all maps into one over their sum.
   */
  public static Tensor lcnWindow(int maps, int h, int w, double sigmaH, double sigmaW) {
    double[] plane = new double[h * w];
    double total = 0;
    for (int p = 0; p < h; p++) {
      for (int q = 0; q < w; q++) {
        double dy = p - (h - 1) / 2.0;
        double dx = q - (w - 1) / 2.0;
        double v = Math.exp(-dy * dy / (2 * sigmaH * sigmaH) - dx * dx / (2 * sigmaW * sigmaW));
        plane[p * w + q] = v;
        total += v;
      }
    }
    double norm = total * maps;
    for (int i = 0; i < plane.length; i++) {
      plane[i] /= norm;
    }
    double[] d = new double[maps * h * w];
    for (int m = 0; m < maps; m++) {
      System.arraycopy(plane, 0, d, m * h * w, h * w);
    }
    return Tensor.wrap(Shape.of(1, maps, h, w), d);
  }

  /** The epsilon under LCN's square root (see {@link #lcn}). */
  public static final double LCN_EPSILON = 1e-6;

  /**
   * Local contrast normalization: v = x − w ⋆ x, σ = (w ⋆ v² + ε)^½, c = mean of σ over one sample's positions,
   * y = v / max(c, σ); w sums over all maps, zero padding centred ((h−1)/2 before, h/2 after, so even windows
   * work too). The gradient flows through c as through σ. ε = {@value #LCN_EPSILON} keeps σ's derivative finite
   * where a window is all zeros (d√s/ds is infinite at 0, which would make every gradient NaN); it is the
   * epsilon of the PyTorch reference of the benchmarks and far below σ² of any non-blank window.
   */
  private Node lcn(LayerArgs.Lcn a, Node x) {
    int maps = x.shape().dim(1);
    int h = a.windowHeight();
    int w = a.windowWidth();
    Node window = b.constant(lcnWindow(maps, h, w, a.sigmaHeight(), a.sigmaWidth()));
    Node mean = localSum(x, window, h, w);
    Node v = b.sub(x, mean);
    Node sigma = b.sqrt(b.add(localSum(b.square(v), window, h, w), LCN_EPSILON));
    Node c = b.mean(sigma, List.of(1, 2, 3), true);
    return b.div(v, b.max(c, sigma));
  }

  /** Σ_ipq w_pq t_{i, j+p, k+q} with the window centred and zero padding: [N, 1, H, W]. */
  private Node localSum(Node t, Node window, int h, int w) {
    int top = (h - 1) / 2;
    int left = (w - 1) / 2;
    if (h % 2 == 1 && w % 2 == 1) {
      return b.conv2d(t, window, new Attrs.Conv(1, 1, top, left, 1));
    }
    Node padded = b.pad(t, List.of(0, 0, top, left), List.of(0, 0, h - 1 - top, w - 1 - left));
    return b.conv2d(padded, window, Attrs.Conv.simple());
  }

  /** y = x·Wᵀ + b on the input flattened in channel, row, column order; the result is [N, units, 1, 1]. */
  private Node dense(Layer layer, Node x, boolean bias) {
    Node y = linear(layer, x, bias);
    return b.reshape(y, Shape.of(batch, y.shape().dim(1), 1, 1));
  }

  private Node linear(Layer layer, Node x, boolean bias) {
    Shape s = x.shape();
    int fanIn = s.dim(1) * s.dim(2) * s.dim(3);
    int units = layer.output().channels();
    Node flat = b.reshape(x, Shape.of(batch, fanIn));
    Node y = b.matmul(flat, b.transpose(param(layer.name() + ".weight", units, fanIn), 1, 0));
    if (bias) {
      y = b.add(y, param(layer.name() + ".bias", units));
    }
    return y;
  }

  /** The classifier's logits [N, K]; the loss is added by {@link #run}. */
  private Node logistic(Layer layer, Node x) {
    return linear(layer, x, true);
  }

  /** x · mask, the mask drawn by the trainer (0 or 1/(1−p)); the identity at inference. */
  private Node dropout(Layer layer, Node x) {
    if (mode == Mode.INFERENCE) {
      return x;
    }
    return b.mul(x, b.input(maskName(layer.name()), x.shape()));
  }

  /** Maximum over groups of {@code pieces} consecutive maps. */
  private Node maxout(int pieces, Node x) {
    Shape s = x.shape();
    Node grouped = b.reshape(x, Shape.of(s.dim(0), s.dim(1) / pieces, pieces, s.dim(2), s.dim(3)));
    return b.reduceMax(grouped, List.of(2), false);
  }

  /**
   * PyTorch's LocalResponseNorm: y_c = x_c / (k + α/n Σ_{c'} x_{c'}²)^β over the n maps c − n/2 … c + (n−1)/2
   * (zeros beyond the edges), written as zero padding plus shifted slices.
   */
  private Node lrn(LayerArgs.Lrn a, Node x) {
    Shape s = x.shape();
    int n = a.size();
    int before = n / 2;
    Node sq = b.pad(b.square(x), List.of(0, before, 0, 0), List.of(0, n - 1 - before, 0, 0));
    Node sum = null;
    for (int j = 0; j < n; j++) {
      Node part = b.sliceAxis(sq, 1, j, j + s.dim(1));
      sum = sum == null ? part : b.add(sum, part);
    }
    return b.div(x, b.pow(b.add(b.mul(sum, a.alpha() / n), a.k()), a.beta()));
  }

  /** A k×k convolution then 1×1 convolutions, each with a bias and the activation (network in network). */
  private Node mlpconv(Layer layer, LayerArgs.Mlpconv a, Node x) {
    Node y = x;
    for (int i = 0; i < a.maps().size(); i++) {
      int kh = i == 0 ? a.kernelHeight() : 1;
      int kw = i == 0 ? a.kernelWidth() : 1;
      int stride = i == 0 ? a.stride() : 1;
      int pad = i == 0 ? a.pad() : 0;
      String prefix = layer.name() + "." + i;
      Node w = param(prefix + ".weight", a.maps().get(i), y.shape().dim(1), kh, kw);
      y = b.conv2d(y, w, new Attrs.Conv(stride, stride, pad, pad, 1));
      y = b.add(y, perMap(param(prefix + ".bias", a.maps().get(i))));
      y = activation(a.activation(), y);
    }
    return y;
  }

  /** A user function: the expression's tree mapped onto elementwise ops, so its gradient is derived symbolically. */
  private Node function(LayerArgs.Function f, Node x) {
    return b.broadcastTo(expr(f.body(), f.param(), x), x.shape());
  }

  private Node expr(Expr e, String param, Node x) {
    if (e instanceof Expr.Num n) {
      return b.scalar(n.value());
    }
    if (e instanceof Expr.Var v) {
      if (!v.name().equals(param)) {
        throw new IllegalStateException("unbound name '" + v.name() + "' in a checked function at " + v.pos());
      }
      return x;
    }
    if (e instanceof Expr.Negate n) {
      return b.neg(expr(n.operand(), param, x));
    }
    if (e instanceof Expr.Binary bin) {
      Node l = expr(bin.left(), param, x);
      Node r = expr(bin.right(), param, x);
      return switch (bin.op()) {
        case '+' -> b.add(l, r);
        case '-' -> b.sub(l, r);
        case '*' -> b.mul(l, r);
        case '/' -> b.div(l, r);
        case '^' -> b.pow(l, r);
        default -> throw new IllegalStateException("unknown operator '" + bin.op() + "' at " + bin.pos());
      };
    }
    Expr.Call c = (Expr.Call) e;
    List<Node> args = c.args().stream().map(a -> expr(a, param, x)).toList();
    ScalarOp op = ScalarOp.functions().get(c.function());
    if (op == null) {
      throw new IllegalStateException("unknown function '" + c.function() + "' at " + c.pos());
    }
    return op.arity() == 1 ? b.unary(op, args.get(0)) : b.binary(op, args.get(0), args.get(1));
  }
}
