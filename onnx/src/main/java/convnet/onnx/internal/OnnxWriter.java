package convnet.onnx.internal;

import com.google.protobuf.ByteString;
import convnet.autodiff.Tensor;
import convnet.dsl.Activation;
import convnet.dsl.ConnectionTable;
import convnet.dsl.Expr;
import convnet.dsl.Layer;
import convnet.dsl.LayerArgs;
import convnet.dsl.LayerKind;
import convnet.dsl.MapShape;
import convnet.dsl.Network;
import convnet.dsl.lower.Lowering;
import convnet.onnx.internal.proto.OnnxProto.AttributeProto;
import convnet.onnx.internal.proto.OnnxProto.GraphProto;
import convnet.onnx.internal.proto.OnnxProto.ModelProto;
import convnet.onnx.internal.proto.OnnxProto.NodeProto;
import convnet.onnx.internal.proto.OnnxProto.OperatorSetIdProto;
import convnet.onnx.internal.proto.OnnxProto.StringStringEntryProto;
import convnet.onnx.internal.proto.OnnxProto.TensorProto;
import convnet.onnx.internal.proto.OnnxProto.TensorShapeProto;
import convnet.onnx.internal.proto.OnnxProto.TypeProto;
import convnet.onnx.internal.proto.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the inference network of a checked {@link Network} as an ONNX model of standard operators
 * (opset {@value #OPSET}), one method per layer kind, mirroring {@link Lowering} layer by layer.
 *
 * <p>Weights become initializers in float32. A connection table is folded into a full convolution
 * weight with zeros where an output does not see an input; a gain is folded into the weight and
 * bias when the filter bank has no activation (g·(b + W⋆x) = gb + gW⋆x) and is otherwise a {@code
 * Mul} by a per-map constant, since g·tanh(·) cannot move inside the tanh. Dropout is the identity
 * and writes nothing.
 */
public final class OnnxWriter {
  /**
   * The operator set written: 17 keeps the reduction axes attributes, which every runtime of the
   * last years reads.
   */
  public static final int OPSET = 17;

  /** ONNX IR version 8 is the one that came with opset 17. */
  static final long IR_VERSION = 8;

  /** The name of the image input. */
  public static final String INPUT = "input";

  /** The classifier's scores before softmax. */
  public static final String LOGITS = "logits";

  /** The classifier's softmax. */
  public static final String PROBABILITIES = "probabilities";

  /** The last layer's maps, for a network without a classifier. */
  public static final String OUTPUT = "output";

  /** The symbolic batch dimension of a model exported with a dynamic batch. */
  public static final String BATCH_DIM = "N";

  /**
   * A single ONNX file is one protobuf message, and protobuf refuses messages of 2 GiB or more;
   * this leaves room for the graph and the metadata.
   */
  static final long MAX_WEIGHT_BYTES = (2L << 30) - (64L << 20);

  private final Network network;
  private final Map<String, Tensor> weights;
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<String, Integer> used = new HashMap<>();
  private String layerName = "";

  private OnnxWriter(Network network, Map<String, Tensor> weights) {
    this.network = network;
    this.weights = weights;
  }

  /**
   * What in {@code network} ONNX cannot hold, one line per layer naming it and saying why; empty
   * when the network can be exported. Looks at shapes only, so it can run before any weights are
   * read.
   */
  public static List<String> refusals(Network network) {
    List<String> out = new ArrayList<>();
    long bytes = 0;
    for (Layer l : network.layers()) {
      for (var p : l.params()) {
        long n = 1;
        for (int d : p.dims()) {
          n *= d;
        }
        bytes += n * Float.BYTES;
      }
      if (bytes > MAX_WEIGHT_BYTES) {
        out.add(
            String.format(
                Locale.ROOT,
                "layer %s: with its weights the model holds %,d bytes of float32 "
                    + "weights, more than one ONNX file can hold (a protobuf message is under 2 GiB); make the network "
                    + "smaller",
                l.name(),
                bytes));
        break;
      }
      if (!expressible(l.kind())) {
        out.add(
            "layer "
                + l.name()
                + " ("
                + l.kindName()
                + "): ONNX has no operator or composition for it here");
      }
    }
    return out;
  }

  /**
   * Whether a layer kind has a translation; a kind added to the language later is refused until it
   * gets one.
   */
  private static boolean expressible(LayerKind kind) {
    return switch (kind) {
      case CONV,
          ABS,
          RELU,
          TANH,
          SIGMOID,
          LCN,
          AVGPOOL,
          MAXPOOL,
          DENSE,
          DROPOUT,
          MAXOUT,
          LRN,
          MLPCONV,
          LOGISTIC,
          FN ->
          true;
      default -> false;
    };
  }

  /**
   * The model: {@code batch} images per call, or a symbolic batch when {@code batch} is 0. {@code
   * source} is the network's text, kept in the metadata. Call {@link #refusals} first: a refused
   * layer here is a bug.
   */
  public static ModelProto write(
      Network network, String source, Map<String, Tensor> weights, int batch) {
    List<String> refused = refusals(network);
    if (!refused.isEmpty()) {
      throw new IllegalStateException("write called on a refused network: " + refused);
    }
    return new OnnxWriter(network, weights).run(source, batch);
  }

  private ModelProto run(String source, int batch) {
    MapShape in = network.input();
    graph.setName(network.name());
    graph.setDocString(
        "Network '"
            + network.name()
            + "' exported by convnet-dsl: inference only (dropout is the "
            + "identity).");
    graph.addInput(
        valueInfo(
            INPUT,
            batch,
            List.of(in.channels(), in.height(), in.width()),
            "images [N, C, H, W] in float32, preprocessed as in training"));
    String x = INPUT;
    for (Layer layer : network.layers()) {
      layerName = layer.name();
      x = layer(layer, x);
    }
    Layer last =
        network.layers().isEmpty() ? null : network.layers().get(network.layers().size() - 1);
    if (last != null && last.kind() == LayerKind.LOGISTIC) {
      int k = last.output().channels();
      rename(x, LOGITS);
      layerName = last.name();
      node("Softmax", List.of(LOGITS), PROBABILITIES, attr("axis", 1));
      graph.addOutput(valueInfo(LOGITS, batch, List.of(k), "class scores [N, K] before softmax"));
      graph.addOutput(
          valueInfo(
              PROBABILITIES, batch, List.of(k), "class probabilities [N, K], softmax of logits"));
    } else {
      MapShape o = network.output();
      rename(x, OUTPUT);
      graph.addOutput(
          valueInfo(
              OUTPUT,
              batch,
              List.of(o.channels(), o.height(), o.width()),
              "the last layer's maps [N, C, H, W]"));
    }
    ModelProto.Builder m =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("convnet-dsl")
            .setProducerVersion(version())
            .setDomain("org.convnetdsl")
            .setModelVersion(1)
            .setDocString(
                "Network '"
                    + network.name()
                    + "' written in the convnet-dsl language; its source text is "
                    + "in the metadata under 'source'.")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(graph);
    m.addMetadataProps(entry("network", network.name()));
    m.addMetadataProps(entry("source", source));
    m.addMetadataProps(
        entry(
            "input",
            INPUT
                + ": float32 ["
                + (batch == 0 ? BATCH_DIM : batch)
                + ", "
                + in.channels()
                + ", "
                + in.height()
                + ", "
                + in.width()
                + "]"));
    return m.build();
  }

  private static String version() {
    String v = OnnxWriter.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Makes the value {@code from} appear under {@code to}: renames the node output that produced it.
   */
  private void rename(String from, String to) {
    if (from.equals(INPUT)) {
      node("Identity", List.of(INPUT), to);
      return;
    }
    for (int i = graph.getNodeCount() - 1; i >= 0; i--) {
      NodeProto n = graph.getNode(i);
      if (n.getOutputCount() == 1 && n.getOutput(0).equals(from)) {
        graph.setNode(i, n.toBuilder().setOutput(0, to));
        return;
      }
    }
    throw new IllegalStateException("no node produces " + from);
  }

  // ---- layers

  private String layer(Layer layer, String x) {
    return switch (layer.kind()) {
      case CONV -> conv(layer, (LayerArgs.Conv) layer.args(), x);
      case ABS -> unary("Abs", x);
      case RELU -> unary("Relu", x);
      case TANH -> unary("Tanh", x);
      case SIGMOID -> unary("Sigmoid", x);
      case LCN -> lcn(layer, (LayerArgs.Lcn) layer.args(), x);
      case AVGPOOL -> pool("AveragePool", layer, (LayerArgs.Pool) layer.args(), x);
      case MAXPOOL -> pool("MaxPool", layer, (LayerArgs.Pool) layer.args(), x);
      case DENSE -> dense(layer, ((LayerArgs.Dense) layer.args()).bias(), x);
      case DROPOUT -> x;
      case MAXOUT -> maxout(layer, ((LayerArgs.Maxout) layer.args()).pieces(), x);
      case LRN -> lrn(layer, (LayerArgs.Lrn) layer.args(), x);
      case MLPCONV -> mlpconv(layer, (LayerArgs.Mlpconv) layer.args(), x);
      case LOGISTIC -> gemm(layer, true, x);
      case FN -> function(layer, (LayerArgs.Function) layer.args(), x);
      default ->
          throw new IllegalStateException("layer kind " + layer.kind() + " passed refusals()");
    };
  }

  private String conv(Layer layer, LayerArgs.Conv a, String x) {
    int inMaps = layer.input().channels();
    float[] w = floats(weight(layer.name() + ".weight"));
    int kernel = a.kernelHeight() * a.kernelWidth();
    int perOutput = a.table() != null ? inMaps : inMaps / a.groups();
    if (a.table() != null) {
      w = unfold(w, a.table(), kernel);
    }
    float[] bias = a.bias() ? floats(weight(layer.name() + ".bias")) : null;
    float[] gain = a.gain() ? floats(weight(layer.name() + ".gain")) : null;
    boolean foldGain = gain != null && a.activation() == Activation.NONE;
    if (foldGain) {
      int per = w.length / a.maps();
      for (int o = 0; o < a.maps(); o++) {
        for (int i = 0; i < per; i++) {
          w[o * per + i] *= gain[o];
        }
        if (bias != null) {
          bias[o] *= gain[o];
        }
      }
    }
    List<String> inputs =
        new ArrayList<>(
            List.of(
                x,
                initializer(
                    layer.name() + ".weight",
                    new long[] {a.maps(), perOutput, a.kernelHeight(), a.kernelWidth()},
                    w)));
    if (bias != null) {
      inputs.add(initializer(layer.name() + ".bias", new long[] {a.maps()}, bias));
    }
    String y =
        node(
            "Conv",
            inputs,
            null,
            ints("kernel_shape", a.kernelHeight(), a.kernelWidth()),
            ints("strides", a.strideHeight(), a.strideWidth()),
            ints("pads", a.padHeight(), a.padWidth(), a.padHeight(), a.padWidth()),
            attr("group", a.table() != null ? 1 : a.groups()));
    y = activation(a.activation(), y);
    if (gain != null && !foldGain) {
      y =
          node(
              "Mul",
              List.of(y, initializer(layer.name() + ".gain", new long[] {a.maps(), 1, 1}, gain)),
              null);
    }
    return y;
  }

  /**
   * The stored [out, k, kh, kw] weight of a connection table spread into [out, in, kh, kw], zero
   * where unconnected.
   */
  private static float[] unfold(float[] w, ConnectionTable table, int kernel) {
    int out = table.outputs();
    int k = table.perOutput();
    int in = table.inputs();
    float[] full = new float[out * in * kernel];
    for (int o = 0; o < out; o++) {
      int[] row = table.inputsOf(o);
      for (int j = 0; j < k; j++) {
        System.arraycopy(w, (o * k + j) * kernel, full, (o * in + row[j]) * kernel, kernel);
      }
    }
    return full;
  }

  private String activation(Activation act, String x) {
    return switch (act) {
      case NONE -> x;
      case TANH -> unary("Tanh", x);
      case RELU -> unary("Relu", x);
      case ABS -> unary("Abs", x);
      case SIGMOID -> unary("Sigmoid", x);
    };
  }

  /**
   * Local contrast normalization as {@link Lowering} defines it, from standard operators: the
   * window sum over all maps is a one-output {@code Conv} with the Gaussian window and centred (for
   * even windows asymmetric) zero padding; v = x − Σ, σ = √(Σ v² + ε), c = mean of σ over a sample,
   * y = v / max(c, σ).
   */
  private String lcn(Layer layer, LayerArgs.Lcn a, String x) {
    int maps = layer.input().channels();
    int h = a.windowHeight();
    int w = a.windowWidth();
    Tensor window = Lowering.lcnWindow(maps, h, w, a.sigmaHeight(), a.sigmaWidth());
    String win = initializer(layer.name() + ".window", new long[] {1, maps, h, w}, floats(window));
    int top = (h - 1) / 2;
    int left = (w - 1) / 2;
    NodeAttr[] convAttrs = {
      ints("kernel_shape", h, w), ints("pads", top, left, h - 1 - top, w - 1 - left)
    };
    String mean = node("Conv", List.of(x, win), null, convAttrs);
    String v = node("Sub", List.of(x, mean), null);
    String square = node("Mul", List.of(v, v), null);
    String local = node("Conv", List.of(square, win), null, convAttrs);
    String sigma =
        node(
            "Sqrt", List.of(node("Add", List.of(local, scalar(Lowering.LCN_EPSILON)), null)), null);
    String c = node("ReduceMean", List.of(sigma), null, ints("axes", 1, 2, 3), attr("keepdims", 1));
    return node("Div", List.of(v, node("Max", List.of(c, sigma), null)), null);
  }

  /**
   * Pooling with explicit begin and end padding, floor rounding: the end padding reaches exactly to
   * the end of the last window the checker counted (ceil rounding included), so every window lies
   * inside the padded input. {@code AveragePool} then counts the padding as zeros and divides by
   * the full window (as our avgpool does), and {@code MaxPool} ignores it (as our maxpool does).
   */
  private String pool(String op, Layer layer, LayerArgs.Pool p, String x) {
    MapShape in = layer.input();
    MapShape out = layer.output();
    int endH =
        Math.max(
            0,
            (out.height() - 1) * p.strideHeight() + p.windowHeight() - in.height() - p.padHeight());
    int endW =
        Math.max(
            0, (out.width() - 1) * p.strideWidth() + p.windowWidth() - in.width() - p.padWidth());
    List<NodeAttr> attrs =
        new ArrayList<>(
            List.of(
                ints("kernel_shape", p.windowHeight(), p.windowWidth()),
                ints("strides", p.strideHeight(), p.strideWidth()),
                ints("pads", p.padHeight(), p.padWidth(), endH, endW)));
    if (op.equals("AveragePool")) {
      attrs.add(attr("count_include_pad", 1));
    }
    return node(op, List.of(x), null, attrs.toArray(NodeAttr[]::new));
  }

  /**
   * A dense layer: the logits-like [N, units] of {@link #gemm}, viewed as [N, units, 1, 1] maps.
   */
  private String dense(Layer layer, boolean bias, String x) {
    String y = gemm(layer, bias, x);
    String shape =
        initializer(
            layer.name() + ".shape",
            new long[] {4},
            new long[] {0, layer.output().channels(), 1, 1});
    return node("Reshape", List.of(y, shape), null);
  }

  /** y = flatten(x)·Wᵀ + b, flattening in channel, row, column order as the lowering does. */
  private String gemm(Layer layer, boolean bias, String x) {
    int units = layer.output().channels();
    MapShape in = layer.input();
    long fanIn = (long) in.channels() * in.height() * in.width();
    String flat = node("Flatten", List.of(x), null, attr("axis", 1));
    List<String> inputs =
        new ArrayList<>(
            List.of(
                flat,
                initializer(
                    layer.name() + ".weight",
                    new long[] {units, fanIn},
                    floats(weight(layer.name() + ".weight")))));
    if (bias) {
      inputs.add(
          initializer(
              layer.name() + ".bias", new long[] {units}, floats(weight(layer.name() + ".bias"))));
    }
    return node("Gemm", inputs, null, attr("transB", 1));
  }

  /**
   * Maximum over groups of {@code pieces} consecutive maps: [N, C/p, p, H, W], reduced over axis 2.
   */
  private String maxout(Layer layer, int pieces, String x) {
    MapShape in = layer.input();
    String shape =
        initializer(
            layer.name() + ".shape",
            new long[] {5},
            new long[] {0, in.channels() / pieces, pieces, in.height(), in.width()});
    String grouped = node("Reshape", List.of(x, shape), null);
    return node("ReduceMax", List.of(grouped), null, ints("axes", 2), attr("keepdims", 0));
  }

  /**
   * Local response normalization. ONNX's {@code LRN} sums over maps c − ⌊(n−1)/2⌋ … c + ⌈(n−1)/2⌉,
   * which is our window c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋ when n is odd; an even n is written out as
   * channel padding, shifted slices and the power, exactly as the lowering does.
   */
  private String lrn(Layer layer, LayerArgs.Lrn a, String x) {
    int n = a.size();
    if (n % 2 == 1) {
      return node(
          "LRN",
          List.of(x),
          null,
          attr("size", n),
          floatAttr("alpha", a.alpha()),
          floatAttr("beta", a.beta()),
          floatAttr("bias", a.k()));
    }
    int maps = layer.input().channels();
    int before = n / 2;
    String square = node("Mul", List.of(x, x), null);
    String pads =
        initializer(
            layer.name() + ".pads",
            new long[] {8},
            new long[] {0, before, 0, 0, 0, n - 1 - before, 0, 0});
    String padded = node("Pad", List.of(square, pads), null);
    String axis = initializer(layer.name() + ".axis", new long[] {1}, new long[] {1});
    String sum = null;
    for (int j = 0; j < n; j++) {
      String starts = initializer(layer.name() + ".start" + j, new long[] {1}, new long[] {j});
      String ends = initializer(layer.name() + ".end" + j, new long[] {1}, new long[] {j + maps});
      String part = node("Slice", List.of(padded, starts, ends, axis), null);
      sum = sum == null ? part : node("Add", List.of(sum, part), null);
    }
    String scaled =
        node(
            "Add",
            List.of(node("Mul", List.of(sum, scalar(a.alpha() / n)), null), scalar(a.k())),
            null);
    return node("Div", List.of(x, node("Pow", List.of(scaled, scalar(a.beta())), null)), null);
  }

  private String mlpconv(Layer layer, LayerArgs.Mlpconv a, String x) {
    String y = x;
    int inMaps = layer.input().channels();
    for (int i = 0; i < a.maps().size(); i++) {
      int kh = i == 0 ? a.kernelHeight() : 1;
      int kw = i == 0 ? a.kernelWidth() : 1;
      int stride = i == 0 ? a.stride() : 1;
      int pad = i == 0 ? a.pad() : 0;
      String prefix = layer.name() + "." + i;
      int maps = a.maps().get(i);
      String w =
          initializer(
              prefix + ".weight",
              new long[] {maps, inMaps, kh, kw},
              floats(weight(prefix + ".weight")));
      String b = initializer(prefix + ".bias", new long[] {maps}, floats(weight(prefix + ".bias")));
      y =
          node(
              "Conv",
              List.of(y, w, b),
              null,
              ints("kernel_shape", kh, kw),
              ints("strides", stride, stride),
              ints("pads", pad, pad, pad, pad));
      y = activation(a.activation(), y);
      inMaps = maps;
    }
    return y;
  }

  /**
   * A user function: its expression tree as elementwise operators; a body without the parameter is
   * expanded to x's shape.
   */
  private String function(Layer layer, LayerArgs.Function f, String x) {
    String y = expr(f.body(), f.param(), x);
    if (!mentions(f.body(), f.param())) {
      String shape = node("Shape", List.of(x), null);
      y = node("Expand", List.of(y, shape), null);
    }
    return y;
  }

  private static boolean mentions(Expr e, String param) {
    if (e instanceof Expr.Var v) {
      return v.name().equals(param);
    }
    if (e instanceof Expr.Negate n) {
      return mentions(n.operand(), param);
    }
    if (e instanceof Expr.Binary b) {
      return mentions(b.left(), param) || mentions(b.right(), param);
    }
    if (e instanceof Expr.Call c) {
      return c.args().stream().anyMatch(a -> mentions(a, param));
    }
    return false;
  }

  private String expr(Expr e, String param, String x) {
    if (e instanceof Expr.Num n) {
      return scalar(n.value());
    }
    if (e instanceof Expr.Var v) {
      if (!v.name().equals(param)) {
        throw new IllegalStateException(
            "unbound name '" + v.name() + "' in a checked function at " + v.pos());
      }
      return x;
    }
    if (e instanceof Expr.Negate n) {
      return node("Neg", List.of(expr(n.operand(), param, x)), null);
    }
    if (e instanceof Expr.Binary bin) {
      String l = expr(bin.left(), param, x);
      String r = expr(bin.right(), param, x);
      String op =
          switch (bin.op()) {
            case '+' -> "Add";
            case '-' -> "Sub";
            case '*' -> "Mul";
            case '/' -> "Div";
            case '^' -> "Pow";
            default ->
                throw new IllegalStateException(
                    "unknown operator '" + bin.op() + "' at " + bin.pos());
          };
      return node(op, List.of(l, r), null);
    }
    Expr.Call c = (Expr.Call) e;
    List<String> args = c.args().stream().map(a -> expr(a, param, x)).toList();
    String op =
        switch (c.function()) {
          case "abs" -> "Abs";
          case "exp" -> "Exp";
          case "log" -> "Log";
          case "tanh" -> "Tanh";
          case "sigmoid" -> "Sigmoid";
          case "sqrt" -> "Sqrt";
          case "softplus" -> "Softplus";
          case "max" -> "Max";
          case "min" -> "Min";
          default ->
              throw new IllegalStateException(
                  "unknown function '" + c.function() + "' at " + c.pos());
        };
    return node(op, args, null);
  }

  // ---- building blocks

  private String unary(String op, String x) {
    return node(op, List.of(x), null);
  }

  /** An attribute of a node, built when the node is. */
  private record NodeAttr(AttributeProto proto) {}

  private static NodeAttr attr(String name, long value) {
    return new NodeAttr(
        AttributeProto.newBuilder()
            .setName(name)
            .setType(AttributeProto.AttributeType.INT)
            .setI(value)
            .build());
  }

  private static NodeAttr floatAttr(String name, double value) {
    return new NodeAttr(
        AttributeProto.newBuilder()
            .setName(name)
            .setType(AttributeProto.AttributeType.FLOAT)
            .setF((float) value)
            .build());
  }

  private static NodeAttr ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return new NodeAttr(a.build());
  }

  /**
   * Adds a node named after the current layer and its operator ({@code L1_conv/Conv}, numbered when
   * repeated); its one output has the node's name unless {@code output} is given. Returns the
   * output's name.
   */
  private String node(String op, List<String> inputs, String output, NodeAttr... attrs) {
    String name = unique(layerName + "/" + op);
    NodeProto.Builder n =
        NodeProto.newBuilder()
            .setOpType(op)
            .setName(name)
            .addAllInput(inputs)
            .addOutput(output != null ? output : name);
    for (NodeAttr a : attrs) {
      n.addAttribute(a.proto());
    }
    graph.addNode(n);
    return output != null ? output : name;
  }

  private String unique(String base) {
    int k = used.merge(base, 1, Integer::sum);
    return k == 1 ? base : base + "_" + k;
  }

  private String initializer(String name, long[] dims, float[] values) {
    ByteBuffer buf =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    String unique = unique(name);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(unique)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return unique;
  }

  private String initializer(String name, long[] dims, long[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(values);
    String unique = unique(name);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(unique)
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .setRawData(ByteString.copyFrom(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return unique;
  }

  /** A float32 scalar constant (shape []), which broadcasts against any tensor. */
  private String scalar(double v) {
    return initializer(layerName + ".const", new long[0], new float[] {(float) v});
  }

  private Tensor weight(String name) {
    Tensor t = weights.get(name);
    if (t == null) {
      throw new IllegalStateException("no weight " + name + " among " + weights.keySet());
    }
    return t;
  }

  private static float[] floats(Tensor t) {
    double[] d = t.data();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static ValueInfoProto valueInfo(String name, int batch, List<Integer> dims, String doc) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    shape.addDim(
        batch == 0
            ? TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH_DIM)
            : TensorShapeProto.Dimension.newBuilder().setDimValue(batch));
    for (int d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT_VALUE)
                    .setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).setDocString(doc).build();
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }
}
