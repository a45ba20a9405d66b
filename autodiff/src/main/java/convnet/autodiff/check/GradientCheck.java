package convnet.autodiff.check;

import convnet.autodiff.DType;
import convnet.autodiff.Function;
import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Framework-neutral gradient checking: symbolic gradients (evaluated by the interpreter in double precision)
 * against central finite differences along random directions and at sampled coordinates.
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /** Checks every parameter of {@code f}'s graph. */
    public static GradientCheckReport check(Function f, String lossOutput, Map<String, Tensor> values, long seed, Tolerance tol) {
        return check(f, lossOutput, values, List.of(), seed, tol);
    }

    /** Checks every parameter and the named inputs of {@code f}'s graph. */
    public static GradientCheckReport check(Function f, String lossOutput, Map<String, Tensor> values, List<String> inputs,
            long seed, Tolerance tol) {
        Node loss = f.graph().output(lossOutput);
        if (loss.shape().size() != 1) {
            throw new IllegalArgumentException("output '" + lossOutput + "' has shape " + loss.shape() + "; a loss has one element");
        }
        Graph lossGraph = Graph.of(lossOutput, loss);
        Graph withGrads = Grad.withGradients(lossGraph, lossOutput, inputs);
        Map<String, Tensor> symbolic = Interpreter.evaluate(withGrads, values, DType.F64);
        List<String> names = new ArrayList<>(lossGraph.params().keySet());
        names.addAll(inputs);
        Random rnd = new Random(seed);
        List<GradientCheckReport.Probe> probes = new ArrayList<>();
        for (String name : names) {
            Tensor p = values.get(name);
            if (p == null) {
                throw new IllegalArgumentException("no value for '" + name + "'");
            }
            Tensor g = symbolic.get("grad/" + name);
            for (int k = 0; k < tol.directions(); k++) {
                double[] d = new double[p.size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = rnd.nextGaussian();
                }
                probes.add(probe(lossGraph, lossOutput, values, name, d, dot(g.data(), d), "direction " + (k + 1), tol));
            }
            for (int idx : sampleIndices(p.size(), tol.coordinates(), rnd)) {
                double[] d = new double[p.size()];
                d[idx] = 1;
                probes.add(probe(lossGraph, lossOutput, values, name, d, g.get(idx),
                        "index " + Arrays.toString(unravel(idx, p.shape())), tol));
            }
        }
        return new GradientCheckReport(seed, tol, probes);
    }

    private static GradientCheckReport.Probe probe(Graph lossGraph, String lossOutput, Map<String, Tensor> values, String name,
            double[] direction, double symbolic, String where, Tolerance tol) {
        double plus = lossAt(lossGraph, lossOutput, values, name, direction, tol.epsilon());
        double minus = lossAt(lossGraph, lossOutput, values, name, direction, -tol.epsilon());
        double numeric = (plus - minus) / (2 * tol.epsilon());
        return new GradientCheckReport.Probe(name, where, numeric, symbolic, tol.accepts(numeric, symbolic));
    }

    private static double lossAt(Graph g, String lossOutput, Map<String, Tensor> values, String name, double[] d, double step) {
        Tensor p = values.get(name);
        double[] moved = p.toArray();
        for (int i = 0; i < moved.length; i++) {
            moved[i] += step * d[i];
        }
        Map<String, Tensor> v = new HashMap<>(values);
        v.put(name, Tensor.wrap(p.shape(), moved));
        return Interpreter.evaluate(g, v, DType.F64).get(lossOutput).item();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static List<Integer> sampleIndices(int size, int count, Random rnd) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            all.add(i);
        }
        if (size <= count) {
            return all;
        }
        java.util.Collections.shuffle(all, rnd);
        List<Integer> some = new ArrayList<>(all.subList(0, count));
        some.sort(null);
        return some;
    }

    private static int[] unravel(int flat, Shape s) {
        int[] idx = new int[s.rank()];
        for (int a = s.rank() - 1; a >= 0; a--) {
            idx[a] = flat % s.dim(a);
            flat /= s.dim(a);
        }
        return idx;
    }

    /** Convenience: random values for every input and parameter of {@code f} (standard normal), seeded. */
    public static Map<String, Tensor> randomValues(Function f, long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Map<String, Node> leaves : List.of(f.inputs(), f.params())) {
            leaves.forEach((name, n) -> {
                double[] d = new double[n.shape().size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = rnd.nextGaussian();
                }
                m.put(name, Tensor.wrap(n.shape(), d));
            });
        }
        return m;
    }
}
