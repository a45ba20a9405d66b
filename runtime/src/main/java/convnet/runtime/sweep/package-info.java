/**
 * Sweeps: every (variant, protocol, seed) of a {@code sweep} file run as an ordinary training run,
 * on this machine or through a {@link convnet.runtime.sweep.SweepExecutor} found on the class path
 * (Apache Spark), with results, tables, progress and resume.
 */
package convnet.runtime.sweep;
