package convnet.compiler.gen;

import convnet.autodiff.ScalarOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random kernel descriptions for the differential tests. Domains are guarded (log and
 * division of |x| + 0.5, pow of a bounded exponent, compares only of exact leaf values), so that
 * both the generated code and the interpreter stay well conditioned and a float32 tolerance means
 * something.
 */
final class RandomKernels {
  private static final int[] SIZES = {1, 2, 3, 5, 7, 16, 17, 33, 40};
  private static final ScalarOp[] UNARY = {
    ScalarOp.NEG,
    ScalarOp.ABS,
    ScalarOp.EXP,
    ScalarOp.LOG,
    ScalarOp.TANH,
    ScalarOp.SIGMOID,
    ScalarOp.SQRT,
    ScalarOp.SQUARE,
    ScalarOp.RECIPROCAL,
    ScalarOp.RELU
  };
  private static final ScalarOp[] BINARY = {
    ScalarOp.ADD, ScalarOp.SUB, ScalarOp.MUL, ScalarOp.DIV, ScalarOp.POW, ScalarOp.MAX, ScalarOp.MIN
  };
  private static final ScalarOp[] COMPARE = {
    ScalarOp.GT, ScalarOp.GE, ScalarOp.LT, ScalarOp.LE, ScalarOp.EQ
  };

  final Random random;
  final Dims shape;
  final int inputCount;
  final List<Dims> inputShapes = new ArrayList<>();
  private final List<Expr> leaves = new ArrayList<>();
  private final List<Expr> pool = new ArrayList<>();

  RandomKernels(long seed, int maxElements) {
    random = new Random(seed);
    shape = randomShape(maxElements);
    inputCount = 1 + random.nextInt(4);
    for (int slot = 0; slot < inputCount; slot++) {
      Dims inputShape = slot == 0 ? shape : broadcastShape();
      inputShapes.add(inputShape);
      Expr load = Expr.load(slot, inputShape);
      leaves.add(load);
      pool.add(load);
    }
    for (float c : new float[] {0f, 0.5f, -1.25f}) {
      if (random.nextBoolean()) {
        leaves.add(Expr.constant(c));
        pool.add(Expr.constant(c));
      }
    }
    int ops = 1 + random.nextInt(10);
    for (int i = 0; i < ops; i++) {
      pool.add(randomOp());
    }
  }

  private Dims randomShape(int maxElements) {
    while (true) {
      int rank = 1 + random.nextInt(Dims.MAX_RANK);
      int[] sizes = new int[rank];
      long count = 1;
      for (int axis = 0; axis < rank; axis++) {
        sizes[axis] = SIZES[random.nextInt(SIZES.length)];
        count *= sizes[axis];
      }
      if (count <= maxElements) {
        return Dims.of(sizes);
      }
    }
  }

  /** A random numpy-broadcastable shape: a suffix of the space, some axes set to 1. */
  private Dims broadcastShape() {
    int rank = 1 + random.nextInt(shape.rank());
    int[] sizes = new int[rank];
    for (int axis = 0; axis < rank; axis++) {
      int spaceSize = shape.size(shape.rank() - rank + axis);
      sizes[axis] = random.nextInt(3) == 0 ? 1 : spaceSize;
    }
    return Dims.of(sizes);
  }

  private Expr pick() {
    // Prefer recent nodes, so that expressions get deep, but keep sharing old ones (a DAG).
    int size = pool.size();
    return random.nextBoolean()
        ? pool.get(size - 1 - random.nextInt(Math.min(3, size)))
        : pool.get(random.nextInt(size));
  }

  private Expr leaf() {
    return leaves.get(random.nextInt(leaves.size()));
  }

  private static Expr guarded(Expr x) {
    return Expr.apply(ScalarOp.ADD, Expr.apply(ScalarOp.ABS, x), Expr.constant(0.5f));
  }

  private Expr randomOp() {
    int kind = random.nextInt(10);
    if (kind < 4) {
      ScalarOp op = UNARY[random.nextInt(UNARY.length)];
      Expr x = pick();
      return switch (op) {
        case LOG, SQRT, RECIPROCAL -> Expr.apply(op, guarded(x));
        case EXP -> Expr.apply(op, Expr.apply(ScalarOp.TANH, x));
        default -> Expr.apply(op, x);
      };
    }
    if (kind < 8) {
      ScalarOp op = BINARY[random.nextInt(BINARY.length)];
      Expr a = pick();
      Expr b = pick();
      return switch (op) {
        case DIV -> Expr.apply(op, a, guarded(b));
        case POW -> Expr.apply(op, guarded(a), Expr.apply(ScalarOp.TANH, b));
        default -> Expr.apply(op, a, b);
      };
    }
    Expr compare = Expr.apply(COMPARE[random.nextInt(COMPARE.length)], leaf(), leaf());
    if (kind == 8) {
      return compare;
    }
    return Expr.apply(ScalarOp.SELECT, random.nextBoolean() ? compare : leaf(), pick(), pick());
  }

  /** Values on a 1/4 grid in [-2, 2], so that compares of leaves are often equal. */
  float[][] buffers(int extraSlots, int extraLength) {
    float[][] buffers = new float[inputCount + extraSlots][];
    for (int slot = 0; slot < inputCount; slot++) {
      buffers[slot] = new float[inputShapes.get(slot).elementCount()];
      for (int i = 0; i < buffers[slot].length; i++) {
        buffers[slot][i] = (random.nextInt(17) - 8) / 4f;
      }
    }
    for (int slot = inputCount; slot < buffers.length; slot++) {
      buffers[slot] = new float[extraLength];
      java.util.Arrays.fill(buffers[slot], 12345f);
    }
    return buffers;
  }

  List<Expr> roots(int count) {
    List<Expr> roots = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      roots.add(i == 0 ? pool.get(pool.size() - 1) : pick());
    }
    return roots;
  }

  static float[][] copy(float[][] buffers) {
    float[][] copy = new float[buffers.length][];
    for (int i = 0; i < buffers.length; i++) {
      copy[i] = buffers[i].clone();
    }
    return copy;
  }
}
