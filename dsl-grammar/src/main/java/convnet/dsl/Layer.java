package convnet.dsl;

import java.util.List;

/**
 * One layer of a resolved network: its name (as in .npz files), kind, typed arguments, shapes,
 * counts, parameter tensors, the stage it belongs to (from 1) and where it was written.
 */
public record Layer(
    String name,
    LayerKind kind,
    LayerArgs args,
    MapShape input,
    MapShape output,
    long parameters,
    long neurons,
    long connections,
    List<ParamSpec> params,
    int stage,
    SourcePos pos) {
  public Layer {
    params = List.copyOf(params);
  }

  /**
   * How this layer's output positions read its input's (its kind's definition says), or null when
   * its output has no spatial layout.
   */
  public SpatialWindow spatialWindow() {
    return kind.definition().spatialWindow(this);
  }

  /** The kind as written in names and tables: the verbose keyword, or a user function's name. */
  public String kindName() {
    return args instanceof LayerArgs.Function f ? f.name() : kind.keyword();
  }
}
