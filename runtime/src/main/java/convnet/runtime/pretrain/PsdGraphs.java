package convnet.runtime.pretrain;

import convnet.autodiff.Attrs;
import convnet.autodiff.Function;
import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.dsl.Layer;
import convnet.dsl.LayerArgs;
import convnet.dsl.LayerKind;
import convnet.dsl.MapShape;
import convnet.dsl.Network;
import convnet.dsl.lower.Lowering;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.NetworkModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graphs of predictive sparse decomposition for one filter layer, in the project's IR:
 *
 * <pre>
 *   E(x, z) = ½ ‖x − Σ_j D_j ⋆ z_j‖² + λ ‖z‖₁ + α ‖z − F(x)‖²
 * </pre>
 *
 * <p>per image, where F is the filter layer itself (lowered exactly as in the network, so its gain,
 * bias, activation, stride, padding, groups and connection table are those of the network) and ⋆
 * the transposed convolution ({@code conv2dBackwardInput}), which maps codes of F's output shape
 * back to the input's shape. Every gradient here comes from {@link Grad}; nothing is differentiated
 * by hand. The dictionary D is stored as {@code <layer>.decoder} [maps, input maps, kh, kw], fully
 * connected whatever the layer's groups or table, with the layer's stride and padding.
 *
 * <p>Leaves: {@value #INPUT} x [N, C, H, W] (the stage's input), {@value #CODE} z [N, maps, h, w],
 * {@value #PREDICTION} F(x) computed beforehand (where F's parameters do not move), the scalars
 * {@value #STEP} and {@value #LEARNING_RATE}; parameters the decoder and the layer's own.
 */
public final class PsdGraphs {
  /** The stage's input images (the output of every layer below the filter layer). */
  public static final String INPUT = Lowering.INPUT;

  /** Codes z, in the filter layer's output shape. */
  public static final String CODE = "code";

  /** The encoder's prediction F(x), given as an input where the encoder is fixed. */
  public static final String PREDICTION = "prediction";

  /** FISTA's step size 1/L. */
  public static final String STEP = "hyper/step";

  /** The learning rate of the dictionary and the encoder. */
  public static final String LEARNING_RATE = "hyper/lr";

  /**
   * Output: the energy of each image [N], or of the batch (a scalar) in {@link #energyFunction}.
   */
  public static final String ENERGY = "energy";

  /** Output of the FISTA step: the next codes. */
  public static final String NEXT_CODE = "code/next";

  /** Output of the normal operator: DᵀD v. */
  public static final String NORMAL = "normal";

  /** Prefix of the learning step's new parameter values. */
  public static final String NEW = NetworkModel.NEW;

  /** Learning-step output: mean squared reconstruction error per input value. */
  public static final String RECONSTRUCTION = "metric/reconstruction";

  /** Learning-step output: mean squared prediction error per code value. */
  public static final String PREDICTION_ERROR = "metric/prediction";

  /** Learning-step output: mean |z| of the codes. */
  public static final String MEAN_ABS_CODE = "metric/mean_abs_code";

  private final Layer layer;
  private final int batch;
  private final PsdSettings settings;
  private final Shape inputShape;
  private final Shape codeShape;
  private final Shape decoderShape;
  private final Attrs.Conv decoderConv;
  private final Network encoderNetwork;

  private PsdGraphs(Network network, Layer layer, int batch, PsdSettings settings) {
    this.layer = layer;
    this.batch = batch;
    this.settings = settings;
    LayerArgs.Conv a = (LayerArgs.Conv) layer.args();
    MapShape in = layer.input();
    MapShape out = layer.output();
    this.inputShape = Shape.of(batch, in.channels(), in.height(), in.width());
    this.codeShape = Shape.of(batch, out.channels(), out.height(), out.width());
    this.decoderShape = Shape.of(a.maps(), in.channels(), a.kernelHeight(), a.kernelWidth());
    this.decoderConv =
        new Attrs.Conv(a.strideHeight(), a.strideWidth(), a.padHeight(), a.padWidth(), 1);
    this.encoderNetwork =
        new Network(
            network.name() + "." + layer.name(),
            in,
            List.of(layer),
            network.train(),
            network.stages());
  }

  /**
   * The graphs for the filter layer {@code layer} of {@code network}, for batches of {@code batch};
   * a layer that is not a convolution's filter bank is a {@link UserError} saying why.
   */
  public static PsdGraphs of(Network network, Layer layer, int batch, PsdSettings settings) {
    if (layer.kind() != LayerKind.CONV) {
      throw new UserError(
          "layer "
              + layer.name()
              + " ("
              + layer.kindName()
              + ", line "
              + layer.pos().line()
              + "): predictive sparse decomposition pre-trains a filter bank "
              + "(nFhxw or conv(...)); a "
              + layer.kindName()
              + " stage cannot be U or U+: use R or R+");
    }
    return new PsdGraphs(network, layer, batch, settings);
  }

  /** The name of the dictionary of filter layer {@code layer}. */
  public static String decoderName(String layer) {
    return layer + ".decoder";
  }

  public Layer layer() {
    return layer;
  }

  public PsdSettings settings() {
    return settings;
  }

  public int batch() {
    return batch;
  }

  /** The stage input's shape [N, C, H, W]. */
  public Shape inputShape() {
    return inputShape;
  }

  /** The codes' shape, the filter layer's output [N, maps, h, w]. */
  public Shape codeShape() {
    return codeShape;
  }

  /** The dictionary's shape [maps, C, kh, kw]. */
  public Shape decoderShape() {
    return decoderShape;
  }

  /** The dictionary's parameter name. */
  public String decoderName() {
    return decoderName(layer.name());
  }

  /**
   * The encoder's parameter names: the filter layer's own ({@code .weight}, {@code .bias}, {@code
   * .gain}).
   */
  public List<String> encoderParameters() {
    return layer.params().stream().map(p -> p.name()).toList();
  }

  /** A builder holding the encoder F(x) of this layer; returns F's node. */
  private Node encoder(GraphBuilder b) {
    Graph g = Lowering.lower(encoderNetwork, batch, Lowering.Mode.INFERENCE, false);
    for (Node n : g.nodes()) {
      b.intern(n);
    }
    return b.intern(g.output(Lowering.OUTPUT));
  }

  /** Σ over every axis but the batch axis: one value per image, [N]. */
  private static Node perImage(GraphBuilder b, Node t) {
    return b.sum(t, 1, 2, 3);
  }

  /** x − D ⋆ z. */
  private Node residual(GraphBuilder b, Node x, Node z, Node d) {
    return b.sub(x, b.conv2dBackwardInput(z, d, decoderConv, x.shape()));
  }

  /** The energy of each image [N], with the prediction {@code f} (a node of F or a given input). */
  private Node energy(GraphBuilder b, Node x, Node z, Node f, Node d) {
    Node rec = b.mul(perImage(b, b.square(residual(b, x, z, d))), 0.5);
    Node sparse = b.mul(perImage(b, b.abs(z)), settings.lambda());
    Node pred = b.mul(perImage(b, b.square(b.sub(z, f))), settings.alpha());
    return b.add(b.add(rec, sparse), pred);
  }

  /** The encoder alone: input {@value #INPUT}, output {@value #PREDICTION} = F(x). */
  public Function encoderFunction() {
    GraphBuilder b = new GraphBuilder();
    b.setProvenance("psd " + layer.name());
    return function("encoder", Map.of(PREDICTION, encoder(b)));
  }

  /**
   * E(x, z) summed over the batch with F(x) computed in the graph, output {@value #ENERGY} (a
   * scalar): the function whose gradients with respect to z, D and the encoder's parameters FISTA
   * and the learning step use.
   */
  public Function energyFunction() {
    GraphBuilder b = new GraphBuilder();
    b.setProvenance("psd " + layer.name());
    Node f = encoder(b);
    Node e =
        energy(
            b,
            b.input(INPUT, inputShape),
            b.input(CODE, codeShape),
            f,
            b.param(decoderName(), decoderShape));
    return function("energy", Map.of(ENERGY, b.sumAll(e)));
  }

  /** The energy of each image [N] with a given prediction: inputs x, z and F(x); the dictionary. */
  public Function imageEnergyFunction() {
    GraphBuilder b = new GraphBuilder();
    b.setProvenance("psd " + layer.name());
    Node e =
        energy(
            b,
            b.input(INPUT, inputShape),
            b.input(CODE, codeShape),
            b.input(PREDICTION, codeShape),
            b.param(decoderName(), decoderShape));
    return function("image-energy", Map.of(ENERGY, e));
  }

  /**
   * One proximal-gradient step of FISTA from the point y ({@value #CODE}): u = shrink(y − η ∇S(y),
   * λη), S the smooth part ½‖x − D⋆y‖² + α‖y − F(x)‖² and η = {@value #STEP}; the soft threshold
   * shrink(v, t) = sign(v) · max(|v| − t, 0) is the proximal map of t‖·‖₁. Outputs {@value
   * #NEXT_CODE} and the energy of each image at u ({@value #ENERGY}), which the monotone variant
   * compares.
   */
  public Function fistaStepFunction() {
    GraphBuilder b = new GraphBuilder();
    b.setProvenance("psd " + layer.name());
    Node x = b.input(INPUT, inputShape);
    Node y = b.input(CODE, codeShape);
    Node f = b.input(PREDICTION, codeShape);
    Node d = b.param(decoderName(), decoderShape);
    Node step = b.input(STEP, Shape.scalar());
    Node smooth =
        b.add(
            b.mul(b.sumAll(b.square(residual(b, x, y, d))), 0.5),
            b.mul(b.sumAll(b.square(b.sub(y, f))), settings.alpha()));
    Node gradient = Grad.grad(b, smooth, List.of(y)).get(0);
    Node v = b.sub(y, b.mul(gradient, step));
    Node threshold = b.mul(step, settings.lambda());
    Node u = b.mul(b.sign(v), b.max(b.sub(b.abs(v), threshold), 0));
    Map<String, Node> out = new LinkedHashMap<>();
    out.put(NEXT_CODE, u);
    out.put(ENERGY, energy(b, x, u, f, d));
    return function("fista-step", out);
  }

  /**
   * DᵀD v for one image's codes v ({@value #CODE}, batch 1): the gradient of ½‖D⋆v‖², whose largest
   * eigenvalue plus 2α is the Lipschitz constant of ∇S that sets FISTA's step.
   */
  public Function normalFunction() {
    GraphBuilder b = new GraphBuilder();
    b.setProvenance("psd " + layer.name());
    Shape one = Shape.of(1, codeShape.dim(1), codeShape.dim(2), codeShape.dim(3));
    Shape oneInput = Shape.of(1, inputShape.dim(1), inputShape.dim(2), inputShape.dim(3));
    Node v = b.input(CODE, one);
    Node d = b.param(decoderName(), decoderShape);
    Node rec = b.conv2dBackwardInput(v, d, decoderConv, oneInput);
    Node half = b.mul(b.sumAll(b.square(rec)), 0.5);
    return function("normal", Map.of(NORMAL, Grad.grad(b, half, List.of(v)).get(0)));
  }

  /**
   * The learning step after inference, at the optimal codes z* ({@value #CODE}): one gradient step
   * on D for the reconstruction term ½‖x − D⋆z*‖², each dictionary filter D_j then scaled back to
   * unit L2 norm (without it the L1 term would be escaped by growing D and shrinking z), and one on
   * the encoder's parameters for the prediction term α‖z* − F(x)‖²; the first averaged over the
   * batch, the second over the batch and the code positions. Outputs {@code new/<name>} for the
   * dictionary and each encoder parameter, and the metrics {@value #RECONSTRUCTION}, {@value
   * #PREDICTION_ERROR} and {@value #MEAN_ABS_CODE}, all at the parameters before the step.
   */
  public Function learningFunction() {
    GraphBuilder b = new GraphBuilder();
    b.setProvenance("psd " + layer.name());
    Node f = encoder(b);
    Node x = b.input(INPUT, inputShape);
    Node z = b.input(CODE, codeShape);
    Node d = b.param(decoderName(), decoderShape);
    Node lr = b.input(LEARNING_RATE, Shape.scalar());
    Node squaredResidual = b.sumAll(b.square(residual(b, x, z, d)));
    Node squaredPrediction = b.sumAll(b.square(b.sub(z, f)));
    Node rec = b.mul(squaredResidual, 0.5 / batch);
    // Averaged over code positions too: in patch-based PSD each position is one patch, and the
    // encoder's gradient (its gain and bias sum over every position) must not grow with the image.
    int positions = codeShape.dim(2) * codeShape.dim(3);
    Node pred = b.mul(squaredPrediction, settings.alpha() / ((double) batch * positions));
    Map<String, Node> out = new LinkedHashMap<>();
    Node gd = Grad.grad(b, rec, List.of(d)).get(0);
    Node moved = b.sub(d, b.mul(gd, lr));
    Node norm = b.sqrt(b.sum(b.square(moved), List.of(1, 2, 3), true));
    // A filter that reached exactly zero stays zero instead of becoming NaN.
    out.put(NEW + decoderName(), b.div(moved, b.max(norm, 1e-12)));
    List<String> names = encoderParameters();
    List<Node> params = new ArrayList<>();
    Map<String, Node> leaves = Graph.of(Map.of("f", f)).params();
    for (String name : names) {
      params.add(leaves.get(name));
    }
    List<Node> grads = Grad.grad(b, pred, params);
    for (int i = 0; i < names.size(); i++) {
      out.put(NEW + names.get(i), b.sub(params.get(i), b.mul(grads.get(i), lr)));
    }
    out.put(RECONSTRUCTION, b.mul(squaredResidual, 1.0 / inputShape.size()));
    out.put(PREDICTION_ERROR, b.mul(squaredPrediction, 1.0 / codeShape.size()));
    out.put(MEAN_ABS_CODE, b.mul(b.sumAll(b.abs(z)), 1.0 / codeShape.size()));
    return function("learn", out);
  }

  private Function function(String what, Map<String, Node> outputs) {
    return new Function(
        encoderNetwork.name() + ".psd-" + what,
        NetworkModel.simplify(Graph.of(new LinkedHashMap<>(outputs))));
  }
}
