/**
 * A checked network as the runtime uses it: {@link convnet.runtime.model.NetworkModel} reads and
 * checks a {@code .cnn} file, lists its parameters ({@link convnet.runtime.model.Parameter}) and
 * dropout masks ({@link convnet.runtime.model.DropoutMask}), draws initial weights, reads and
 * writes weight files with their connection tables, and hands out the inference, gradient and
 * training-step functions simplified. The graphs themselves are built below the runtime ({@link
 * convnet.dsl.lower.TrainingGraph}, the optimizers in {@code convnet.autodiff.optim}); this package
 * adds what running them needs: batch limits, user errors that name the file, and the {@link
 * convnet.runtime.model.Backend}s ({@link convnet.runtime.model.Backends}: compiled or interpreted)
 * that turn a function into an executable. {@link convnet.runtime.model.RandomGradientCheck} checks
 * a network's gradients, and random architectures', with {@code
 * convnet.autodiff.check.GradientCheck}.
 */
package convnet.runtime.model;
