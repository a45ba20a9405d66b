package convnet.dsl;

import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import java.util.List;

/**
 * Everything the language knows about one layer kind, in one place: its keywords, how its arguments
 * are read and its shape, counts and parameter tensors derived ({@code resolve*}), its lowering to
 * graph ops ({@link #lower}), whether it opens a filter stage, and how random architectures draw it
 * ({@code draw}). {@link LayerKind} holds one definition per kind; the checker, the lowering and
 * the generator read the definitions and know no kind by name.
 *
 * <p>Only this package defines layer kinds (the constructor is package-private), so that every
 * definition reads its arguments through the checker's {@code ArgReader} and reports errors the
 * same way.
 */
public abstract class LayerDefinition {
  private final List<String> keywords;
  private final List<String> paperNames;

  /**
   * {@code keywords}: the names a layer of this kind is called by in a file, the verbose keyword
   * (used in layer names such as {@code L2_abs}) first, aliases after; {@code paperNames}: further
   * built-in names the parser decodes as paper tokens ({@code N}), which nothing else may take.
   */
  LayerDefinition(List<String> keywords, List<String> paperNames) {
    this.keywords = List.copyOf(keywords);
    this.paperNames = List.copyOf(paperNames);
  }

  /**
   * The names a layer of this kind is called by: the verbose keyword first, then aliases; empty for
   * user functions.
   */
  public final List<String> keywords() {
    return keywords;
  }

  /**
   * The names reserved for this kind: its keywords, then the paper tokens the parser reads as it.
   */
  final List<String> reservedNames() {
    List<String> all = new java.util.ArrayList<>(keywords);
    all.addAll(paperNames);
    return all;
  }

  /**
   * Whether a layer of this kind holds a stage's filter bank: the stages that have one get a
   * protocol letter each ({@code R}, {@code U}, with or without {@code +}).
   */
  public boolean opensFilterStage() {
    return false;
  }

  /**
   * Whether a layer of this kind keeps its input's shape whatever its arguments, so that checking
   * the layers after one with errors can go on with that shape.
   */
  boolean keepsShape() {
    return true;
  }

  /**
   * How a layer of this kind reads its input's positions ({@link SpatialWindow#POINTWISE} unless it
   * has a window), or null when its output has no spatial layout (dense layers, the classifier).
   */
  public SpatialWindow spatialWindow(Layer layer) {
    return SpatialWindow.POINTWISE;
  }

  /** How the checker counts the neurons of a layer of this kind ({@code Checker.countedOnce}). */
  Units units() {
    return Units.OWN;
  }

  /** How a kind's layers count neurons relative to the layers before them. */
  enum Units {
    /** A layer with weights: its outputs are neurons. */
    WEIGHTED,
    /**
     * A nonlinearity: its outputs are the same neurons as a weighted layer's or another
     * nonlinearity's just before.
     */
    NONLINEARITY,
    /** Looked through when deciding whether a nonlinearity's units were counted (dropout). */
    TRANSPARENT,
    /** Counts its own units, whatever comes before. */
    OWN
  }

  /**
   * A layer of this kind as a file writes it, such as {@code maxout(pieces=2)}: for documentation,
   * and for the tests that walk every kind (each example must check after {@code input 4x10x10}).
   */
  abstract String example();

  /**
   * Resolves a keyword form ({@code relu}, {@code conv(maps=8, kernel=3)}, {@code logistic 10}):
   * reads the arguments, checks them against the input shape {@code r.in()}, and returns the layer,
   * or null after reporting errors through {@code r}.
   */
  abstract Layer resolveCall(LayerResolver r, LayerNode.Call call);

  /** Resolves paper notation {@code nFhxwC[S[G]]}; only the filter bank reads it. */
  Layer resolvePaperConv(LayerResolver r, LayerNode.PaperConv conv) {
    throw new IllegalStateException(
        getClass().getSimpleName() + " does not read paper filter banks");
  }

  /** Resolves paper notation {@code PAhxw}/{@code PMhxw}; only pooling reads it. */
  Layer resolvePaperPool(LayerResolver r, LayerNode.PaperPool pool) {
    throw new IllegalStateException(getClass().getSimpleName() + " does not read paper pooling");
  }

  /** Resolves paper notation {@code N}/{@code Nhxw}; only normalization reads it. */
  Layer resolvePaperLcn(LayerResolver r, LayerNode.PaperLcn lcn) {
    throw new IllegalStateException(
        getClass().getSimpleName() + " does not read paper normalization");
  }

  /**
   * The graph of a resolved layer of this kind applied to {@code x} [N, C, H, W]: [N, C', H', W']
   * as the checker computed, or the logits [N, K] for the classifier.
   */
  public abstract Node lower(Layer layer, Node x, Lowerer lowerer);

  /**
   * A layer of this kind for random architecture {@code g}, written for its current shape, which
   * the draw updates to the layer's output shape; {@code variant} picks among the notations the
   * generator asks for (each definition says which). Only kinds the generator draws override it.
   */
  LayerNode draw(RandomArchitectures g, int variant) {
    throw new IllegalStateException(
        getClass().getSimpleName() + " is not drawn by random architectures");
  }

  /** What a definition's {@link #lower} may use of the lowering under way. */
  public interface Lowerer {
    /** The builder of the graph being lowered. */
    GraphBuilder graph();

    /** The batch size N. */
    int batch();

    /**
     * Whether the graph is for training (dropout reads masks) or inference (dropout is the
     * identity).
     */
    boolean training();

    /** The parameter tensor {@code name} (as in .npz files) of shape {@code dims}. */
    default Node param(String name, int... dims) {
      return graph().param(name, Shape.of(dims));
    }
  }

  /** A per-map vector [maps] viewed as [maps, 1, 1] so it broadcasts over [N, maps, H, W]. */
  static Node perMap(GraphBuilder b, Node v) {
    return b.reshape(v, Shape.of(v.shape().dim(0), 1, 1));
  }
}
