package convnet.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Function;
import convnet.autodiff.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What explain() reports and what dumpClasses() writes. */
class ExplainTest {

  @Test
  void explainListsKernelsFusedNodesAndTheMemoryPlan() {
    Nets.Net net = Nets.jarrett(7, 2);
    Function step = net.trainingStep("jarrett", net.logits);
    CompiledFunction f = Compiler.compile(step, CompileOptions.defaults().withInPlaceUpdates(true));
    String text = f.explain();
    if (Boolean.getBoolean("explain.print")) {
      System.out.println(text);
    }
    assertTrue(text.contains("conv2d_backward_weight"), text);
    assertTrue(text.contains("memory plan:"), text);
    assertTrue(text.contains("in place: new/L1_conv.weight -> L1_conv.weight"), text);
    // The epilogue of the first convolution (bias, tanh, gain, abs) is one elementwise kernel run
    // by the convolution on each image, whose output is then not stored for the whole batch.
    CompiledFunction.Kernel epilogue =
        f.kernels().stream()
            .filter(
                k ->
                    k.op().equals("conv2d+elementwise")
                        && k.fusedNodes().stream().anyMatch(n -> n.startsWith("unary tanh"))
                        && k.fusedNodes().stream().anyMatch(n -> n.startsWith("unary abs")))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no convolution with a tanh+abs epilogue:\n" + text));
    assertTrue(epilogue.fusedNodes().size() >= 5, epilogue.toString());
    assertTrue(epilogue.fusedNodes().get(0).startsWith("conv2d "), epilogue.toString());
    assertTrue(text.contains("on each image as it is computed"), text);
    assertTrue(text.contains("(one image per thread, not stored)"), text);
    // The SGD update of each parameter is one pass writing both the parameter and its velocity in
    // place.
    for (Node x : net.trainable) {
      long writers =
          f.kernels().stream()
              .filter(
                  k -> k.writes().contains(x.name()) && k.writes().contains("velocity/" + x.name()))
              .count();
      assertEquals(1, writers, x.name() + ":\n" + text);
    }
  }

  @Test
  void dumpWritesEveryGeneratedClass(@TempDir Path folder) throws IOException {
    Nets.Net net = Nets.vggLike(3, 2);
    CompiledFunction f =
        Compiler.compile(net.inference("vgg", net.logits), CompileOptions.defaults());
    List<Path> files = f.dumpClasses(folder);
    assertEquals(f.generatedClasses().size(), files.size());
    for (Path p : files) {
      assertTrue(Files.size(p) > 0, p.toString());
      assertTrue(p.getFileName().toString().endsWith(".class"), p.toString());
    }
    assertTrue(
        files.stream().anyMatch(p -> p.getFileName().toString().startsWith("Program_vgg")),
        files.toString());
    // Each convolution's bias and relu: the kernel it runs on every image as its epilogue.
    assertEquals(
        2,
        files.stream().filter(p -> p.getFileName().toString().contains("_conv2d_epilogue")).count(),
        files.toString());
    try (var stream = Files.list(folder)) {
      assertFalse(stream.anyMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
    }
  }
}
