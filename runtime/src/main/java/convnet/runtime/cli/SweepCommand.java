package convnet.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.dsl.sweep.Sweep;
import convnet.dsl.sweep.Variant;
import convnet.runtime.errors.UsageError;
import convnet.runtime.sweep.SweepPlan;
import convnet.runtime.sweep.SweepRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convnet sweep FILE}: runs every variant × protocol × seed of a sweep and tabulates the
 * results.
 */
@Command(
    name = "sweep",
    header = "Run every variant of a sweep; compare them in one table.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a sweep: every variant of a network (a 'sweep NAME { ... }' file, see the",
      "README) under each protocol and seed, as ordinary training runs, and compare",
      "them in one table.",
      "",
      "Every variant is checked (shapes, counts) before anything runs. The sweep",
      "folder (sweeps/<name>-<date>-<time> unless --out is given) gets one run folder",
      "per run under runs/, results.csv (one row per run: final and best test",
      "accuracy, losses, epochs, status and reason, seconds), and table.md/table.csv",
      "(rows x columns, mean +- standard deviation over seeds, the best cell of each",
      "row marked). A run that diverges or fails is recorded with its reason, shown",
      "in its cell and never averaged; the sweep goes on.",
      "",
      "--executor local (the default) runs the runs in this JVM, by default one run",
      "per core with one kernel thread each (independent runs need no synchronisation;",
      "see the README for measurements). --executor spark runs each run",
      "as an Apache Spark task: embedded local[N] (N = --workers, default every core)",
      "or the cluster at --master URL. Results are bitwise the same whichever executor",
      "and however many workers ran them (the kernel threads per run are fixed when",
      "the sweep starts, since a reduction's bits depend on them).",
      "",
      "Ctrl-C or a kill stops the sweep; --resume DIR keeps finished runs, resumes",
      "the others from their checkpoints and ends with the same results.",
      ""
    },
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {
      "0:every run ended (ok, diverged or failed: see results.csv)",
      "1:error in the sweep file, its variants, or a sweep folder",
      "2:bad usage",
      "130:stopped (Ctrl-C); continue with --resume"
    })
public final class SweepCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "The sweep (.cnn file).")
  Path file;

  @Option(
      names = "--list",
      description = "Check the sweep and print every variant in paper notation; run nothing.")
  boolean list;

  @Option(names = "--executor", paramLabel = "E", description = "local (default) or spark.")
  String executor = "local";

  @Option(
      names = "--workers",
      paramLabel = "N",
      description =
          "Runs at a time: local, default one per core divided by --threads; spark, the N of local[N] "
              + "when no --master is given (default: every core).")
  Integer workers;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Kernel threads per run (default 1). Fixed for the whole sweep: results depend on it bitwise.")
  Integer threads;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "Spark master URL (spark://HOST:7077, local[N], yarn, ...); only with --executor spark.")
  String master;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Sweep folder to create (must be absent or empty).")
  Path out;

  @Option(names = "--resume", paramLabel = "DIR", description = "Continue the sweep in DIR.")
  Path resume;

  @Option(
      names = "--json",
      description =
          "Print one JSON object per finished run and a last one with \"final\": true "
              + "(with --list: the variants as JSON).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!executor.equals("local") && !executor.equals("spark")) {
      throw new UsageError("--executor must be local or spark, not '" + executor + "'");
    }
    if (workers != null && workers < 1) {
      throw new UsageError("--workers must be at least 1, not " + workers);
    }
    if (threads != null && threads < 1) {
      throw new UsageError("--threads must be at least 1, not " + threads);
    }
    if (master != null && !executor.equals("spark")) {
      throw new UsageError("--master is for --executor spark");
    }
    if (resume != null && (file != null || out != null || list)) {
      throw new UsageError(
          "--resume DIR continues the sweep saved in DIR: give no FILE, --out or --list with it");
    }
    if (resume == null && file == null) {
      throw new UsageError("missing FILE (or --resume DIR)");
    }
    if (list) {
      Sweep sweep = SweepRunner.check(file, err);
      stdout.print(json ? listJson(sweep) : list(sweep));
      stdout.flush();
      return 0;
    }
    SweepRunner runner = new SweepRunner(stdout, json);
    SweepRunner.Options options = new SweepRunner.Options(executor, workers, threads, master);
    return resume != null
        ? runner.resume(resume, options, err)
        : runner.start(file, out, options, err);
  }

  /** Each variant: number, name, stages in paper notation, parameters; then the runs. */
  static String list(Sweep sweep) {
    StringBuilder b = new StringBuilder();
    SweepPlan plan = SweepPlan.of(sweep);
    b.append(
        String.format(
            Locale.ROOT,
            "sweep %s: %d variant%s x %d protocol%s (%s) x %d seed%s = %d runs%n",
            sweep.name(),
            sweep.variants().size(),
            sweep.variants().size() == 1 ? "" : "s",
            sweep.protocols().size(),
            sweep.protocols().size() == 1 ? "" : "s",
            String.join(", ", sweep.protocols()),
            sweep.seeds().size(),
            sweep.seeds().size() == 1 ? "" : "s",
            plan.runs().size()));
    for (Variant v : sweep.variants()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%nv%d  %s  (%s parameters)%n",
              v.number(),
              v.name(),
              String.format(Locale.ROOT, "%,d", v.network().totalParameters())));
      for (String line : lines(v)) {
        b.append("    ").append(line).append('\n');
      }
    }
    return b.toString();
  }

  /** The input and the stage lines of a variant, in paper notation. */
  private static java.util.List<String> lines(Variant v) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    String source = v.source();
    boolean inNetwork = false;
    int depth = 0;
    for (String line : source.split("\n")) {
      if (line.startsWith("network ")) {
        inNetwork = true;
        continue;
      }
      if (!inNetwork) {
        continue;
      }
      String t = line.strip();
      if (t.startsWith("train {")) {
        depth++;
        continue;
      }
      if (t.equals("}")) {
        if (depth == 0) {
          break;
        }
        depth--;
        continue;
      }
      if (depth == 0) {
        lines.add(t);
      }
    }
    return lines;
  }

  private static String listJson(Sweep sweep) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("sweep", sweep.name());
    ArrayNode protocols = root.putArray("protocols");
    sweep.protocols().forEach(protocols::add);
    ArrayNode seeds = root.putArray("seeds");
    sweep.seeds().forEach(seeds::add);
    root.put("runs", sweep.runCount());
    ArrayNode variants = root.putArray("variants");
    for (Variant v : sweep.variants()) {
      ObjectNode o = variants.addObject();
      o.put("number", v.number());
      o.put("name", v.name());
      ObjectNode valueMap = o.putObject("values");
      for (int i = 0; i < sweep.axes().size(); i++) {
        valueMap.put(
            sweep.axes().get(i).name(), sweep.axes().get(i).labels().get(v.choices().get(i)));
      }
      ArrayNode lines = o.putArray("lines");
      lines(v).forEach(lines::add);
      o.put("parameters", v.network().totalParameters());
      o.put("conv_stages", v.convStages());
      o.put("source", v.source());
    }
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }
}
