package convnet.autodiff.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.GraphBuilder;
import convnet.autodiff.Node;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientCheckTest {
    @Test
    void passesOnASmoothFunctionAndReportsEveryProbe() {
        GraphBuilder b = new GraphBuilder();
        Node w = b.param("w", Shape.of(3));
        Function f = new Function("f", Graph.of("loss", b.sumAll(b.tanh(b.mul(w, w)))));
        GradientCheckReport r = GradientCheck.check(f, "loss", Map.of("w", Tensor.of(Shape.of(3), 0.3, -0.7, 1.1)), 5,
                Tolerance.standard());
        assertTrue(r.passed(), r.summary());
        assertEquals(3 + 3, r.probes().size());
        assertTrue(r.summary().contains("seed 5"), r.summary());
    }

    /** At relu's kink the symbolic subgradient (0) and the central difference (1/2) disagree: the report must say where. */
    @Test
    void namesTheParameterIndexAndSizeOfADisagreement() {
        GraphBuilder b = new GraphBuilder();
        Node w = b.param("L1_conv.weight", Shape.of(2, 2));
        Node v = b.param("L1_conv.bias", Shape.of(2));
        Function f = new Function("f", Graph.of("loss", b.add(b.sumAll(b.relu(w)), b.sumAll(b.square(v)))));
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put("L1_conv.weight", Tensor.of(Shape.of(2, 2), 1, 2, 0, 3));
        values.put("L1_conv.bias", Tensor.of(Shape.of(2), 1, 2));
        GradientCheckReport r = GradientCheck.check(f, "loss", values, 0, new Tolerance(1e-5, 1e-3, 1e-6, 0, 8));
        assertFalse(r.passed());
        assertEquals(java.util.List.of("L1_conv.weight"), r.failingParams());
        GradientCheckReport.Probe p = r.failures().get(0);
        assertEquals("index [1, 0]", p.where());
        assertEquals(0.5, p.numeric(), 1e-6);
        assertEquals(0.0, p.symbolic());
        assertTrue(r.summary().contains("L1_conv.weight at index [1, 0]"), r.summary());
        AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
        assertTrue(e.getMessage().contains("MISMATCH"));
    }

    @Test
    void rejectsANonScalarLoss() {
        GraphBuilder b = new GraphBuilder();
        Node w = b.param("w", Shape.of(3));
        Function f = new Function("f", Graph.of("loss", b.tanh(w)));
        assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.check(f, "loss", Map.of("w", Tensor.zeros(Shape.of(3))), 0, Tolerance.standard()));
    }
}
