package convnet.autodiff.rewrite;

import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import java.util.Optional;

/**
 * A local rewrite: a replacement of the same shape for a node, built with {@code b}, or empty when
 * it does not apply.
 */
@FunctionalInterface
public interface Rule {
  Optional<Node> apply(Node node, GraphBuilder b);
}
