/**
 * The files of a training run and how progress is reported: {@link convnet.runtime.run.RunFolder}
 * (where everything goes, never overwriting a previous run), {@link
 * convnet.autodiff.io.AtomicFiles} (every file written by temporary file, fsync and atomic rename),
 * {@code metrics.csv}, the confusion matrix, {@code curves.png}, {@code train.log}, and {@link
 * convnet.runtime.run.Progress} (a progress bar or JSON lines).
 */
package convnet.runtime.run;
