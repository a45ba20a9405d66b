package convnet.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each example program runs to its end and prints what it promises. */
class ExampleProgramsTest {
  @TempDir Path dir;

  static String run(ThrowingMain main) throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(saved);
    }
    String out = buffer.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    return out;
  }

  interface ThrowingMain {
    void run() throws Exception;
  }

  @Test
  void trainFashionTrainsAndPrintsTheConfusionMatrix() throws Exception {
    String file = ExamplesTest.dir().resolve("fashion.cnn").toString();
    String out =
        run(() -> TrainFashion.main(new String[] {file, "fashion-mnist-subset", "1", "1024"}));
    assertTrue(out.contains("epoch 1/1: train loss"), out);
    for (String cls : new String[] {"T-shirt", "Trouser", "Ankle boot"}) {
      assertTrue(out.contains(cls), "confusion matrix without class " + cls + ":\n" + out);
    }
    Matcher m = Pattern.compile("test accuracy ([0-9.]+)% on (\\d+) images").matcher(out);
    assertTrue(m.find(), out);
    double accuracy = Double.parseDouble(m.group(1)) / 100;
    // Ten classes: chance is 10%; 16 steps of SGD on 1,024 images already do far better.
    assertTrue(
        accuracy > 0.3, String.format(Locale.ROOT, "accuracy %.3f is near chance", accuracy));
  }

  @Test
  void pyTorchWeightsRunAndExportToOnnx() throws Exception {
    String cnn = ExamplesTest.dir().resolve("bench/b1.cnn").toString();
    String npz = Path.of(getClass().getResource("/pytorch/b1_state_dict.npz").toURI()).toString();
    Path onnx = dir.resolve("b1.onnx");
    String out = run(() -> PyTorchToOnnx.main(new String[] {cnn, npz, onnx.toString()}));
    assertTrue(
        out.matches("(?s)predicted classes of 4 random images: \\[\\d, \\d, \\d, \\d\\].*"), out);
    assertTrue(out.contains("wrote " + onnx) && out.contains("verified in ONNX Runtime"), out);
    assertTrue(Files.size(onnx) > 70_000, "the model holds the weights");
  }
}
