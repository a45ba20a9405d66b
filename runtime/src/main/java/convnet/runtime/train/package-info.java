/**
 * Training and evaluation: {@link convnet.runtime.train.TrainConfig} (the {@code train} block
 * overridden by flags), {@link convnet.runtime.train.Trainer} (minibatch SGD with momentum, weight
 * decay, learning-rate schedules, dropout masks, protocols R and R+, evaluation each epoch,
 * checkpoints, resume, the NaN stop), {@link convnet.runtime.train.Evaluator} (accuracy, loss and
 * the confusion matrix of a data split) and {@link convnet.runtime.train.TrainingRun} (a whole run:
 * data, run folder, reports).
 */
package convnet.runtime.train;
