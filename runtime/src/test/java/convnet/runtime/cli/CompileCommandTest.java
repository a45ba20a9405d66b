package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convnet compile} and {@code convnet bench} on a small network: output, files, JSON,
 * errors, exit statuses.
 */
class CompileCommandTest {
  private static final String NET =
      """
      network tiny {
          input 1x12x12
          4F3x3CSG - Rabs - N3x3 - PA2x2
          logistic 3
          train {
              batch = 4
          }
      }
      """;

  @TempDir Path dir;

  @Test
  void explainListsKernelsAndTheMemoryPlan() throws IOException {
    Cli.Run r = Cli.run("compile", Cli.write(dir, "t.cnn", NET).toString(), "--explain");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("function tiny.train:"), r.out());
    assertTrue(r.out().contains("conv2d_backward_weight"), r.out());
    assertTrue(r.out().contains("memory plan:"), r.out());
    assertTrue(r.out().contains("in place: new/L1_conv.weight -> L1_conv.weight"), r.out());
    assertTrue(
        r.out().contains("input[4, 1, 12, 12]"), "the train block's batch is used:\n" + r.out());
  }

  @Test
  void dumpWritesClassFilesAndBatchOverrides() throws IOException {
    Path out = dir.resolve("classes");
    Cli.Run r =
        Cli.run(
            "compile",
            Cli.write(dir, "t.cnn", NET).toString(),
            "--dump",
            out.toString(),
            "--batch",
            "2",
            "--function",
            "inference");
    assertEquals(0, r.status(), r.err());
    try (Stream<Path> files = Files.list(out)) {
      long classes = files.filter(p -> p.toString().endsWith(".class")).count();
      assertTrue(classes > 2, "class files: " + classes);
      assertTrue(r.out().contains("wrote " + classes + " class files"), r.out());
    }
    Cli.Run summary = Cli.run("compile", Cli.write(dir, "t.cnn", NET).toString(), "--batch", "2");
    assertEquals(0, summary.status(), summary.err());
    assertTrue(
        summary.out().contains("batch 2:") && summary.out().contains("kernels"), summary.out());
  }

  @Test
  void badInputGivesAClearMessageAndStatus() throws IOException {
    Cli.Run missing = Cli.run("compile", dir.resolve("none.cnn").toString(), "--explain");
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("no such file"), missing.err());
    Cli.Run syntax =
        Cli.run(
            "compile",
            Cli.write(dir, "bad.cnn", "network x {\n input 1x8x8\n 4F3x3Q\n logistic 2\n}\n")
                .toString());
    assertEquals(1, syntax.status());
    assertTrue(syntax.err().contains("bad.cnn:3:"), syntax.err());
    assertFalse(syntax.err().contains("Exception"), syntax.err());
    Cli.Run batch = Cli.run("compile", Cli.write(dir, "t.cnn", NET).toString(), "--batch", "0");
    assertEquals(2, batch.status());
    assertTrue(batch.err().contains("--batch"), batch.err());
    Path notDir = Cli.write(dir, "plain", "x");
    Cli.Run dump =
        Cli.run("compile", Cli.write(dir, "t.cnn", NET).toString(), "--dump", notDir.toString());
    assertEquals(1, dump.status());
    assertTrue(dump.err().contains("not a directory"), dump.err());
  }

  @Test
  void benchReportsBothBackendsAndKernelsAsJson() throws IOException {
    Cli.Run r =
        Cli.run(
            "bench",
            "--no-quiet",
            Cli.write(dir, "t.cnn", NET).toString(),
            "--backend",
            "both",
            "--json",
            "--repeats",
            "2",
            "--min-time",
            "0.02",
            "--warmup",
            "0.05");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("tiny", j.get("network").asText());
    assertEquals(4, j.get("batch").asInt());
    for (String backend : new String[] {"compiled", "interpreted"}) {
      assertTrue(j.get(backend).get("train_images_per_s").asDouble() > 0, r.out());
      assertTrue(j.get(backend).get("inference_images_per_s").asDouble() > 0, r.out());
      assertTrue(j.get(backend).get("train_spread").asDouble() >= 0, r.out());
      assertEquals(2, j.get(backend).get("train_repeats").size(), r.out());
    }
    JsonNode kernels = j.get("kernels");
    assertTrue(kernels.size() > 5, r.out());
    boolean conv = false;
    for (JsonNode k : kernels) {
      assertTrue(k.get("ms").asDouble() >= 0, k.toString());
      if (k.get("op").asText().startsWith("conv2d")) {
        conv = true;
        assertTrue(k.get("mflop").asDouble() > 0, k.toString());
      }
    }
    assertTrue(conv, "convolution kernels are listed: " + kernels);
    // Inference is profiled too: its kernels are a forward pass only (no gradient kernels).
    JsonNode inferenceKernels = j.get("inference_kernels");
    assertTrue(inferenceKernels.size() > 0, r.out());
    assertTrue(inferenceKernels.size() < kernels.size(), r.out());
    for (JsonNode k : inferenceKernels) {
      assertFalse(k.get("op").asText().contains("backward"), k.toString());
    }
    // The ceiling is measured for real: convnet's own SGEMM always, OpenBLAS when a Python with
    // NumPy is there.
    JsonNode ceiling = j.get("sgemm_ceiling");
    assertEquals(1024, ceiling.get("size").asInt(), r.out());
    assertTrue(ceiling.get("convnet_sgemm_gflops").asDouble() > 0, r.out());
    JsonNode openBlas = ceiling.get("openblas_numpy_gflops");
    assertTrue(openBlas.isNull() || openBlas.asDouble() > 0, r.out());
    for (JsonNode k : kernels) {
      if (k.get("op").asText().startsWith("conv2d")) {
        assertTrue(k.get("share_of_ceiling").asDouble() > 0, k.toString());
      }
    }
  }

  @Test
  void benchOfSeveralFilesPrintsAJsonArray() throws IOException {
    Path a = Cli.write(dir, "a.cnn", NET);
    Path b =
        Cli.write(
            dir,
            "b.cnn",
            NET.replace("network tiny", "network other").replace("logistic 3", "logistic 2"));
    Cli.Run r =
        Cli.run(
            "bench",
            "--no-quiet",
            "--no-ceiling",
            a.toString(),
            b.toString(),
            "--json",
            "--repeats",
            "1",
            "--min-time",
            "0.01",
            "--warmup",
            "0.01");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.isArray(), r.out());
    assertEquals(2, j.size(), r.out());
    assertEquals("tiny", j.get(0).get("network").asText());
    assertEquals("other", j.get(1).get("network").asText());
  }

  @Test
  void benchTableAndUsageErrors() throws IOException {
    Cli.Run both =
        Cli.run(
            "bench",
            "--no-quiet",
            "--no-ceiling",
            Cli.write(dir, "t.cnn", NET).toString(),
            "--repeats",
            "1",
            "--min-time",
            "0.01",
            "--warmup",
            "0.01");
    assertEquals(0, both.status(), both.err());
    assertTrue(both.out().contains("interpreted "), "both backends by default: " + both.out());
    Cli.Run r =
        Cli.run(
            "bench",
            "--no-quiet",
            "--no-ceiling",
            "--backend",
            "compiled",
            Cli.write(dir, "t.cnn", NET).toString(),
            "--repeats",
            "1",
            "--min-time",
            "0.01",
            "--warmup",
            "0.01");
    assertEquals(0, r.status(), r.err());
    assertFalse(r.out().contains("SGEMM ceiling"), r.out());
    assertTrue(r.out().contains("compiled") && r.out().contains("train images/s"), r.out());
    assertFalse(r.out().contains("interpreted "), r.out());
    assertTrue(r.out().contains("compiled training step, "), r.out());
    assertTrue(r.out().contains("compiled inference, "), r.out());
    assertTrue(r.out().contains("kernels by time"), r.out());
    assertEquals(
        2,
        Cli.run("bench", "--no-quiet", Cli.write(dir, "t.cnn", NET).toString(), "--repeats", "0")
            .status());
    assertEquals(
        2,
        Cli.run("bench", "--no-quiet", Cli.write(dir, "t.cnn", NET).toString(), "--backend", "gpu")
            .status());
  }
}
