package convnet.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import convnet.autodiff.check.Tolerance;
import convnet.runtime.model.GradientAudit;
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

/** {@code convnet gradcheck}: symbolic gradients against finite differences, for a file or random architectures. */
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
      "  convnet gradcheck FILE [--seed N] [--json]",
      "      weights from 'convnet init' with seed N, standard normal images and",
      "      random labels from the same seed; a table per parameter.",
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

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "seed of weights, data and probes (default: 1)")
  long seed;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Option(names = "--random", paramLabel = "N", description = "check N random architectures instead of a file")
  Integer random;

  private static final int BATCH = RandomGradientCheck.BATCH;

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
      return randomArchitectures();
    }
    PrintWriter out = spec.commandLine().getOut();
    NetworkModel model = NetworkModel.load(file, spec.commandLine().getErr());
    GradientAudit.Result result = GradientAudit.check(model, BATCH, seed, Tolerance.standard());
    out.print(json ? json(file.toString(), result) : table(result));
    out.flush();
    return result.passed() ? 0 : Main.EXIT_USER_ERROR;
  }

  private int randomArchitectures() {
    PrintWriter out = spec.commandLine().getOut();
    int failed = 0;
    for (int i = 0; i < random; i++) {
      long s = seed + i;
      out.print(String.format(Locale.ROOT, "[%d/%d] architecture seed %d: ", i + 1, random, s));
      out.flush();
      RandomGradientCheck.Outcome o = RandomGradientCheck.run(s, Tolerance.standard());
      GradientAudit.Result r = o.result();
      double worst = r.params().stream().mapToDouble(GradientAudit.ParamResult::maxAbsError).max().orElse(0);
      if (o.passed()) {
        out.println(String.format(Locale.ROOT, "ok (%d tensors, max |difference| %.2e)", r.params().size(), worst));
      } else {
        failed++;
        out.println("FAILED");
        out.print(indent(r.failureText()));
        out.println("  minimal failing network (seed " + s + "):");
        out.print(indent(o.shrunk()));
      }
      out.flush();
    }
    out.println(failed == 0 ? "all " + random + " architectures passed"
        : failed + " of " + random + " architectures FAILED");
    out.flush();
    return failed == 0 ? 0 : Main.EXIT_USER_ERROR;
  }

  private static String indent(String text) {
    StringBuilder sb = new StringBuilder();
    text.lines().forEach(l -> sb.append("    ").append(l).append('\n'));
    return sb.toString();
  }

  static String table(GradientAudit.Result r) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"tensor", "shape", "probes", "max abs error", "max rel error", "result"});
    for (GradientAudit.ParamResult p : r.params()) {
      rows.add(new String[] {p.name(), p.shape().toString(), Integer.toString(p.probes()), sci(p.maxAbsError()),
          sci(p.maxRelError()), p.passed() ? "ok" : "FAIL"});
    }
    int[] width = new int[6];
    for (String[] row : rows) {
      for (int i = 0; i < 6; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    Tolerance t = r.tolerance();
    sb.append(String.format(Locale.ROOT, "gradient check, float64, batch %d, seed %d, |num - sym| <= %s + %s*|num|%n",
        r.batch(), r.seed(), t.atol(), t.rtol()));
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
      sb.append("all ").append(r.params().size()).append(" tensors passed\n");
    } else {
      sb.append("FAILED:\n");
      r.failureText().lines().forEach(l -> sb.append("  ").append(l).append('\n'));
    }
    return sb.toString();
  }

  private static String sci(double v) {
    return String.format(Locale.ROOT, "%.2e", v);
  }

  static String json(String file, GradientAudit.Result r) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("file", file);
    root.put("seed", r.seed());
    root.put("batch", r.batch());
    root.put("precision", "f64");
    ObjectNode tol = root.putObject("tolerance");
    tol.put("atol", r.tolerance().atol());
    tol.put("rtol", r.tolerance().rtol());
    tol.put("epsilon", r.tolerance().epsilon());
    root.put("passed", r.passed());
    ArrayNode params = root.putArray("parameters");
    for (GradientAudit.ParamResult p : r.params()) {
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
      worst.put("where", p.worstWhere());
      number(worst, "numeric", p.worstNumeric());
      number(worst, "symbolic", p.worstSymbolic());
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
