/**
 * Compute kernels that generated code calls: plain static methods on {@code float[]} with int
 * offsets and sizes. {@link convnet.compiler.kernels.Conv2d} (NCHW convolution and its two
 * gradients), {@link convnet.compiler.kernels.Sgemm} (row-major GEMM), {@link
 * convnet.compiler.kernels.Pooling} (average and max pooling), all split over threads by {@link
 * convnet.compiler.kernels.Parallel}. They run on the Vector API when {@code jdk.incubator.vector}
 * is present and on plain loops otherwise ({@link convnet.compiler.kernels.KernelBackend}); only
 * package-private classes touch the Vector API.
 */
package convnet.compiler.kernels;
