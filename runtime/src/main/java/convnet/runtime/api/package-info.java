/**
 * The public Java API of convnet-dsl: {@link convnet.runtime.api.ConvNet} (parse, check, weights,
 * forward, gradients, training, evaluation, gradient checking) and the values it takes and returns.
 * Every other package of the project is internal and may change without notice.
 */
package convnet.runtime.api;
