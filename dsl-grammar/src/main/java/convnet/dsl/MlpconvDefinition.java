package convnet.dsl;

import static convnet.dsl.RandomArchitectures.P;
import static convnet.dsl.RandomArchitectures.arg;
import static convnet.dsl.RandomArchitectures.num;
import static convnet.dsl.RandomArchitectures.size;

import convnet.autodiff.Attrs;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.ops.Windows;
import java.util.ArrayList;
import java.util.List;

/**
 * Network in network, {@code mlpconv(maps=[m1, m2, ...], kernel, stride, pad, act)}: a kxk
 * convolution to m1 maps, then 1x1 convolutions to each further entry, each with a bias and the
 * activation. It holds its stage's filter bank.
 */
final class MlpconvDefinition extends LayerDefinition {
  MlpconvDefinition() {
    super(List.of("mlpconv"), List.of());
  }

  @Override
  public SpatialWindow spatialWindow(Layer layer) {
    LayerArgs.Mlpconv m = (LayerArgs.Mlpconv) layer.args();
    return new SpatialWindow(
        m.kernelHeight(), m.kernelWidth(), m.stride(), m.stride(), m.pad(), m.pad());
  }

  @Override
  public boolean opensFilterStage() {
    return true;
  }

  @Override
  boolean keepsShape() {
    return false;
  }

  @Override
  Units units() {
    return Units.WEIGHTED;
  }

  @Override
  String example() {
    return "mlpconv(maps=[6, 4], kernel=3x3, pad=1)";
  }

  @Override
  Layer resolveCall(LayerResolver r, LayerNode.Call c) {
    String name = r.nameFor("mlpconv");
    SourcePos pos = r.pos();
    ArgReader a = r.reader(c, List.of("maps", "kernel", "stride", "pad", "act"));
    List<Integer> maps = new ArrayList<>();
    Value m = a.value("maps");
    if (m == null) {
      a.missing("maps", "mlpconv(maps=[192, 160, 96], kernel=5x5, pad=2)");
    } else if (m instanceof Value.ListOf l && !l.items().isEmpty()) {
      for (Value v : l.items()) {
        maps.add(
            ArgReader.integerOf(v, "maps of 'mlpconv'", 1, Checker.MAX_DIM, r.diagnostics(), 1));
      }
    } else {
      r.error(m.pos(), "maps of 'mlpconv' must be a non-empty list such as [192, 160, 96]", null);
    }
    if (!a.has("kernel")) {
      a.missing("kernel", "mlpconv(maps=[192, 160, 96], kernel=5x5, pad=2)");
    }
    int[] kernel = a.size("kernel", new int[] {1, 1}, Checker.MAX_DIM);
    int stride = a.integer("stride", 1, 1, Checker.MAX_DIM);
    int pad = a.integer("pad", 0, 0, Checker.MAX_DIM);
    Activation act = LayerResolver.activation(a, "relu");
    MapShape in = r.in();
    if (r.failed() || in == null) {
      return null;
    }
    if (pad >= kernel[0] || pad >= kernel[1]) {
      r.error(
          pos,
          "pad " + pad + " is not smaller than the kernel " + kernel[0] + "x" + kernel[1],
          null);
      return null;
    }
    int oh = r.outSize("kernel", kernel[0], in.height(), stride, pad, false, "height");
    int ow = oh < 1 ? 0 : r.outSize("kernel", kernel[1], in.width(), stride, pad, false, "width");
    if (oh < 1 || ow < 1) {
      return null;
    }
    List<ParamSpec> specs = new ArrayList<>();
    long params = 0;
    long neurons = 0;
    long connections = 0;
    int prev = in.channels();
    try {
      for (int i = 0; i < maps.size(); i++) {
        int kh = i == 0 ? kernel[0] : 1;
        int kw = i == 0 ? kernel[1] : 1;
        ParamSpec w =
            ParamSpec.weight(name + "." + i + ".weight", List.of(maps.get(i), prev, kh, kw));
        specs.add(w);
        specs.add(ParamSpec.bias(name + "." + i + ".bias", w));
        long units = (long) maps.get(i) * oh * ow;
        params = Math.addExact(params, Math.addExact(w.size(), maps.get(i)));
        neurons = Math.addExact(neurons, units);
        connections = Math.addExact(connections, Math.multiplyExact(units, (long) prev * kh * kw));
        prev = maps.get(i);
      }
    } catch (ArithmeticException e) {
      r.error(pos, "mlpconv is absurdly large: its counts overflow a 64-bit integer", null);
      return null;
    }
    MapShape o = new MapShape(prev, oh, ow);
    return r.layer(
        LayerKind.MLPCONV,
        new LayerArgs.Mlpconv(maps, kernel[0], kernel[1], stride, pad, act),
        o,
        params,
        neurons,
        connections,
        specs);
  }

  @Override
  public Node lower(Layer layer, Node x, Lowerer lowerer) {
    GraphBuilder b = lowerer.graph();
    LayerArgs.Mlpconv a = (LayerArgs.Mlpconv) layer.args();
    Node y = x;
    for (int i = 0; i < a.maps().size(); i++) {
      int kh = i == 0 ? a.kernelHeight() : 1;
      int kw = i == 0 ? a.kernelWidth() : 1;
      int stride = i == 0 ? a.stride() : 1;
      int pad = i == 0 ? a.pad() : 0;
      String prefix = layer.name() + "." + i;
      Node w = lowerer.param(prefix + ".weight", a.maps().get(i), y.shape().dim(1), kh, kw);
      y = b.conv2d(y, w, new Attrs.Conv(stride, stride, pad, pad, 1));
      y = b.add(y, perMap(b, lowerer.param(prefix + ".bias", a.maps().get(i))));
      y = a.activation().apply(b, y);
    }
    return y;
  }

  /**
   * One to three layers of up to the generator's maximum maps, a 1x1 to 3x3 kernel ({@code variant}
   * is not used).
   */
  @Override
  LayerNode draw(RandomArchitectures g, int variant) {
    List<Value> inner = new ArrayList<>();
    int n = g.between(1, 3);
    for (int i = 0; i < n; i++) {
      inner.add(num(g.between(1, g.maxMaps())));
    }
    int k = g.between(1, Math.min(3, Math.min(g.height, g.width)));
    int pad = k == 3 && g.chance(0.5) ? 1 : 0;
    List<Arg> args =
        new ArrayList<>(
            List.of(arg("maps", new Value.ListOf(inner, P)), arg("kernel", size(k, k))));
    if (pad > 0) {
      args.add(arg("pad", num(pad)));
    }
    g.height = Windows.convolvedSize(g.height, k, 1, pad);
    g.width = Windows.convolvedSize(g.width, k, 1, pad);
    g.channels = Integer.parseInt(((Value.Num) inner.get(n - 1)).text());
    return g.label(new LayerNode.Call(null, "mlpconv", args, LayerNode.Form.PARENS, P));
  }
}
