package convnet.compiler.gen;

import convnet.autodiff.ScalarOp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A direct, slow evaluation of kernel descriptions, element by element: the oracle of the
 * differential tests.
 */
final class KernelInterpreter {
  private KernelInterpreter() {}

  /** Runs the kernel over {@code [from, to)} of axis 0, writing the outputs into the buffers. */
  static void runElementwise(ElementwiseKernel kernel, float[][] buffers, int from, int to) {
    Dims shape = kernel.shape();
    int[] full = shape.strides();
    int inner = full[0];
    float[][] values = new float[kernel.outputs().size()][(to - from) * inner];
    for (int flat = from * inner; flat < to * inner; flat++) {
      int[] index = unflatten(shape, flat);
      Map<Expr, Float> memo = new HashMap<>();
      for (int o = 0; o < kernel.outputs().size(); o++) {
        values[o][flat - from * inner] =
            eval(kernel.outputs().get(o).value(), shape, index, buffers, memo);
      }
    }
    // All outputs are computed from the old contents first, as the kernel contract says for
    // in-place outputs.
    for (int o = 0; o < kernel.outputs().size(); o++) {
      System.arraycopy(
          values[o], 0, buffers[kernel.outputs().get(o).slot()], from * inner, values[o].length);
    }
  }

  /**
   * The reference of a reduction, in double, with the sum of magnitudes of the terms (for the error
   * bound): result[reduction][keptIndex] = {value, magnitude}.
   */
  static double[][][] reduce(ReduceKernel kernel, float[][] buffers, int from, int to) {
    Dims shape = kernel.shape();
    int keptCount = kernel.keptShape().elementCount();
    List<ReduceKernel.Reduction> reductions = kernel.reductions();
    double[][][] result = new double[reductions.size()][keptCount][2];
    for (int r = 0; r < reductions.size(); r++) {
      for (int k = 0; k < keptCount; k++) {
        result[r][k][0] =
            reductions.get(r).combine() == ReduceKernel.Combine.SUM ? 0 : Double.NEGATIVE_INFINITY;
      }
    }
    int inner = shape.strides()[0];
    for (int flat = from * inner; flat < to * inner; flat++) {
      int[] index = unflatten(shape, flat);
      int kept = keptIndex(kernel, index);
      Map<Expr, Float> memo = new HashMap<>();
      for (int r = 0; r < reductions.size(); r++) {
        float value = eval(reductions.get(r).value(), shape, index, buffers, memo);
        double[] cell = result[r][kept];
        if (reductions.get(r).combine() == ReduceKernel.Combine.SUM) {
          cell[0] += value;
        } else {
          cell[0] = Math.max(cell[0], value);
        }
        cell[1] += Math.abs(value);
      }
    }
    return result;
  }

  /** Flat index into the kept-axes output. */
  static int keptIndex(ReduceKernel kernel, int[] index) {
    int flat = 0;
    for (int axis = 0; axis < index.length; axis++) {
      if (!kernel.isReduced(axis)) {
        flat = flat * kernel.shape().size(axis) + index[axis];
      }
    }
    return flat;
  }

  static int[] unflatten(Dims shape, int flat) {
    int[] index = new int[shape.rank()];
    for (int axis = shape.rank() - 1; axis >= 0; axis--) {
      index[axis] = flat % shape.size(axis);
      flat /= shape.size(axis);
    }
    return index;
  }

  static float eval(Expr expr, Dims space, int[] index, float[][] buffers, Map<Expr, Float> memo) {
    Float known = memo.get(expr);
    if (known != null) {
      return known;
    }
    float value;
    if (expr instanceof Expr.Const constant) {
      value = constant.value();
    } else if (expr instanceof Expr.Load load) {
      // numpy broadcasting: align right, size-1 axes read index 0.
      Dims shape = load.shape();
      int shift = space.rank() - shape.rank();
      int flat = 0;
      for (int axis = 0; axis < shape.rank(); axis++) {
        int i = shape.size(axis) == 1 ? 0 : index[axis + shift];
        flat = flat * shape.size(axis) + i;
      }
      value = buffers[load.slot()][flat];
    } else {
      Expr.Apply apply = (Expr.Apply) expr;
      float[] args = new float[apply.args().size()];
      for (int i = 0; i < args.length; i++) {
        args[i] = eval(apply.args().get(i), space, index, buffers, memo);
      }
      value = apply(apply.op(), args);
    }
    memo.put(expr, value);
    return value;
  }

  static float apply(ScalarOp op, float[] a) {
    return switch (op) {
      case NEG -> -a[0];
      case ABS -> Math.abs(a[0]);
      case EXP -> (float) Math.exp(a[0]);
      case LOG -> (float) Math.log(a[0]);
      case TANH -> (float) Math.tanh(a[0]);
      case SIGMOID -> (float) (1 / (1 + Math.exp(-a[0])));
      case SQRT -> (float) Math.sqrt(a[0]);
      case SQUARE -> a[0] * a[0];
      case RECIPROCAL -> 1 / a[0];
      case RELU -> a[0] > 0 ? a[0] : (Float.isNaN(a[0]) ? a[0] : 0f);
      case ADD -> a[0] + a[1];
      case SUB -> a[0] - a[1];
      case MUL -> a[0] * a[1];
      case DIV -> a[0] / a[1];
      case POW -> (float) Math.pow(a[0], a[1]);
      case MAX -> Math.max(a[0], a[1]);
      case MIN -> Math.min(a[0], a[1]);
      case GT -> a[0] > a[1] ? 1 : 0;
      case GE -> a[0] >= a[1] ? 1 : 0;
      case LT -> a[0] < a[1] ? 1 : 0;
      case LE -> a[0] <= a[1] ? 1 : 0;
      case EQ -> a[0] == a[1] ? 1 : 0;
      case SELECT -> a[0] != 0 ? a[1] : a[2];
      // Operations written in other words are interpreted through their rule, in double precision.
      default -> (float) (op.arity() == 1 ? op.apply(a[0]) : op.apply(a[0], a[1]));
    };
  }
}
