package convnet.dsl.lower;

import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.ShapeException;
import convnet.autodiff.Tensor;
import convnet.dsl.Layer;
import convnet.dsl.LayerArgs;
import convnet.dsl.LayerDefinition;
import convnet.dsl.LayerKind;
import convnet.dsl.MapShape;
import convnet.dsl.Network;
import convnet.dsl.SourcePos;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lowers a checked {@link Network} to an autodiff graph with the seed's semantics, each layer by
 * its kind's {@link LayerDefinition#lower}.
 *
 * <p>The graph has the input {@value #INPUT} [N, C, H, W], in training mode one input {@code
 * mask/<layer>} per dropout layer (the layer's input shape, entries 0 or 1/(1−p)), with a loss the
 * input {@value #LABELS} [N, K] (one-hot), parameters named as in {@code .npz} files in PyTorch's
 * layout, and the outputs {@value #OUTPUT} (logits [N, K] when the network ends with {@code
 * logistic}, else the last activations [N, C, H, W]) and {@value #LOSS}. Every node carries its
 * layer's name and source position as provenance.
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

  /** Prefix of the per-layer outputs {@code layer/<name>} of {@link #lowerWithLayerOutputs}. */
  public static final String LAYER = "layer/";

  /** Whether dropout layers read masks (training) or are the identity (inference). */
  public enum Mode {
    TRAINING,
    INFERENCE
  }

  private final GraphBuilder b = new GraphBuilder();
  private final Mode mode;
  private final int batch;

  /** Whether every layer's result is an output of its own. */
  private final boolean layerOutputs;

  private Lowering(Mode mode, int batch, boolean layerOutputs) {
    this.mode = mode;
    this.batch = batch;
    this.layerOutputs = layerOutputs;
  }

  /** What each layer kind's definition lowers with: this lowering's builder, batch and mode. */
  private final LayerDefinition.Lowerer lowerer =
      new LayerDefinition.Lowerer() {
        @Override
        public GraphBuilder graph() {
          return b;
        }

        @Override
        public int batch() {
          return batch;
        }

        @Override
        public boolean training() {
          return mode == Mode.TRAINING;
        }
      };

  /** The name of the dropout mask input of layer {@code layer}. */
  public static String maskName(String layer) {
    return LayerArgs.Dropout.maskName(layer);
  }

  /**
   * The forward graph of {@code network} for batches of {@code batch} images; with {@code withLoss}
   * also the labels input and the loss output, which needs a network ending with {@code logistic}.
   */
  public static Graph lower(Network network, int batch, Mode mode, boolean withLoss) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
    }
    Layer last =
        network.layers().isEmpty() ? null : network.layers().get(network.layers().size() - 1);
    if (withLoss && (last == null || last.kind() != LayerKind.LOGISTIC)) {
      throw new LoweringException(
          "network '" + network.name() + "' has no classifier at the end, so it has no loss",
          "end it with 'logistic N' to train it on N classes");
    }
    return new Lowering(mode, batch, false).run(network, withLoss);
  }

  /**
   * The forward graph of {@code network} without a loss, with every layer's result as an output
   * {@code layer/<name>} besides {@value #OUTPUT}: one lowering for all of them.
   */
  public static Graph lowerWithLayerOutputs(Network network, int batch, Mode mode) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
    }
    return new Lowering(mode, batch, true).run(network, false);
  }

  private Graph run(Network network, boolean withLoss) {
    MapShape in = network.input();
    Node x = b.input(INPUT, Shape.of(batch, in.channels(), in.height(), in.width()));
    Map<String, Node> outputs = new LinkedHashMap<>();
    for (Layer layer : network.layers()) {
      b.setProvenance(provenance(layer));
      try {
        x = layer.kind().definition().lower(layer, x, lowerer);
      } catch (ShapeException e) {
        throw new IllegalStateException(
            "lowering layer " + layer.name() + " of a checked network failed: " + e.getMessage(),
            e);
      }
      if (layer.kind() != LayerKind.LOGISTIC) {
        MapShape o = layer.output();
        Shape expected = Shape.of(batch, o.channels(), o.height(), o.width());
        if (!x.shape().equals(expected)) {
          throw new IllegalStateException(
              "layer "
                  + layer.name()
                  + " lowered to shape "
                  + x.shape()
                  + " but the checker says "
                  + expected);
        }
      }
      if (layerOutputs) {
        outputs.put(LAYER + layer.name(), x);
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

  /** The Gaussian window of local contrast normalization: {@link LayerArgs.Lcn#window}. */
  public static Tensor lcnWindow(int maps, int h, int w, double sigmaH, double sigmaW) {
    return LayerArgs.Lcn.window(maps, h, w, sigmaH, sigmaW);
  }

  /** The epsilon under LCN's square root: {@link LayerArgs.Lcn#EPSILON}. */
  public static final double LCN_EPSILON = LayerArgs.Lcn.EPSILON;
}
