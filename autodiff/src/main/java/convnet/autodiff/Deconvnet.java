package convnet.autodiff;

import convnet.autodiff.ops.Grads;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zeiler &amp; Fergus's deconvnet (2014) as a graph transform: the projection of a signal on one
 * output of a forward graph back to one of its inputs is the vector-Jacobian product of that output
 * with the rectifiers' backward rule replaced by the deconvnet rule.
 *
 * <p>Layer by layer, going down:
 *
 * <ul>
 *   <li>filtering (conv2d): the ordinary adjoint, which is filtering by the transposed filters;
 *   <li>max pooling: the ordinary adjoint, which puts each value back at the place its window's
 *       maximum came from in the forward pass (the paper's recorded switches);
 *   <li>average pooling: the ordinary adjoint, each value spread evenly over its window;
 *   <li>{@code relu} ({@code Rpos}): the signal itself rectified, relu(dy), whatever the forward
 *       input's sign (the gradient would instead mask dy by x &gt; 0);
 *   <li>{@code abs} ({@code Rabs}), which the paper's network did not have: likewise the layer's
 *       own non-linearity applied to the signal, |dy|, so that what goes down stays a non-negative
 *       "amount of evidence" as through a relu (the gradient would multiply by sign(x));
 *   <li>{@code tanh}, local contrast normalisation ({@code N}), gains, biases and everything else:
 *       the ordinary adjoint, the local linearisation of the layer at the forward pass; the paper's
 *       network had no such layers, so there is no rule of its to follow.
 * </ul>
 */
public final class Deconvnet {
  /** The name of the projection graph's seed input: the signal placed on the chosen output. */
  public static final String SEED = "deconv/seed";

  /** The name of the projection graph's output. */
  public static final String PROJECTION = "deconv/projection";

  private Deconvnet() {}

  /**
   * The deconvnet backward rule: rectifiers rectify the signal; null (the op's own rule) elsewhere.
   */
  public static Grads rule(Node y, Node dy, GraphBuilder b) {
    if (y.is(ScalarOp.RELU)) {
      return Grads.of(b.relu(dy));
    }
    if (y.is(ScalarOp.ABS)) {
      return Grads.of(b.abs(dy));
    }
    return null;
  }

  /**
   * A graph with every input and parameter of {@code forward}, one more input {@link #SEED} of the
   * shape of output {@code output}, and one output {@link #PROJECTION}: the deconvnet projection of
   * the seed onto input {@code input}. The forward graph is part of it: max pooling's switches and
   * the linearisation points come from the forward pass on the same input.
   */
  public static Graph projection(Graph forward, String output, String input) {
    Node y = forward.output(output);
    Node x = forward.inputs().get(input);
    if (x == null) {
      throw new IllegalArgumentException(
          "graph has no input '" + input + "'; inputs are " + forward.inputs().keySet());
    }
    if (forward.inputs().containsKey(SEED)) {
      throw new IllegalArgumentException("graph already has an input named " + SEED);
    }
    GraphBuilder b = new GraphBuilder();
    for (Node n : forward.nodes()) {
      b.intern(n);
    }
    Node seed = b.input(SEED, y.shape());
    Node projected = Grad.vjp(b, y, seed, List.of(x), Deconvnet::rule).get(0);
    Map<String, Node> outputs = new LinkedHashMap<>();
    outputs.put(PROJECTION, projected);
    // Kept as outputs so the projection graph has the same inputs and parameters as the forward
    // graph,
    // even where the projection does not depend on some of them.
    outputs.put(output, y);
    return Graph.of(outputs);
  }
}
