/**
 * The ConvNet language: its AST, semantic checks with source positions, and the layer kinds.
 *
 * <p>Entry points: {@link convnet.dsl.DslParser#parse} (text to {@link convnet.dsl.Program}, the
 * AST's root), {@link convnet.dsl.Checker#checkSource} and {@link convnet.dsl.Checker#checkBytes}
 * (text or bytes to a {@link convnet.dsl.CheckResult}: a checked {@link convnet.dsl.Network} or
 * every {@link convnet.dsl.Diagnostic} of the file), {@link convnet.dsl.Diagnostics#render} (the
 * {@code FILE:LINE:COL: error:} text with a caret), {@link convnet.dsl.Printer} (AST back to text)
 * and {@link convnet.dsl.RandomArchitectures} (random valid networks for property tests).
 *
 * <p>Data flows one way. The parser ({@code convnet.dsl.parser}) turns text into immutable AST
 * records: {@link convnet.dsl.Decl declarations}, {@link convnet.dsl.Item items}, {@link
 * convnet.dsl.Stage stages} of {@link convnet.dsl.LayerNode layers as written} (paper tokens such
 * as {@code 32F5x5CSG} decoded into their parts, or keyword calls such as {@code conv(maps=32,
 * kernel=5x5)}), each with its {@link convnet.dsl.SourcePos}. The {@link convnet.dsl.Checker}
 * expands {@code define} blocks into one chain of layers, binds {@code fn} functions, and resolves
 * each layer in order against the shape the previous one produced; {@code TrainReader} reads the
 * {@code train} block into a {@link convnet.dsl.TrainSpec}. The result, a {@link
 * convnet.dsl.Network} of resolved {@link convnet.dsl.Layer}s (typed {@link convnet.dsl.LayerArgs},
 * shapes, counts, parameter tensors), is what {@code convnet.dsl.lower} turns into a graph and the
 * runtime trains.
 *
 * <p>Each {@link convnet.dsl.LayerKind} carries its {@link convnet.dsl.LayerDefinition}: the
 * keywords it is called by, how its arguments are read and its shape and counts derived, its
 * lowering, whether it opens a filter stage and how random architectures draw it. The resolver, the
 * checker, the lowering and the generator read the definitions, so a layer kind is defined in one
 * place (CONTRIBUTING.md shows how to add one). Code that handles every written form of a layer
 * uses {@link convnet.dsl.LayerNode.Visitor}.
 */
package convnet.dsl;
