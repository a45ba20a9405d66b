package convnet.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import convnet.runtime.errors.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch peer of {@code bench --compare-torch}: the project's {@code torch_peer.py} run by a
 * Python with PyTorch as a child process that times B1–B5 on request, one request per round, so
 * that its timings interleave with ours instead of coming from a run minutes apart.
 */
final class TorchPeer implements AutoCloseable {
  /** The script, shipped in the jar and written to a temporary file for Python to run. */
  static final String SCRIPT = "torch_peer.py";

  /** What to install when PyTorch is missing (Debian's build, the one the peer was written for). */
  static final String INSTALL_HINT =
      "install Debian's PyTorch: apt-get install -y python3-torch libopenblas0-openmp";

  /**
   * One answer of the peer: images per second of a training step and of inference, and the foreign
   * load seen.
   */
  record Rate(String id, int batch, double train, double inference, double foreignLoad) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path script;
  private final Path log;
  private final BufferedReader out;
  private final Writer in;
  private final String python;

  /** The peer's own description: PyTorch version and threads. */
  final String version;

  private TorchPeer(Process process, Path script, Path log, String python) throws IOException {
    this.process = process;
    this.script = script;
    this.log = log;
    this.python = python;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    JsonNode ready = readAnswer("starting");
    this.version =
        "PyTorch "
            + ready.path("torch").asText("?")
            + ", "
            + ready.path("threads").asInt()
            + " threads";
  }

  /**
   * Starts the peer with {@code python}; a Python that cannot be run or has no PyTorch is a {@link
   * UserError} saying what to install.
   */
  static TorchPeer start(
      String python, int threads, String lcn, double minTime, double warmup, boolean quiet) {
    Path script = null;
    Path log = null;
    try {
      script = Files.createTempFile("convnet-torch-peer", ".py");
      log = Files.createTempFile("convnet-torch-peer", ".log");
      try (InputStream s = TorchPeer.class.getResourceAsStream(SCRIPT)) {
        if (s == null) {
          throw new IllegalStateException(SCRIPT + " is missing from the jar");
        }
        Files.write(script, s.readAllBytes());
      }
      List<String> command =
          new ArrayList<>(
              List.of(
                  python,
                  script.toString(),
                  "--serve",
                  "--threads",
                  Integer.toString(threads),
                  "--lcn",
                  lcn,
                  "--min-time",
                  Double.toString(minTime),
                  "--warmup",
                  Double.toString(warmup)));
      if (!quiet) {
        command.add("--no-quiet");
      }
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.redirectError(log.toFile());
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new UserError(
            "--compare-torch: cannot run "
                + python
                + " ("
                + e.getMessage()
                + "); it needs a Python"
                + " with PyTorch: "
                + INSTALL_HINT
                + ", or give another with --python");
      }
      try {
        return new TorchPeer(p, script, log, python);
      } catch (IOException | RuntimeException e) {
        p.destroyForcibly();
        throw e;
      }
    } catch (IOException e) {
      deleteQuietly(script);
      deleteQuietly(log);
      throw new UserError("--compare-torch: cannot start the PyTorch peer: " + e.getMessage());
    } catch (RuntimeException e) {
      // The constructor failed after the process started (no PyTorch, a crash): leave nothing
      // behind.
      deleteQuietly(script);
      deleteQuietly(log);
      throw e;
    }
  }

  /** One timed round of network {@code id} (B1..B5) at {@code batch} images. */
  Rate measure(String id, int batch) {
    try {
      in.write(id + " " + batch + "\n");
      in.flush();
    } catch (IOException e) {
      throw failure("stopped answering (" + e.getMessage() + ")");
    }
    return parse(readAnswer(id).toString());
  }

  /**
   * Reads one answer line of the peer: its {@code {"error": ...}} (PyTorch missing, bad request)
   * and an early exit become a {@link UserError}.
   */
  private JsonNode readAnswer(String what) {
    String line;
    try {
      line = out.readLine();
    } catch (IOException e) {
      throw failure("could not be read while " + what + " (" + e.getMessage() + ")");
    }
    if (line == null) {
      throw failure("ended while " + what);
    }
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw failure("printed '" + line + "' instead of a JSON answer");
    }
    if (node.has("error")) {
      String error = node.get("error").asText();
      if (error.contains("not importable")) {
        throw new UserError(
            "--compare-torch: "
                + python
                + ": "
                + error
                + "; "
                + INSTALL_HINT
                + ", or give a Python with PyTorch with --python");
      }
      throw failure("answered: " + error);
    }
    return node;
  }

  private UserError failure(String what) {
    String tail = logTail();
    return new UserError(
        "--compare-torch: the PyTorch peer ("
            + python
            + ") "
            + what
            + (tail.isEmpty() ? "" : "; its last messages:\n" + tail));
  }

  private String logTail() {
    try {
      if (process.isAlive()) {
        process.waitFor(2, TimeUnit.SECONDS);
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size())).strip();
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  /**
   * Parses one answer of the peer ({@code {"id": "B5", "batch": 64, "train_images_per_s": ...,
   * "inference_images_per_s": ..., "foreign_load": ...}}); anything else is an {@link
   * IllegalArgumentException} naming what is wrong.
   */
  static Rate parse(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + line);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object: " + line);
    }
    String id = text(node, "id");
    double train = positive(node, "train_images_per_s");
    double inference = positive(node, "inference_images_per_s");
    JsonNode batch = node.get("batch");
    if (batch == null || !batch.canConvertToInt() || batch.asInt() < 1) {
      throw new IllegalArgumentException("no positive 'batch' in " + line);
    }
    JsonNode load = node.get("foreign_load");
    return new Rate(
        id, batch.asInt(), train, inference, load != null && load.isNumber() ? load.asDouble() : 0);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("no text '" + field + "' in " + node);
    }
    return v.asText();
  }

  private static double positive(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
      throw new IllegalArgumentException("no positive number '" + field + "' in " + node);
    }
    return v.asDouble();
  }

  /**
   * The peer's name (B1..B5) of a benchmark network, from its name in the file ({@code network b5 {
   * ... }}); empty for a network the peer does not have.
   */
  static Optional<String> peerId(String networkName) {
    String n = networkName.toLowerCase(Locale.ROOT);
    return n.matches("b[1-5]") ? Optional.of(n.toUpperCase(Locale.ROOT)) : Optional.empty();
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // The peer is gone already; nothing to tell it.
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteQuietly(script);
    deleteQuietly(log);
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // A temporary file left behind is harmless.
      }
    }
  }
}
