/**
 * Lowering: a checked {@link convnet.dsl.Network} becomes an autodiff {@link
 * convnet.autodiff.Graph}.
 *
 * <p>Entry point: {@link convnet.dsl.lower.Lowering#lower}, for a batch size and a {@link
 * convnet.dsl.lower.Lowering.Mode} (training reads one dropout mask input per dropout layer;
 * inference does not), with or without the loss. The graph's input is {@value
 * convnet.dsl.lower.Lowering#INPUT} [N, C, H, W]; its parameters are named as in {@code .npz} files
 * ({@code L1_conv.weight}) in PyTorch's layout; its outputs are {@value
 * convnet.dsl.lower.Lowering#OUTPUT} and, with a loss against the one-hot {@value
 * convnet.dsl.lower.Lowering#LABELS}, {@value convnet.dsl.lower.Lowering#LOSS}.
 *
 * <p>Data flow: layer by layer in network order, the lowering sets the layer's name and source
 * position as the provenance of the nodes it makes, asks the layer kind's {@link
 * convnet.dsl.LayerDefinition#lower} for the layer's ops (primitives only: layers are never
 * special-cased further down), and checks that the result has the shape the checker computed; a
 * mismatch is a bug, reported as {@link IllegalStateException}. Gradients, rewrites and the
 * interpreter then work on the graph in {@code autodiff}; the compiler never sees a layer. {@link
 * convnet.dsl.lower.LoweringException} is the one user error here: a loss asked of a network
 * without a classifier.
 */
package convnet.dsl.lower;
