package convnet.runtime.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.autodiff.io.AtomicFiles;
import convnet.dsl.Diagnostics;
import convnet.dsl.SourceText;
import convnet.dsl.sweep.Sweep;
import convnet.dsl.sweep.Sweeps;
import convnet.dsl.sweep.Variant;
import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import convnet.runtime.model.Backend;
import convnet.runtime.run.RunFolder;
import convnet.runtime.see.SweepReport;
import convnet.runtime.train.TrainConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code convnet sweep} invocation: checks the sweep, creates (or reopens) its folder, runs
 * what is not done yet through an executor, and keeps {@code results.csv}, {@code table.md} and
 * {@code table.csv} up to date after every run.
 *
 * <p>The sweep folder holds {@code sweep.cnn} (the file as it was started, which a resume reads),
 * {@code sweep.json} (the settings that fix the results: data, kernel threads, backend), {@code
 * variants/} (each variant as an ordinary network file), {@code runs/} (one ordinary run folder per
 * run) and {@code outcomes/} (one JSON file per finished run, written last: a run without one is
 * not done, and a resume continues it from its checkpoint).
 */
public final class SweepRunner {
  /** Exit status of a sweep stopped before its last run, as after SIGINT. */
  public static final int EXIT_STOPPED = 130;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final boolean json;
  private final AtomicBoolean stop = new AtomicBoolean();

  /** A runner that reports progress on {@code out} (as JSON lines when {@code json}). */
  public SweepRunner(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /** Asks the sweep to stop: running runs checkpoint, the others do not start. */
  public void requestStop() {
    stop.set(true);
  }

  /**
   * How to run: executor name, runs at a time (null: the default), kernel threads per run (null:
   * 1), master URL.
   */
  public record Options(String executor, Integer workers, Integer threads, String master) {}

  /**
   * Checks a sweep file; the rendered diagnostics become a {@link UserError}. Warnings go to {@code
   * err}.
   */
  public static Sweep check(Path file, PrintWriter err) {
    byte[] bytes = read(file);
    String source;
    String name = file.toString();
    Sweeps.Result result;
    try {
      source = SourceText.decode(bytes, name);
    } catch (convnet.dsl.DslException e) {
      throw new UserError(
          e.diagnostics().render(new String(bytes, StandardCharsets.UTF_8)).stripTrailing());
    }
    result = Sweeps.check(source, name);
    Diagnostics d = result.diagnostics();
    if (!result.ok()) {
      int e = d.errors().size();
      throw new UserError(
          d.render(source).stripTrailing() + "\n" + e + " error" + (e == 1 ? "" : "s"));
    }
    if (!d.isEmpty() && err != null) {
      err.print(d.render(source));
      err.flush();
    }
    return result.sweep();
  }

  static byte[] read(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new UserError(file + ": is a folder, not a .cnn file");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (IOException e) {
      throw UserError.io(file, "read", e);
    }
  }

  /** The executor called {@code name}: local, or one found on the class path. */
  public static SweepExecutor executor(String name) {
    if (name.equals("local")) {
      return new LocalExecutor();
    }
    for (SweepExecutor e : ServiceLoader.load(SweepExecutor.class)) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    if (name.equals("spark")) {
      throw new UsageError(
          "--executor spark: the Spark executor is not on the class path; run ./convnet from the "
              + "repository (it builds and adds the spark module when --executor spark is given), or spark-submit the "
              + "spark module's jar (see the README)");
    }
    throw new UsageError("--executor " + name + ": expected local or spark");
  }

  /** Starts a new sweep of {@code file} in {@code dir} (null: a fresh folder under sweeps/). */
  public int start(Path file, Path dir, Options options, PrintWriter err) throws Exception {
    SweepExecutor executor = executor(options.executor());
    Sweep sweep = check(file, err);
    int threads = options.threads() == null ? 1 : options.threads();
    Path absolute = file.toAbsolutePath();
    String data =
        TrainConfig.dataSpec(sweep.variants().get(0).network().train(), absolute.getParent());
    Path folder =
        dir != null
            ? RunFolder.createAt(dir).dir()
            : RunFolder.createDefault(Path.of("sweeps"), sweep.name(), Clock.systemDefaultZone())
                .dir();
    byte[] bytes = read(file);
    AtomicFiles.writeBytes(folder.resolve("sweep.cnn"), bytes);
    ObjectNode settings = JSON.createObjectNode();
    settings.put("file", file.toString());
    settings.put("sha256", sha256(bytes));
    settings.put("data", data);
    settings.put("threads_per_run", threads);
    settings.put("backend", Backend.DEFAULT.keyword());
    settings.put("runs", sweep.runCount());
    RunFolder.writeJson(folder.resolve("sweep.json"), settings);
    return execute(folder, sweep, data, threads, Backend.DEFAULT, executor, options);
  }

  /** Continues the sweep in {@code dir}: finished runs are kept, the others resume or start. */
  public int resume(Path dir, Options options, PrintWriter err) throws Exception {
    SweepExecutor executor = executor(options.executor());
    if (!Files.isDirectory(dir)) {
      throw new UserError(dir + ": no such sweep folder");
    }
    if (!Files.isRegularFile(dir.resolve("sweep.json"))
        || !Files.isRegularFile(dir.resolve("sweep.cnn"))) {
      throw new UserError(dir + ": not a sweep folder (it has no sweep.json and sweep.cnn)");
    }
    JsonNode settings = RunFolder.readJson(dir.resolve("sweep.json"), JsonNode.class);
    if (!settings.hasNonNull("data")
        || !settings.path("threads_per_run").canConvertToInt()
        || settings.path("threads_per_run").asInt() < 1
        || !settings.hasNonNull("backend")) {
      throw new UserError(
          dir.resolve("sweep.json") + ": corrupt: it lacks data, threads_per_run or backend");
    }
    if (options.threads() != null && options.threads() != settings.get("threads_per_run").asInt()) {
      throw new UsageError(
          "--threads "
              + options.threads()
              + ": the sweep was started with "
              + settings.get("threads_per_run").asInt()
              + " kernel threads per run, which its results depend on bitwise");
    }
    Backend backend;
    try {
      backend = Backend.parse(settings.get("backend").asText());
    } catch (UserError e) {
      throw new UserError(dir.resolve("sweep.json") + ": " + e.getMessage(), e);
    }
    Sweep sweep = check(dir.resolve("sweep.cnn"), err);
    return execute(
        dir,
        sweep,
        settings.get("data").asText(),
        settings.get("threads_per_run").asInt(),
        backend,
        executor,
        options);
  }

  private int execute(
      Path folder,
      Sweep sweep,
      String data,
      int threads,
      Backend backend,
      SweepExecutor executor,
      Options options)
      throws Exception {
    SweepPlan plan = SweepPlan.of(sweep);
    Path abs = folder.toAbsolutePath().normalize();
    Files.createDirectories(abs.resolve("variants"));
    Files.createDirectories(abs.resolve("runs"));
    Files.createDirectories(abs.resolve("outcomes"));
    Map<String, RunOutcome> outcomes = readOutcomes(abs.resolve("outcomes"), plan);
    List<RunTask> todo = new ArrayList<>();
    int digits = Math.max(3, String.valueOf(sweep.variants().size()).length());
    for (SweepPlan.Run r : plan.runs()) {
      if (outcomes.containsKey(r.id())) {
        continue;
      }
      Variant v = r.variant();
      Path network =
          abs.resolve("variants")
              .resolve(String.format(Locale.ROOT, "v%0" + digits + "d.cnn", v.number()));
      todo.add(
          new RunTask(
              r.id(),
              v.number(),
              v.name(),
              r.protocolWritten(),
              r.protocol(),
              r.seed(),
              v.source(),
              network.toString(),
              abs.resolve("runs").resolve(r.id()).toString(),
              abs.toString(),
              data,
              sweep.limitTrain(),
              sweep.limitTest(),
              threads,
              backend));
    }
    int workers = options.workers() != null ? options.workers() : defaultWorkers(threads);
    Progress progress = new Progress(plan, outcomes, abs);
    String intro =
        "sweep "
            + sweep.name()
            + ": "
            + sweep.variants().size()
            + " variant"
            + (sweep.variants().size() == 1 ? "" : "s")
            + " x "
            + sweep.protocols().size()
            + " protocol"
            + (sweep.protocols().size() == 1 ? "" : "s")
            + " x "
            + sweep.seeds().size()
            + " seed"
            + (sweep.seeds().size() == 1 ? "" : "s")
            + " = "
            + plan.runs().size()
            + " runs ("
            + (plan.runs().size() - todo.size())
            + " already done) in "
            + abs
            + "\nexecutor "
            + executor.name()
            + (executor.name().equals("local")
                ? ", " + workers + " run" + (workers == 1 ? "" : "s") + " at a time"
                : options.master() != null ? ", master " + options.master() : "")
            + ", "
            + threads
            + " kernel thread"
            + (threads == 1 ? "" : "s")
            + " per run";
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      o.put("sweep", sweep.name());
      o.put("folder", abs.toString());
      o.put("runs", plan.runs().size());
      o.put("done", plan.runs().size() - todo.size());
      out.println(o);
    } else {
      out.println(intro);
    }
    out.flush();
    progress.write();
    Thread hook =
        new Thread(
            () -> {
              requestStop();
              try {
                executor.stopAll(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "convnet-sweep-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (!todo.isEmpty()) {
        executor.execute(
            todo,
            new SweepExecutor.Settings(workers, options.master(), "convnet sweep " + sweep.name()),
            progress);
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down (Ctrl-C): the hook is running.
      }
    }
    progress.write();
    if (progress.done() < plan.runs().size()) {
      String hint = "convnet sweep --resume " + folder;
      if (json) {
        ObjectNode o = JSON.createObjectNode();
        o.put("stopped", true);
        o.put("done", progress.done());
        o.put("runs", plan.runs().size());
        out.println(o);
      } else {
        out.println(
            "stopped with "
                + progress.done()
                + " of "
                + plan.runs().size()
                + " runs done; continue with:\n  "
                + hint);
      }
      out.flush();
      return EXIT_STOPPED;
    }
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      o.put("final", true);
      o.put("folder", abs.toString());
      o.put("ok", outcomes.values().stream().filter(RunOutcome::ok).count());
      o.put("runs", plan.runs().size());
      out.println(o);
    } else {
      out.println();
      out.print(ResultTables.tableMarkdown(plan, progress.snapshot()));
      out.println();
      out.println("results in " + abs.resolve("results.csv") + ", " + abs.resolve("table.md"));
    }
    out.flush();
    return 0;
  }

  /**
   * Runs at a time by default: one per core, each run's kernels on {@code threads} threads, since
   * independent runs need no synchronisation while one small network split across threads waits at
   * every kernel (the README gives the measurements).
   */
  static int defaultWorkers(int threads) {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
  }

  private static Map<String, RunOutcome> readOutcomes(Path dir, SweepPlan plan) throws IOException {
    Map<String, RunOutcome> outcomes = new TreeMap<>();
    List<String> ids = plan.runs().stream().map(SweepPlan.Run::id).toList();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        RunOutcome o = RunFolder.readJson(f, RunOutcome.class);
        if (o.id() == null
            || !ids.contains(o.id())
            || !f.getFileName().toString().equals(o.id() + ".json")) {
          throw new UserError(f + ": not an outcome of a run of this sweep");
        }
        outcomes.put(o.id(), o);
      }
    }
    return outcomes;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /** Counts runs, writes each outcome and the result files, and prints a line per finished run. */
  private final class Progress implements SweepExecutor.Listener {
    private final SweepPlan plan;
    private final Map<String, RunOutcome> outcomes;
    private final Path folder;
    private final long start = System.nanoTime();
    private final int doneAtStart;
    private int running;

    Progress(SweepPlan plan, Map<String, RunOutcome> outcomes, Path folder) {
      this.plan = plan;
      this.outcomes = outcomes;
      this.folder = folder;
      this.doneAtStart = outcomes.size();
    }

    synchronized int done() {
      return outcomes.size();
    }

    synchronized Map<String, RunOutcome> snapshot() {
      return new TreeMap<>(outcomes);
    }

    @Override
    public synchronized void started(RunTask task) {
      running++;
    }

    @Override
    public synchronized void finished(RunTask task, RunOutcome outcome) {
      running--;
      if (outcome == null) {
        return;
      }
      try {
        // The outcome is written last: with it on disk, the run is done for every later resume.
        RunFolder.writeJson(folder.resolve("outcomes").resolve(task.id() + ".json"), outcome);
        outcomes.put(task.id(), outcome);
        write();
      } catch (IOException e) {
        throw new UserError(folder + ": cannot write the results: " + UserError.reason(e), e);
      }
      int done = outcomes.size();
      int left = plan.runs().size() - done;
      double elapsed = (System.nanoTime() - start) / 1e9;
      int thisSession = done - doneAtStart;
      double remaining = thisSession == 0 ? Double.NaN : elapsed / thisSession * left;
      if (json) {
        ObjectNode o = JSON.createObjectNode();
        o.put("run", task.id());
        o.put("variant", task.variantName());
        o.put("protocol", task.protocol());
        o.put("seed", task.seed());
        o.put("status", outcome.status());
        if (outcome.ok()) {
          o.put("final_test_accuracy", outcome.finalTestAccuracy());
        } else {
          o.put("reason", outcome.reason());
        }
        o.put("seconds", outcome.seconds());
        o.put("done", done);
        o.put("running", running);
        o.put("left", left);
        o.put("seconds_left", Double.isNaN(remaining) ? 0 : Math.round(remaining));
        out.println(o);
      } else {
        String result =
            outcome.ok()
                ? String.format(Locale.ROOT, "%.2f%%", 100 * outcome.finalTestAccuracy())
                : outcome.status() + ": " + outcome.reason();
        out.printf(
            Locale.ROOT,
            "[%d/%d done, %d running, %d left, ~%s left] %s  %s, %s, seed %d: %s (%.1f s)%n",
            done,
            plan.runs().size(),
            running,
            left - running,
            clock(remaining),
            task.id(),
            task.variantName(),
            task.protocol(),
            task.seed(),
            result,
            outcome.seconds());
      }
      out.flush();
    }

    @Override
    public boolean stopRequested() {
      return stop.get();
    }

    synchronized void write() throws IOException {
      AtomicFiles.writeString(
          folder.resolve("results.csv"), ResultTables.resultsCsv(plan, outcomes));
      AtomicFiles.writeString(
          folder.resolve("table.md"), ResultTables.tableMarkdown(plan, outcomes));
      AtomicFiles.writeString(folder.resolve("table.csv"), ResultTables.tableCsv(plan, outcomes));
      // report.html: every finished run as in results.csv, each linked to its own run report.
      List<List<String>> rows = ResultTables.resultRows(plan, outcomes);
      List<SweepReport.Row> reportRows = new ArrayList<>();
      for (List<String> cells : rows.subList(1, rows.size())) {
        reportRows.add(new SweepReport.Row(cells, "runs/" + cells.get(0)));
      }
      SweepReport.write(folder, "Sweep " + plan.sweep().name(), rows.get(0), reportRows);
    }

    private String clock(double seconds) {
      if (Double.isNaN(seconds)) {
        return "?";
      }
      long s = Math.round(seconds);
      return s >= 3600
          ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
          : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
  }
}
