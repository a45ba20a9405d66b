package convnet.compiler.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FallbackTest {

  @Test
  void vectorBackendIsActiveInTheTestJvm() {
    assertTrue(KernelBackend.VECTOR, "tests run with --add-modules jdk.incubator.vector");
    assertTrue(KernelBackend.describe().startsWith("vector-"), KernelBackend.describe());
  }

  /**
   * Without the module, the kernels run on the scalar path, say so once on stderr, and never load
   * the class that uses the Vector API (which would fail to link there).
   */
  @Test
  void withoutTheVectorModuleTheScalarKernelsRunAndSaySo(@TempDir Path dir)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xlog:class+load=info",
                    "-cp",
                    System.getProperty("java.class.path"),
                    FallbackProbe.class.getName()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "probe failed:\n" + stdout + "\n" + stderr);
    assertTrue(stdout.contains("backend=scalar"), stdout);
    assertFalse(stdout.contains("convnet.compiler.kernels.VectorSgemm"), "VectorSgemm was loaded");
    assertFalse(stdout.contains("jdk.incubator.vector.FloatVector"), "the Vector API was loaded");
    long notices = stderr.lines().filter(l -> l.contains("not available")).count();
    assertEquals(1, notices, "one notice expected on stderr:\n" + stderr);
  }
}
