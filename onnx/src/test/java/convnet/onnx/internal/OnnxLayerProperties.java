package convnet.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Tensor;
import convnet.onnx.internal.proto.OnnxProto.ModelProto;
import convnet.onnx.internal.proto.OnnxProto.NodeProto;
import convnet.runtime.model.NetworkModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each translation of the exporter, on small networks that use every layer kind and option the
 * examples do not (even LRN and LCN windows, gains folded or not, constant functions, ceil rounding
 * with padding, a network without classifier), with random weights of a spread larger than initial
 * ones: ONNX Runtime agrees with the interpreter.
 */
class OnnxLayerProperties {

  static final Map<String, String> NETWORKS = new LinkedHashMap<>();

  static {
    NETWORKS.put(
        "even_lrn_and_lcn",
        "network a { input 4x12x12\n"
            + "conv(maps=6, kernel=3x3, act=relu) - lrn(size=4, alpha=0.01, beta=0.75, k=2) - lcn(window=4x6)\n"
            + "lrn(size=3, alpha=0.1, beta=0.5, k=1) - lcn(window=5x5, sigma=1.5)\nlogistic 3 }");
    NETWORKS.put(
        "gains_and_tables",
        "network b { input 3x10x10\n"
            + "conv(maps=5, kernel=3x3, gain=true) - tanh\n"
            + "conv(maps=8, kernel=3x3, table=random(2), act=tanh, gain=true) - Rabs - N3x3 - PA2x2\n"
            + "conv(maps=4, kernel=1x1, groups=2, act=sigmoid)\nlogistic 2 }");
    NETWORKS.put(
        "functions",
        "fn softsign(x) = x / (1 + abs(x))\n"
            + "fn wiggle(x) = -max(min(x, 0.5), -0.5) ^ 2 + exp(-x * x) - log(1 + sigmoid(x)) * sqrt(abs(tanh(x)) + 1)\n"
            + "fn seven(x) = 7\n"
            + "network c { input 2x6x6\nconv(maps=3, kernel=3x3) - softsign - wiggle\ndense(5, bias=false) - seven\n"
            + "logistic 4 }");
    NETWORKS.put(
        "pooling_and_maxout",
        "network d { input 3x13x13\n"
            + "conv(maps=8, kernel=3x3, pad=1) - maxout(pieces=2) - maxpool(3x3, stride=2, pad=1, round=ceil)\n"
            + "avgpool(2x3, stride=2, pad=1, round=ceil) - PA2x2 - relu\n"
            + "mlpconv(maps=[4, 3], kernel=2x2, stride=1, pad=1, act=relu) - dropout(0.3)\nlogistic 3 }");
    NETWORKS.put(
        "no_classifier",
        "network e { input 1x9x9\nconv(maps=2, kernel=3x3, act=abs) - N - PM2x2/1 }");
  }

  static Stream<Arguments> cases() {
    return NETWORKS.keySet().stream()
        .flatMap(n -> Stream.of(1L, 2L, 3L).map(seed -> Arguments.of(n, seed)));
  }

  static NetworkModel model(String name) {
    StringWriter warnings = new StringWriter();
    return NetworkModel.fromSource(NETWORKS.get(name), name + ".cnn", new PrintWriter(warnings));
  }

  /**
   * Weights uniform in ±1 (gains in 0.5 … 2), wider than initial weights so the nonlinearities are
   * exercised.
   */
  static Map<String, Tensor> randomWeights(NetworkModel model, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, Tensor> out = new LinkedHashMap<>();
    model
        .init(seed)
        .forEach(
            (name, t) -> {
              double[] d = new double[t.size()];
              for (int i = 0; i < d.length; i++) {
                d[i] =
                    (float)
                        (name.endsWith(".gain")
                            ? 0.5 + 1.5 * r.nextDouble()
                            : 2 * r.nextDouble() - 1);
              }
              out.put(name, Tensor.wrap(t.shape(), d));
            });
    return out;
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("cases")
  void onnxRuntimeAgreesWithTheInterpreter(String name, long seed) throws Exception {
    NetworkModel model = model(name);
    Map<String, Tensor> weights = randomWeights(model, seed);
    for (int batch : new int[] {0, 3}) {
      byte[] bytes = OnnxExporter.modelBytes(model, NETWORKS.get(name), weights, batch);
      OnnxVerifier.Result r =
          OnnxVerifier.verify(bytes, model, weights, batch == 0 ? 2 : batch, seed);
      assertTrue(r.passed(), () -> "seed " + seed + ", batch " + batch + ": " + r.describe());
    }
  }

  @Test
  void theModelUsesStandardOperatorsFoldsTablesAndKeepsTheSource() throws Exception {
    NetworkModel model = model("gains_and_tables");
    Map<String, Tensor> weights = randomWeights(model, 5);
    ModelProto m =
        ModelProto.parseFrom(
            OnnxExporter.modelBytes(model, NETWORKS.get("gains_and_tables"), weights, 0));
    assertEquals(OnnxWriter.OPSET, m.getOpsetImport(0).getVersion());
    assertEquals("", m.getOpsetImport(0).getDomain(), "the default (standard) domain only");
    List<String> ops =
        m.getGraph().getNodeList().stream().map(NodeProto::getOpType).distinct().toList();
    assertTrue(
        List.of(
                "Conv",
                "Tanh",
                "Mul",
                "Abs",
                "Sub",
                "Sqrt",
                "Add",
                "ReduceMean",
                "Max",
                "Div",
                "AveragePool",
                "Sigmoid",
                "Flatten",
                "Gemm",
                "Softmax")
            .containsAll(ops),
        ops.toString());
    // The table's [8, 2, 3, 3] weight is written as a full [8, 5, 3, 3] one, zero where a map is
    // not connected.
    var w =
        m.getGraph().getInitializerList().stream()
            .filter(t -> t.getName().equals("L3_conv.weight"))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of(8L, 5L, 3L, 3L), w.getDimsList());
    // The first bank has no activation: its gain is folded into weight and bias, so no initializer
    // keeps it.
    assertTrue(
        m.getGraph().getInitializerList().stream()
            .noneMatch(t -> t.getName().equals("L1_conv.gain")));
    Map<String, String> meta = new LinkedHashMap<>();
    m.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
    assertEquals("b", meta.get("network"));
    assertEquals(NETWORKS.get("gains_and_tables"), meta.get("source"));
    assertEquals(
        List.of("input"), m.getGraph().getInputList().stream().map(v -> v.getName()).toList());
    assertEquals(
        List.of("logits", "probabilities"),
        m.getGraph().getOutputList().stream().map(v -> v.getName()).toList());
    assertTrue(m.getGraph().getOutput(1).getDocString().contains("softmax"));
    assertEquals(
        "N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
  }

  @Test
  void aNetworkTooLargeForOneOnnxFileIsRefusedWithTheLayerNamed() {
    // 2 × 10,000 × 30,000 weights = 2.4 GB in float32: checkable and countable, but not one
    // protobuf message.
    NetworkModel model =
        NetworkModel.fromSource(
            "network huge { input 1x100x100\n"
                + "fc1: dense(30000) - fc2: dense(10000)\nlogistic 10 }",
            "huge.cnn",
            new PrintWriter(new StringWriter()));
    OnnxExporter.Failure e =
        assertThrows(OnnxExporter.Failure.class, () -> OnnxExporter.checkExportable(model));
    assertEquals(OnnxExporter.Failure.Kind.REFUSED, e.kind());
    assertTrue(
        e.getMessage().contains("layer fc2") && e.getMessage().contains("2 GiB"), e.getMessage());
  }
}
