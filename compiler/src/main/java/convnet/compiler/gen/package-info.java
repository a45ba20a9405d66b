/**
 * Bytecode generation for fused kernels.
 *
 * <p>A kernel is described by a small immutable value: {@link
 * convnet.compiler.gen.ElementwiseKernel} (an expression DAG of {@link convnet.autodiff.ScalarOp}s
 * over numpy-broadcast loads, several full-size outputs written in one pass) or {@link
 * convnet.compiler.gen.ReduceKernel} (such expressions summed or maximised over a set of axes).
 * {@link convnet.compiler.gen.ElementwiseKernelGen} and {@link
 * convnet.compiler.gen.ReduceKernelGen} turn them into hidden classes with a static {@code run}
 * method over a range of axis 0, so a caller can split the batch across threads; {@link
 * convnet.compiler.gen.ProgramGen} strings calls of library methods and generated kernels (given as
 * method handles, carried as class data) into one {@code run(float[][] buffers)}.
 *
 * <p>Buffers are {@code float[]} in row-major (NCHW) order, passed as one {@code float[][]} table
 * indexed by slot. Every size is a constant in the generated code. Innermost runs use the Vector
 * API ({@code FloatVector.SPECIES_PREFERRED}, a constant to the JIT) with a scalar tail, or scalar
 * code only when the module is absent or {@code -Dconvnet.vectorize=false}. Generators write
 * bytecode only through {@link convnet.compiler.gen.Block}, and split kernels so that no method
 * grows past about 2 KB.
 */
package convnet.compiler.gen;
