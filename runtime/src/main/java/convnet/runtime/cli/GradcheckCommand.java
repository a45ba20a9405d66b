package convnet.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.autodiff.check.GradientCheck;
import convnet.autodiff.check.GradientCheckReport;
import convnet.autodiff.check.GradientCheckReport.TensorSummary;
import convnet.autodiff.check.Tolerance;
import convnet.runtime.errors.UsageError;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.model.RandomGradientCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convnet gradcheck}: symbolic gradients against finite differences, for a file or random
 * architectures.
 */
@Command(
    name = "gradcheck",
    header = "Check symbolic gradients against finite differences.",
    mixinStandardHelpOptions = true,
    description = {
      "Check every parameter's symbolic gradient (and the input's) against central",
      "finite differences of the loss, in float64, at batch 2: along 3 random",
      "directions and at up to 8 sampled coordinates per tensor. A probe passes",
      "when |numeric - symbolic| <= 1e-5 + 1e-3*|numeric|; one that straddles a",
      "kink (relu, abs, max) is retried with 10x and 100x smaller steps.",
      "",
      "  convnet gradcheck FILE [--seed N] [--json] [--batch N] [--probes N]",
      "                   [--tensors NAME[,NAME...]]",
      "      weights from 'convnet init' with seed N, standard normal images and",
      "      random labels from the same seed; a table per parameter. Progress and",
      "      an estimate of the time left go to stderr; large networks take",
      "      minutes, so choose fewer tensors or probes, or a smaller batch.",
      "  convnet gradcheck --random N [--seed S]",
      "      N random architectures (every layer kind occurs), seeds S..S+N-1; a",
      "      failing one is shrunk to a minimal .cnn and printed with its seed.",
      "",
      "Exit status 1 when any check fails."
    })
public final class GradcheckCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "the .cnn file")
  Path file;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "seed of weights, data and probes (default: 1)")
  long seed;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Option(
      names = "--random",
      paramLabel = "N",
      description = "check N random architectures instead of a file")
  Integer random;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "images per check (default: " + RandomGradientCheck.BATCH + ")")
  Integer batch;

  @Option(
      names = "--probes",
      paramLabel = "N",
      description = "sampled coordinates per tensor, besides the 3 random directions (default: 8)")
  Integer probes;

  @Option(
      names = "--tensors",
      paramLabel = "NAME[,NAME...]",
      split = ",",
      description = "check only these tensors (parameter names such as L1_conv.weight, or input)")
  List<String> tensors;

  private static final int BATCH = RandomGradientCheck.BATCH;

  /** Seconds between two progress lines while one tensor is being probed. */
  private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

  @Override
  public Integer call() throws Exception {
    return OutOfMemory.guard("checking gradients", this::work);
  }

  private Integer work() {
    if ((file == null) == (random == null)) {
      throw new UsageError("give either a FILE or --random N");
    }
    if (random != null) {
      if (json) {
        throw new UsageError("--json is for a FILE; --random prints its progress as text");
      }
      if (random < 1) {
        throw new UsageError("--random needs at least 1 architecture, not " + random);
      }
      if (batch != null || tensors != null) {
        throw new UsageError(
            (batch != null ? "--batch" : "--tensors") + " is for a FILE; --random picks its own");
      }
      return randomArchitectures();
    }
    BatchFlag.checkPositive(batch);
    Tolerance tolerance = tolerance();
    if (tensors != null && (tensors.isEmpty() || tensors.stream().anyMatch(String::isBlank))) {
      throw new UsageError(
          "--tensors needs names separated by commas, such as L1_conv.weight,input");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    NetworkModel model = NetworkModel.load(file, err);
    BatchFlag.check(batch, model);
    int n = batch != null ? batch : BATCH;
    if (tensors != null) {
      List<String> known = GradientCheck.tensorNames(model.gradientFunction(n));
      for (String t : tensors) {
        if (!known.contains(t)) {
          throw new UsageError(
              "--tensors: network '"
                  + model.network().name()
                  + "' has no tensor '"
                  + t
                  + "'; its tensors are "
                  + String.join(", ", known));
        }
      }
    }
    GradientCheckReport result =
        RandomGradientCheck.check(
            model,
            n,
            seed,
            tolerance,
            new GradientCheck.Options(tensors, true, new ProgressLines(err)));
    out.print(json ? json(file.toString(), n, result) : table(n, result));
    out.flush();
    return result.passed() ? 0 : Main.EXIT_USER_ERROR;
  }

  /** The standard tolerance with {@code --probes} coordinates per tensor when given. */
  private Tolerance tolerance() {
    Tolerance t = Tolerance.standard();
    if (probes == null) {
      return t;
    }
    if (probes < 0) {
      throw new UsageError("--probes must be 0 or more (coordinates per tensor), got " + probes);
    }
    return new Tolerance(t.atol(), t.rtol(), t.epsilon(), t.directions(), probes);
  }

  /**
   * Progress on stderr (stdout keeps only the table): a line when the probes start, when each
   * tensor starts, and every few seconds in between, each with the probes done and an estimate of
   * the time left.
   */
  static final class ProgressLines implements GradientCheck.Listener {
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long probesStart;
    private long lastLine;
    private String tensor;

    ProgressLines(PrintWriter err) {
      this.err = err;
      err.println("gradcheck: evaluating the symbolic gradients in float64...");
      err.flush();
    }

    @Override
    public void probesStarting(int total) {
      probesStart = System.nanoTime();
      lastLine = probesStart;
      err.printf(
          Locale.ROOT,
          "gradcheck: symbolic gradients took %s; %d probes to go, each 2 to 6 loss evaluations%n",
          duration(probesStart - start),
          total);
      err.flush();
    }

    @Override
    public void probeDone(String name, int done, int total) {
      long now = System.nanoTime();
      boolean newTensor = !name.equals(tensor);
      tensor = name;
      if (newTensor || now - lastLine >= PROGRESS_EVERY_NANOS || done == total) {
        lastLine = now;
        long left = (now - probesStart) / done * (total - done);
        err.printf(
            Locale.ROOT,
            "gradcheck: %s, %d of %d probes done, about %s left%n",
            name,
            done,
            total,
            duration(left));
        err.flush();
      }
    }

    /** 45s, 3m05s or 1h02m. */
    static String duration(long nanos) {
      long s = Math.round(nanos / 1e9);
      if (s < 60) {
        return s + "s";
      }
      if (s < 3600) {
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
      }
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
  }

  private int randomArchitectures() {
    PrintWriter out = spec.commandLine().getOut();
    int failed = 0;
    for (int i = 0; i < random; i++) {
      long s = seed + i;
      out.print(String.format(Locale.ROOT, "[%d/%d] architecture seed %d: ", i + 1, random, s));
      out.flush();
      RandomGradientCheck.Outcome o = RandomGradientCheck.run(s, tolerance());
      List<TensorSummary> r = o.result().tensors();
      double worst = r.stream().mapToDouble(TensorSummary::maxAbsError).max().orElse(0);
      if (o.passed()) {
        out.println(
            String.format(Locale.ROOT, "ok (%d tensors, max |difference| %.2e)", r.size(), worst));
      } else {
        failed++;
        out.println("FAILED");
        out.print(indent(o.result().failureText()));
        out.println("  minimal failing network (seed " + s + "):");
        out.print(indent(o.shrunk()));
      }
      out.flush();
    }
    out.println(
        failed == 0
            ? "all " + random + " architectures passed"
            : failed + " of " + random + " architectures FAILED");
    out.flush();
    return failed == 0 ? 0 : Main.EXIT_USER_ERROR;
  }

  private static String indent(String text) {
    StringBuilder sb = new StringBuilder();
    text.lines().forEach(l -> sb.append("    ").append(l).append('\n'));
    return sb.toString();
  }

  static String table(int batch, GradientCheckReport r) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {"tensor", "shape", "probes", "max abs error", "max rel error", "result"});
    for (TensorSummary p : r.tensors()) {
      rows.add(
          new String[] {
            p.name(),
            p.shape().toString(),
            Integer.toString(p.probes()),
            sci(p.maxAbsError()),
            sci(p.maxRelError()),
            p.passed() ? "ok" : "FAIL"
          });
    }
    int[] width = new int[6];
    for (String[] row : rows) {
      for (int i = 0; i < 6; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    Tolerance t = r.tolerance();
    sb.append(
        String.format(
            Locale.ROOT,
            "gradient check, float64, batch %d, seed %d, |num - sym| <= %s + %s*|num|%n",
            batch,
            r.seed(),
            t.atol(),
            t.rtol()));
    for (int k = 0; k < rows.size(); k++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        String cell = rows.get(k)[i];
        String pad = " ".repeat(width[i] - cell.length());
        line.append(i >= 2 && i <= 4 ? pad + cell : cell + pad).append("  ");
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    if (r.passed()) {
      sb.append("all ").append(r.tensors().size()).append(" tensors passed\n");
    } else {
      sb.append("FAILED:\n");
      r.failureText().lines().forEach(l -> sb.append("  ").append(l).append('\n'));
    }
    return sb.toString();
  }

  private static String sci(double v) {
    return String.format(Locale.ROOT, "%.2e", v);
  }

  static String json(String file, int batch, GradientCheckReport r) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("file", file);
    root.put("seed", r.seed());
    root.put("batch", batch);
    root.put("precision", "f64");
    ObjectNode tol = root.putObject("tolerance");
    tol.put("atol", r.tolerance().atol());
    tol.put("rtol", r.tolerance().rtol());
    tol.put("epsilon", r.tolerance().epsilon());
    root.put("passed", r.passed());
    ArrayNode params = root.putArray("parameters");
    for (TensorSummary p : r.tensors()) {
      ObjectNode o = params.addObject();
      o.put("name", p.name());
      ArrayNode shape = o.putArray("shape");
      for (int d : p.shape().dims()) {
        shape.add(d);
      }
      o.put("probes", p.probes());
      number(o, "maxAbsError", p.maxAbsError());
      number(o, "maxRelError", p.maxRelError());
      o.put("passed", p.passed());
      ObjectNode worst = o.putObject("worst");
      worst.put("where", p.worst().where());
      number(worst, "numeric", p.worst().numeric());
      number(worst, "symbolic", p.worst().symbolic());
    }
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** JSON has no NaN or infinity: those are written as null. */
  private static void number(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }
}
