/**
 * Image data sets for training: readers (IDX, CIFAR-10 binary, folder per class), the embedded
 * Fashion-MNIST subset, preprocessing, augmentation and deterministic minibatches.
 *
 * <p>Typical use by a trainer, for a network with input {@code c × h × w}:
 *
 * <pre>{@code
 * DataSplits data = Preprocessing.DEFAULT.apply(DataSets.open(spec, c, h, w));
 * log(data.source());                                   // one-line notice of what was opened
 * Batches train = Batches.training(data.train(), batchSize, seed, Augmentation.parse("flip"));
 * float[] x = new float[train.bufferLength()];          // NCHW
 * int[] y = new int[train.batchSize()];
 * for (int epoch = startEpoch; epoch < epochs; epoch++) { // resumable: order depends on (seed, epoch)
 *   Batches.Epoch e = train.epoch(epoch);
 *   for (int b = 0; b < e.batches(); b++) {
 *     int n = e.fill(b, x, y);
 *     ...
 *   }
 * }
 * Batches test = Batches.evaluation(data.test(), batchSize); // every image, in order
 * }</pre>
 *
 * <p>Every problem with the data is a {@link convnet.runtime.data.DataError}, a {@link
 * convnet.runtime.errors.UserError} whose message names the file or spec and the problem.
 */
package convnet.runtime.data;
