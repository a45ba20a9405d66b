/**
 * Sweeps: a {@code sweep} declaration expanded into its variants, each an ordinary checked
 * network, with the protocols, seeds and result-table layout to run them under.
 */
package convnet.dsl.sweep;
