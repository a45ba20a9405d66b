package convnet.runtime.train;

import convnet.autodiff.DType;
import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.autodiff.io.NpyType;
import convnet.autodiff.io.Npz;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.Layer;
import convnet.dsl.LayerKind;
import convnet.dsl.Network;
import convnet.dsl.ParamSpec;
import convnet.dsl.lower.Lowering;
import convnet.runtime.cli.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A {@link TrainableModel} for the trainer's tests, built straight on the lowering, the symbolic
 * gradient and the interpreter (F32), following the training-step contract.
 */
final class LoweredTestModel implements TrainableModel {
  private final Network network;

  private LoweredTestModel(Network network) {
    this.network = network;
  }

  static LoweredTestModel of(String source) {
    CheckResult r = Checker.checkSource(source, "test.cnn");
    if (!r.ok()) {
      throw new IllegalArgumentException(r.diagnostics().render(source));
    }
    return new LoweredTestModel(r.network());
  }

  @Override
  public Network network() {
    return network;
  }

  @Override
  public List<String> parameterNames() {
    return network.parameterSpecs().stream().map(ParamSpec::name).toList();
  }

  @Override
  public Map<String, Tensor> init(long seed) {
    Random random = new Random(seed);
    Map<String, Tensor> result = new LinkedHashMap<>();
    for (ParamSpec p : network.parameterSpecs()) {
      Shape shape = Shape.of(p.dims());
      double[] d = new double[shape.size()];
      if (p.name().endsWith(".weight")) {
        int fanIn = shape.size() / shape.dim(0);
        for (int i = 0; i < d.length; i++) {
          d[i] = (float) (random.nextGaussian() / Math.sqrt(fanIn));
        }
      } else if (p.name().endsWith(".gain")) {
        java.util.Arrays.fill(d, 1);
      }
      result.put(p.name(), Tensor.wrap(shape, d));
    }
    return result;
  }

  @Override
  public Set<String> frozen(Protocol protocol) {
    List<Integer> stages = network.convStages();
    Set<String> frozen = new HashSet<>();
    for (Layer l : network.layers()) {
      int index = stages.indexOf(l.stage());
      if (index >= 0 && protocol.frozen(index)
          && (l.kind() == LayerKind.CONV || l.kind() == LayerKind.MLPCONV)) {
        l.params().forEach(p -> frozen.add(p.name()));
      }
    }
    return frozen;
  }

  @Override
  public Function trainingFunction(int batch, double momentum, double weightDecay,
      Set<String> frozen) {
    Graph g = Lowering.lower(network, batch, Lowering.Mode.TRAINING, true);
    GraphBuilder b = new GraphBuilder();
    Map<String, Node> outputs = new LinkedHashMap<>(g.outputs());
    List<Node> wrt = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, Node> e : g.params().entrySet()) {
      if (!frozen.contains(e.getKey())) {
        wrt.add(e.getValue());
        names.add(e.getKey());
      }
    }
    List<Node> grads = Grad.grad(b, g.output("loss"), wrt);
    Node lr = b.input("hyper/lr", Shape.scalar());
    for (int i = 0; i < wrt.size(); i++) {
      Node x = wrt.get(i);
      Node v = b.param("velocity/" + names.get(i), x.shape());
      Node v2 = b.add(b.add(b.mul(v, momentum), grads.get(i)), b.mul(x, weightDecay));
      outputs.put("new/" + names.get(i), b.sub(x, b.mul(v2, lr)));
      outputs.put("new/velocity/" + names.get(i), v2);
    }
    return new Function("train", Graph.of(outputs));
  }

  @Override
  public Function inferenceFunction(int batch) {
    return new Function("infer", Lowering.lower(network, batch, Lowering.Mode.INFERENCE, false));
  }

  @Override
  public Function layerOutputsFunction(int batch) {
    // Each prefix of the network, lowered on its own, gives that layer's output.
    Map<String, Node> outputs = new LinkedHashMap<>();
    List<Layer> layers = network.layers();
    for (int i = 0; i < layers.size(); i++) {
      Network prefix = new Network(network.name(), network.input(), layers.subList(0, i + 1),
          network.train(), network.stages());
      Graph g = Lowering.lower(prefix, batch, Lowering.Mode.INFERENCE, false);
      outputs.put("layer/" + layers.get(i).name(), g.output("output"));
    }
    return new Function("layers", Graph.of(outputs));
  }

  @Override
  public Executable prepare(Function f, String backend) {
    return Interpreter.compile(f, DType.F32);
  }

  @Override
  public Map<String, Tensor> loadWeights(Path file) {
    try {
      return Npz.read(file);
    } catch (IOException e) {
      throw new UserError(file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void saveWeights(Path file, Map<String, Tensor> weights) {
    try {
      Npz.write(file, weights, NpyType.FLOAT32);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
