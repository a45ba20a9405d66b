package convnet.runtime.pretrain;

import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.compiler.CompiledFunction;
import convnet.runtime.model.BoundFunction;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Predictive sparse decomposition of one filter layer on batches of its input: sparse inference by
 * monotone FISTA, then the learning step, each a function of {@link PsdGraphs} run on a backend.
 *
 * <p>Monotone FISTA (Beck and Teboulle 2009, "MFISTA"): the accelerated step from the extrapolated
 * point, but each image keeps its previous codes when the step would raise its energy, so E never
 * rises above its value at the start z = F(x), whatever the step size. The step is 1/L with L =
 * λ_max(DᵀD) + 2α, the Lipschitz constant of the smooth part's gradient, λ_max found by power
 * iteration from a fixed start (so it is a pure function of D, and resumed runs repeat it).
 */
public final class PsdStage {
  /** Power iterations for λ_max(DᵀD); the estimate is a lower bound, so it is raised by 5%. */
  private static final int POWER_ITERATIONS = 30;

  private static final double SAFETY = 1.05;

  private final PsdGraphs graphs;
  private final Executable encoder;
  private final Executable imageEnergy;
  private final Executable fistaStep;
  private final Executable normal;
  private final Executable learning;

  /**
   * The FISTA step with its buffers, when compiled: the batch is written once per inference, not
   * per iteration.
   */
  private final BoundFunction boundFistaStep;

  /** The stage of {@code graphs}, its functions made ready to run by {@code prepare}. */
  public PsdStage(PsdGraphs graphs, java.util.function.Function<Function, Executable> prepare) {
    this.graphs = graphs;
    this.encoder = prepare.apply(graphs.encoderFunction());
    this.imageEnergy = prepare.apply(graphs.imageEnergyFunction());
    Function fista = graphs.fistaStepFunction();
    this.fistaStep = prepare.apply(fista);
    // Only compiled code reads float32 buffers; another backend (the interpreter in float64 in
    // tests) keeps being called through run(Map), with its own precision.
    this.boundFistaStep =
        fistaStep instanceof CompiledFunction ? BoundFunction.of(fista, fistaStep) : null;
    this.normal = prepare.apply(graphs.normalFunction());
    this.learning = prepare.apply(graphs.learningFunction());
  }

  public PsdGraphs graphs() {
    return graphs;
  }

  /** F(x) for a batch of stage inputs, with the encoder parameters in {@code params}. */
  public Tensor predict(Tensor x, Map<String, Tensor> params) {
    Map<String, Tensor> values = new HashMap<>(params);
    values.put(PsdGraphs.INPUT, x);
    return encoder.run(values).get(PsdGraphs.PREDICTION);
  }

  /**
   * The energy of each image at codes {@code z}, with prediction {@code f} and dictionary {@code
   * d}.
   */
  public double[] energies(Tensor x, Tensor z, Tensor f, Tensor d) {
    Map<String, Tensor> values = new HashMap<>();
    values.put(PsdGraphs.INPUT, x);
    values.put(PsdGraphs.CODE, z);
    values.put(PsdGraphs.PREDICTION, f);
    values.put(graphs.decoderName(), d);
    return imageEnergy.run(values).get(PsdGraphs.ENERGY).toArray();
  }

  /** FISTA's step 1/L for dictionary {@code d}. */
  public double stepSize(Tensor d) {
    Shape codeShape = graphs.codeShape();
    Shape one = Shape.of(1, codeShape.dim(1), codeShape.dim(2), codeShape.dim(3));
    SplittableRandom random = new SplittableRandom(0x50534400L);
    double[] v = new double[one.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextDouble() - 0.5;
    }
    normalize(v);
    double lambdaMax = 0;
    Map<String, Tensor> values = new HashMap<>();
    values.put(graphs.decoderName(), d);
    for (int k = 0; k < POWER_ITERATIONS; k++) {
      values.put(PsdGraphs.CODE, Tensor.wrap(one, v));
      double[] w = normal.run(values).get(PsdGraphs.NORMAL).toArray();
      lambdaMax = normalize(w);
      if (lambdaMax == 0) {
        break;
      }
      v = w;
    }
    double lipschitz = SAFETY * lambdaMax + 2 * graphs.settings().alpha();
    return lipschitz > 0 ? 1 / lipschitz : 1;
  }

  private static double normalize(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    double n = Math.sqrt(s);
    if (n > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= n;
      }
    }
    return n;
  }

  /** The result of sparse inference: the codes and each image's energy at them. */
  public record Inference(Tensor codes, double[] energies) {}

  /**
   * z* ≈ argmin_z E(x, z) from z = F(x) ({@code f}), by {@link PsdGraphs#settings() steps} MFISTA
   * iterations with step {@code step}; {@code trace}, when not null, receives each image's energy
   * after every iteration (first the starting energies).
   */
  public Inference infer(Tensor x, Tensor f, Tensor d, double step, List<double[]> trace) {
    int n = x.shape().dim(0);
    int per = f.size() / n;
    double[] current = f.toArray();
    double[] energy = energies(x, f, f, d);
    if (trace != null) {
      trace.add(energy.clone());
    }
    double[] y = current.clone();
    double t = 1;
    Map<String, Tensor> values = new HashMap<>();
    values.put(PsdGraphs.INPUT, x);
    values.put(PsdGraphs.PREDICTION, f);
    values.put(graphs.decoderName(), d);
    values.put(PsdGraphs.STEP, Tensor.scalar(step));
    BoundFunction bound = boundFistaStep;
    if (bound != null) {
      values.forEach(bound::set);
    }
    for (int k = 0; k < graphs.settings().steps(); k++) {
      double[] u;
      double[] eu;
      if (bound != null) {
        // Only the codes change from one iteration to the next; rounded to float as run(Map) would.
        float[] code = bound.buffer(PsdGraphs.CODE);
        for (int j = 0; j < y.length; j++) {
          code[j] = (float) y[j];
        }
        bound.run();
        u = doubles(bound.buffer(PsdGraphs.NEXT_CODE), current.length);
        eu = doubles(bound.buffer(PsdGraphs.ENERGY), n);
      } else {
        values.put(PsdGraphs.CODE, Tensor.wrap(f.shape(), y));
        Map<String, Tensor> out = fistaStep.run(values);
        u = out.get(PsdGraphs.NEXT_CODE).toArray();
        eu = out.get(PsdGraphs.ENERGY).toArray();
      }
      double[] next = new double[current.length];
      double[] nextEnergy = new double[n];
      for (int i = 0; i < n; i++) {
        boolean accept = eu[i] <= energy[i];
        System.arraycopy(accept ? u : current, i * per, next, i * per, per);
        nextEnergy[i] = accept ? eu[i] : energy[i];
      }
      double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      double towardsU = t / tNext;
      double momentum = (t - 1) / tNext;
      y = new double[current.length];
      for (int j = 0; j < y.length; j++) {
        y[j] = next[j] + towardsU * (u[j] - next[j]) + momentum * (next[j] - current[j]);
      }
      current = next;
      energy = nextEnergy;
      t = tNext;
      if (trace != null) {
        trace.add(energy.clone());
      }
    }
    return new Inference(Tensor.wrap(f.shape(), current), energy);
  }

  private static double[] doubles(float[] values, int size) {
    double[] d = new double[size];
    for (int i = 0; i < size; i++) {
      d[i] = values[i];
    }
    return d;
  }

  /**
   * What one learning step returns: the new parameters (dictionary and encoder) and the batch's
   * metrics.
   */
  public record Step(
      Map<String, Tensor> parameters,
      double reconstructionError,
      double predictionError,
      double meanAbsCode) {}

  /**
   * The learning step at codes {@code z}: the dictionary and encoder parameters after one step of
   * rate {@code lr}; {@code params} holds the dictionary and the encoder's parameters.
   */
  public Step learn(Tensor x, Tensor z, Map<String, Tensor> params, double lr) {
    Map<String, Tensor> values = new HashMap<>(params);
    values.put(PsdGraphs.INPUT, x);
    values.put(PsdGraphs.CODE, z);
    values.put(PsdGraphs.LEARNING_RATE, Tensor.scalar(lr));
    Map<String, Tensor> out = learning.run(values);
    Map<String, Tensor> next = new LinkedHashMap<>();
    next.put(graphs.decoderName(), out.get(PsdGraphs.NEW + graphs.decoderName()));
    for (String name : graphs.encoderParameters()) {
      next.put(name, out.get(PsdGraphs.NEW + name));
    }
    return new Step(
        next,
        out.get(PsdGraphs.RECONSTRUCTION).item(),
        out.get(PsdGraphs.PREDICTION_ERROR).item(),
        out.get(PsdGraphs.MEAN_ABS_CODE).item());
  }

  /** One minibatch: predict, infer, learn; returns the learning step's result. */
  public Step train(Tensor x, Map<String, Tensor> params, double lr) {
    Tensor d = params.get(graphs.decoderName());
    Tensor f = predict(x, params);
    Inference z = infer(x, f, d, stepSize(d), null);
    return learn(x, z.codes(), params, lr);
  }

  /**
   * A random dictionary of unit-norm filters, a pure function of {@code seed}: what pre-training
   * starts from.
   */
  public static Tensor initialDictionary(Shape shape, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[shape.size()];
    int per = shape.size() / shape.dim(0);
    for (int j = 0; j < shape.dim(0); j++) {
      double s = 0;
      for (int i = 0; i < per; i++) {
        double v = random.nextDouble() * 2 - 1;
        d[j * per + i] = v;
        s += v * v;
      }
      double norm = Math.sqrt(s);
      for (int i = 0; i < per; i++) {
        d[j * per + i] = (float) (d[j * per + i] / norm);
      }
    }
    return Tensor.wrap(shape, d);
  }
}
