/**
 * The compiled backend: a {@link convnet.autodiff.Function} becomes one generated program of fused
 * float32 kernels ({@link convnet.compiler.Compiler#compile}, returning a {@link
 * convnet.compiler.CompiledFunction}).
 *
 * <p>Partition: after the standard simplification, composite ops (log-softmax) are decomposed into
 * the ops of their own definition, two reductions and elementwise math ({@code
 * Pipeline.forCodeGeneration}). Each op then says how it is compiled, by its fusion class and its
 * lowering (the compiler implements the ops' {@code Lowering} vocabulary once and switches over no
 * op): CONV2D and its two gradients call {@code kernels.Conv2d}; MATMUL calls {@code
 * kernels.Sgemm}, with a 2-D TRANSPOSE read only by products folded into the call as a transposed
 * operand; pooling and its gradients call {@code kernels.Pooling}; RESHAPE is a view of its input's
 * buffer (row-major, no copy); TRANSPOSE, PAD, SLICE and CONCAT are strided copies with constant
 * index maps. Elementwise nodes (UNARY, BINARY, WHERE, BROADCAST) form regions of same-shaped
 * nodes, each one generated kernel writing every value used outside it in one pass: a convolution's
 * epilogue (bias, tanh, gain, abs, relu) is one kernel, which the forward convolution then runs on
 * each image right after computing it ({@code kernels.Conv2d.forwardThen}; an output only the
 * epilogue reads is kept one image per thread, not for the batch); a pooling kernel, forward or
 * gradient, runs the elementwise kernel that reads its output (a rectifier's mask multiply, a
 * dropout mask) the same way ({@code kernels.Pooling.eachImageThen}), and on request a forward
 * pooling of a convolution's activation runs inside the convolution's per-image pass, after its
 * epilogue; and each parameter's SGD momentum update (v' = m·v + g + wd·x, x' = x − lr·v') is one
 * pass that reads the gradient. A reduction absorbs the elementwise nodes of its input's shape that
 * only it reads.
 *
 * <p>Memory: one {@code float[]} per slot. Inputs, parameters, constants and outputs own their
 * slots; other values share slots by liveness. With {@link
 * convnet.compiler.CompileOptions#inPlaceUpdates()}, {@code new/P} is written into P's own buffer
 * (so {@code new/velocity/P} into {@code velocity/P}). That is safe when: the value is written by a
 * generated elementwise kernel, which for each element reads every input (P included, at P's own
 * shape) before writing that element, and orders an output that overwrites an input after the other
 * outputs; every other kernel reading P runs before it (the scheduler adds those edges, and keeps
 * P's buffer separate when that would make a cycle); and P itself is not an output.
 *
 * <p>Threads: library kernels split the batch over {@code kernels.Parallel}; generated kernels are
 * cut into contiguous ranges of axis 0, and reductions over axis 0 keep one partial result per
 * range, combined in range order. Every order of operations depends only on shapes and the thread
 * count, so results are the same bits run to run. exp, log, sigmoid and tanh use gen's vector forms
 * built from plain arithmetic, which round the same in every JIT tier (the Vector API's own do
 * not), and the scalar tails and scalar kernels compute the same forms bit for bit; only kernels
 * with pow run scalar code, whose Math intrinsic rounds the same in every tier.
 */
package convnet.compiler;
