package convnet.autodiff.check;

import convnet.autodiff.DType;
import convnet.autodiff.Function;
import convnet.autodiff.Grad;
import convnet.autodiff.Graph;
import convnet.autodiff.Interpreter;
import convnet.autodiff.Node;
import convnet.autodiff.Tensor;
import java.util.ArrayList;
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
            for (ProbeDirection d : ProbeDirection.of(p.shape(), tol, rnd)) {
                double sym = d.index() < 0 ? d.along(g) : g.get(d.index());
                probes.add(probe(lossGraph, lossOutput, values, name, d, sym, tol));
            }
        }
        return new GradientCheckReport(seed, tol, probes);
    }

    private static GradientCheckReport.Probe probe(Graph lossGraph, String lossOutput, Map<String, Tensor> values, String name,
            ProbeDirection direction, double symbolic, Tolerance tol) {
        double plus = lossAt(lossGraph, lossOutput, values, name, direction, tol.epsilon());
        double minus = lossAt(lossGraph, lossOutput, values, name, direction, -tol.epsilon());
        double numeric = (plus - minus) / (2 * tol.epsilon());
        return new GradientCheckReport.Probe(name, direction.where(), numeric, symbolic, tol.accepts(numeric, symbolic));
    }

    private static double lossAt(Graph g, String lossOutput, Map<String, Tensor> values, String name, ProbeDirection d,
            double step) {
        Map<String, Tensor> v = new HashMap<>(values);
        v.put(name, d.moved(values.get(name), step));
        return Interpreter.evaluate(g, v, DType.F64).get(lossOutput).item();
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
