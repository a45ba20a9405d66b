/**
 * Sweeps: a {@code sweep} declaration expanded into its variants, each an ordinary checked network,
 * with the protocols, seeds and result-table layout to run them under.
 *
 * <p>Entry point: {@link convnet.dsl.sweep.Sweeps#check} (sweep file text to a {@link
 * convnet.dsl.sweep.Sweeps.Result}: the {@link convnet.dsl.sweep.Sweep} or every diagnostic).
 *
 * <p>Data flow: the file is parsed as any other; the sweep's settings are read, its variables (bare
 * words of the network body) bound to their values along {@link convnet.dsl.sweep.Axis axes}, and
 * each combination substituted into the body as an AST and checked by {@link convnet.dsl.Checker}
 * as an ordinary network, its positions those of the sweep file. The result lists each {@link
 * convnet.dsl.sweep.Variant} (its number, name, checked network and its source printed back to
 * text) with the protocols and seeds; the runtime runs variants × protocols × seeds and fills the
 * table.
 */
package convnet.dsl.sweep;
