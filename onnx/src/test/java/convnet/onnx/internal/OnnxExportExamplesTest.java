package convnet.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Tensor;
import convnet.runtime.model.NetworkModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example network exports, and ONNX Runtime agrees with the interpreter on random images. */
class OnnxExportExamplesTest {

  static Path examples() {
    return Path.of(System.getProperty("basedir", "."))
        .toAbsolutePath()
        .normalize()
        .resolveSibling("examples");
  }

  static Stream<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(examples())) {
      // Sweeps (examples/sweeps/) are families of networks, not networks: `convnet sweep` lists
      // them.
      return s
          .filter(
              p ->
                  p.toString().endsWith(".cnn")
                      && !p.toString().contains("/target/")
                      && !p.toString().contains("/sweeps/"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void exportsAndAgreesWithTheInterpreter(Path file) throws IOException {
    String source = Files.readString(file, StandardCharsets.UTF_8);
    NetworkModel model =
        NetworkModel.fromSource(
            source, file.getFileName().toString(), new PrintWriter(new StringWriter()));
    Map<String, Tensor> weights = model.init(7);
    byte[] bytes = OnnxExporter.modelBytes(model, source, weights, 0);
    long t0 = System.nanoTime();
    OnnxVerifier.Result r;
    try {
      r = OnnxVerifier.verify(bytes, model, weights, 1, 11);
    } catch (OnnxVerifier.RuntimeUnavailable e) {
      throw new AssertionError(e.getMessage(), e);
    }
    System.out.println(
        file.getFileName() + ": " + r.describe() + " " + (System.nanoTime() - t0) / 1e9 + " s");
    assertTrue(r.passed(), r::describe);
  }
}
