/**
 * Unsupervised pre-training of filter stages by predictive sparse decomposition (protocols U and
 * U+): the energy and its steps as IR graphs ({@link convnet.runtime.pretrain.PsdGraphs}), sparse
 * inference and learning on batches ({@link convnet.runtime.pretrain.PsdStage}), and the stage by
 * stage pre-training of a network with checkpoints and metrics ({@link
 * convnet.runtime.pretrain.Pretrainer}).
 */
package convnet.runtime.pretrain;
