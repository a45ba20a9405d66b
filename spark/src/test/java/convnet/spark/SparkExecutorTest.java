package convnet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark executor gives bitwise the results of the local executor on quick.cnn, embedded ({@code
 * local[2]}) and on a real standalone cluster (a master and a worker started here as separate JVMs
 * on 127.0.0.1 from the Maven artifacts, and stopped).
 */
class SparkExecutorTest {
  @TempDir static Path tmp;
  static Path local;

  @BeforeAll
  static void localSweep() {
    local = tmp.resolve("local");
    SweepFiles.convnet("sweep", SweepFiles.QUICK.toString(), "--out", local.toString());
  }

  @Test
  void embeddedLocal2MatchesTheLocalExecutorBitwise() throws IOException {
    Path spark = tmp.resolve("spark-local");
    String out =
        SweepFiles.convnet(
            "sweep",
            SweepFiles.QUICK.toString(),
            "--executor",
            "spark",
            "--workers",
            "2",
            "--out",
            spark.toString());
    assertTrue(out.contains("executor spark"), out);
    SweepFiles.assertSameResults(local, spark);
    assertEquals(8, Files.readAllLines(spark.resolve("results.csv")).size() - 1);
  }

  @Test
  void standaloneClusterMatchesTheLocalExecutorBitwise() throws Exception {
    int port = freePort();
    String classPath = System.getProperty("java.class.path");
    List<String> opens = Arrays.asList(System.getProperty("spark.java.opens").split(" "));
    Path sparkHome = Files.createDirectories(tmp.resolve("spark-home"));
    List<Process> processes = new ArrayList<>();
    try {
      processes.add(
          start(
              opens,
              classPath,
              sparkHome,
              tmp.resolve("master.log"),
              "org.apache.spark.deploy.master.Master",
              "--host",
              "127.0.0.1",
              "--port",
              String.valueOf(port),
              "--webui-port",
              String.valueOf(freePort())));
      processes.add(
          start(
              opens,
              classPath,
              sparkHome,
              tmp.resolve("worker.log"),
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              "127.0.0.1",
              "--cores",
              "2",
              "--memory",
              "2g",
              "--webui-port",
              String.valueOf(freePort()),
              "--work-dir",
              Files.createDirectories(tmp.resolve("work")).toString(),
              "spark://127.0.0.1:" + port));
      System.setProperty("spark.driver.host", "127.0.0.1");
      System.setProperty("spark.executor.extraClassPath", classPath);
      System.setProperty(
          "spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector -Xss8m");
      System.setProperty("spark.executor.memory", "1g");
      Path cluster = tmp.resolve("spark-cluster");
      String out =
          SweepFiles.convnet(
              "sweep",
              SweepFiles.QUICK.toString(),
              "--executor",
              "spark",
              "--master",
              "spark://127.0.0.1:" + port,
              "--out",
              cluster.toString());
      assertTrue(out.contains("master spark://127.0.0.1:" + port), out);
      SweepFiles.assertSameResults(local, cluster);
      // The runs happened in the worker's executor JVM, which logged into its work folder.
      assertTrue(
          Files.list(tmp.resolve("work")).findAny().isPresent(), "the worker ran no application");
    } finally {
      for (String p :
          List.of(
              "spark.driver.host",
              "spark.executor.extraClassPath",
              "spark.executor.extraJavaOptions",
              "spark.executor.memory")) {
        System.clearProperty(p);
      }
      for (Process p : processes) {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private static Process start(
      List<String> opens, String classPath, Path sparkHome, Path log, String main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(opens);
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(classPath);
    command.add(main);
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // The worker builds its executors' command line from these (no Spark distribution here: the
    // executors get the test class path through spark.executor.extraClassPath).
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_TESTING", "1");
    return pb.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
