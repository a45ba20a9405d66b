package convnet.dsl;

import convnet.autodiff.optim.Adam;
import convnet.autodiff.optim.Sgd;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a {@code train { ... }} block into a {@link TrainSpec}, reporting every bad setting. */
final class TrainReader {
  private static final String LR_WHY =
      "every weight moves by up to lr times its gradient (Adam: by lr itself) per"
          + " step; above 10 training diverges for any network (usual rates: 1e-4 to 0.1)";
  private static final String WD_WHY =
      "weight decay adds wd*x to each gradient; above 1 it outweighs the loss (usual"
          + " values: 1e-5 to 1e-3)";

  private final List<Diagnostic> out;
  private final int convStages;

  /**
   * The network file's folder when the data must be available here; null to leave the data
   * unchecked.
   */
  private final java.nio.file.Path dataBase;

  TrainReader(List<Diagnostic> out, int convStages, java.nio.file.Path dataBase) {
    this.out = out;
    this.convStages = convStages;
    this.dataBase = dataBase;
  }

  private void error(SourcePos p, String message, String hint) {
    out.add(Diagnostic.error(p, message, hint));
  }

  TrainSpec read(Item.Train block) {
    TrainSpec d = TrainSpec.defaults(convStages);
    if (block == null) {
      return d;
    }
    String data = d.data();
    boolean dataIsPath = false;
    List<TrainSpec.StageProtocol> protocol = d.protocol();
    int epochs = d.epochs();
    int batch = d.batch();
    TrainSpec.Optimizer optimizer = d.optimizer();
    TrainSpec.Schedule schedule = d.schedule();
    List<TrainSpec.Augmentation> augment = d.augment();
    long seed = d.seed();
    TrainSpec.Preprocess preprocess = d.preprocess();
    TrainSpec.Pretrain pretrain = d.pretrain();
    Map<String, Setting> seen = new HashMap<>();
    for (Setting s : block.settings()) {
      if (!Checker.TRAIN_KEYS.contains(s.key())) {
        String hint = DidYouMean.hint(s.key(), Checker.TRAIN_KEYS);
        error(
            s.pos(),
            "unknown train setting '" + s.key() + "'",
            hint != null ? hint : "settings are " + String.join(", ", Checker.TRAIN_KEYS));
        continue;
      }
      Setting first = seen.putIfAbsent(s.key(), s);
      if (first != null) {
        error(
            s.pos(),
            "train setting '" + s.key() + "' is given twice",
            "first given at " + first.pos().line() + ":" + first.pos().col());
        continue;
      }
      Value v = s.value();
      switch (s.key()) {
        case "data" -> {
          if (v instanceof Value.Str str) {
            if (str.text().isBlank()) {
              error(v.pos(), "data path is empty", null);
            } else {
              data = str.text();
              dataIsPath = true;
              String[] why =
                  dataBase == null ? null : DataNames.unavailablePath(str.text(), dataBase);
              if (why != null) {
                error(v.pos(), why[0], why[1]);
              }
            }
          } else {
            String name =
                v instanceof Value.Ident i
                    ? i.name()
                    : v instanceof Value.Dashed dd ? dd.text() : null;
            if (name == null || !Checker.DATA_SETS.contains(name)) {
              String found = Printer.value(v);
              String hint = DidYouMean.hint(found, Checker.DATA_SETS);
              error(
                  v.pos(),
                  "unknown data set '" + found + "'",
                  hint != null
                      ? hint
                      : "known data sets: "
                          + String.join(", ", Checker.DATA_SETS)
                          + "; or a path in double quotes");
            } else {
              data = name;
              String[] why = dataBase == null ? null : DataNames.unavailable(name);
              if (why != null) {
                error(v.pos(), why[0], why[1]);
              }
            }
          }
        }
        case "protocol" -> protocol = protocol(v);
        case "epochs" ->
            epochs =
                ArgReader.integerOf(
                    v,
                    "epochs",
                    1,
                    1_000_000,
                    out,
                    epochs,
                    "a run makes at least one pass over the data; a million is beyond any schedule");
        case "batch" ->
            batch =
                ArgReader.integerOf(
                    v,
                    "batch",
                    1,
                    1 << 16,
                    out,
                    batch,
                    "a step takes at least one image; 65,536 images of even 28x28 fill gigabytes per layer");
        case "seed" ->
            seed =
                ArgReader.integerOf(
                    v,
                    "seed",
                    0,
                    Integer.MAX_VALUE,
                    out,
                    1,
                    "seeds are whole numbers from 0 to 2^31-1");
        case "optimizer" -> optimizer = optimizer(v, optimizer);
        case "schedule" -> schedule = schedule(v, schedule);
        case "augment" -> augment = augment(v);
        case "preprocess" -> preprocess = preprocess(v);
        case "pretrain" -> pretrain = pretrain(v, pretrain);
        default -> throw new IllegalStateException("train key " + s.key());
      }
    }
    return new TrainSpec(
        data,
        dataIsPath,
        protocol,
        epochs,
        batch,
        optimizer,
        schedule,
        augment,
        seed,
        preprocess,
        pretrain);
  }

  /** {@code psd(lambda=..., alpha=..., epochs=..., steps=..., lr=...)}, each argument optional. */
  private TrainSpec.Pretrain pretrain(Value v, TrainSpec.Pretrain dflt) {
    String kind =
        v instanceof Value.Ident i ? i.name() : v instanceof Value.Call c ? c.name() : null;
    if (!"psd".equals(kind)) {
      error(
          v.pos(),
          "pretrain must be psd(lambda=..., alpha=..., epochs=..., steps=..., lr=...), found '"
              + Printer.value(v)
              + "'",
          "predictive sparse decomposition is the one unsupervised method");
      return dflt;
    }
    List<Arg> args = v instanceof Value.Call c ? c.args() : List.of();
    ArgReader a =
        new ArgReader(
            "'psd'", v.pos(), args, List.of("lambda", "alpha", "epochs", "steps", "lr"), out);
    double lambda = a.real("lambda", dflt.lambda(), 0, 1e6, true);
    double alpha = a.real("alpha", dflt.alpha(), 0, 1e6, true);
    int epochs = a.integer("epochs", dflt.epochs(), 1, 1_000_000);
    int steps = a.integer("steps", dflt.steps(), 1, 1_000_000);
    double lr = a.real("lr", dflt.lr(), 1e-12, 1e6, true);
    return new TrainSpec.Pretrain(lambda, alpha, epochs, steps, lr);
  }

  private List<TrainSpec.StageProtocol> protocol(Value v) {
    String text =
        v instanceof Value.Ident i ? i.name() : v instanceof Value.Protocol p ? p.text() : null;
    if (text == null) {
      error(
          v.pos(),
          "protocol must be letters R or U, each optionally followed by '+', found '"
              + Printer.value(v)
              + "'",
          "for example R+R+ or RR");
      return TrainSpec.defaults(convStages).protocol();
    }
    ProtocolSyntax.Result r = ProtocolSyntax.parse(text, convStages);
    if (!r.ok()) {
      ProtocolSyntax.Problem p = r.problem();
      error(
          v.pos().shifted(p.offset(), p.length()),
          "protocol '" + text + "' " + p.message(),
          p.hint());
      return TrainSpec.defaults(convStages).protocol();
    }
    return r.stages();
  }

  private TrainSpec.Optimizer optimizer(Value v, TrainSpec.Optimizer dflt) {
    String kind;
    List<Arg> args;
    if (v instanceof Value.Ident i) {
      kind = i.name();
      args = List.of();
    } else if (v instanceof Value.Call c) {
      kind = c.name();
      args = c.args();
    } else {
      error(
          v.pos(),
          "optimizer must be sgd(...) or adam(...), found '" + Printer.value(v) + "'",
          null);
      return dflt;
    }
    List<Diagnostic> sink = out;
    if (kind.equals("sgd")) {
      ArgReader a =
          new ArgReader(
              "'sgd'", v.pos(), args, List.of("lr", "momentum", "weight_decay", "nesterov"), sink);
      double lr = a.realWithReason("lr", 0.01, 1e-12, 10, true, LR_WHY);
      double momentum =
          a.realWithReason(
              "momentum",
              0.9,
              0,
              1,
              false,
              "momentum 1 or more never forgets a step: the" + " velocity grows without bound");
      double wd = a.realWithReason("weight_decay", 0, 0, 1, true, WD_WHY);
      boolean nesterov = a.bool("nesterov", false);
      if (nesterov && momentum == 0) {
        // torch.optim.SGD refuses it too: Nesterov's look-ahead is along the momentum.
        error(
            a.has("momentum") ? a.posOf("momentum") : v.pos(),
            "sgd(nesterov=true) needs a momentum above 0",
            "for example sgd(lr=0.01, momentum=0.9, nesterov=true)");
        nesterov = false;
      }
      return new TrainSpec.Optimizer(lr, new Sgd(momentum, wd, nesterov));
    }
    if (kind.equals("adam")) {
      ArgReader a =
          new ArgReader(
              "'adam'",
              v.pos(),
              args,
              List.of("lr", "beta1", "beta2", "eps", "weight_decay"),
              sink);
      double lr = a.realWithReason("lr", 0.001, 1e-12, 10, true, LR_WHY);
      double b1 =
          a.realWithReason(
              "beta1", 0.9, 0, 1, false, "a running mean's decay must be below 1 (PyTorch's rule)");
      double b2 =
          a.realWithReason(
              "beta2",
              0.999,
              0,
              1,
              false,
              "a running mean's decay must be below 1 (PyTorch's rule)");
      double eps =
          a.realWithReason(
              "eps",
              1e-8,
              0,
              1,
              false,
              "eps only keeps the divisor above 0; at 1 or more it"
                  + " swamps the gradient's scale");
      double wd = a.realWithReason("weight_decay", 0, 0, 1, true, WD_WHY);
      return new TrainSpec.Optimizer(lr, new Adam(b1, b2, eps, wd));
    }
    error(
        v.pos(),
        "unknown optimizer '" + kind + "'",
        DidYouMean.hint(kind, Set.of("sgd", "adam")) != null
            ? DidYouMean.hint(kind, Set.of("sgd", "adam"))
            : "use sgd(lr=..., momentum=...) or adam(lr=...)");
    return dflt;
  }

  private TrainSpec.Schedule schedule(Value v, TrainSpec.Schedule dflt) {
    String kind =
        v instanceof Value.Ident i ? i.name() : v instanceof Value.Call c ? c.name() : null;
    List<Arg> args = v instanceof Value.Call c ? c.args() : List.of();
    if (kind == null) {
      error(
          v.pos(),
          "schedule must be none, constant, cosine or step(every=E, gamma=G), found '"
              + Printer.value(v)
              + "'",
          null);
      return dflt;
    }
    switch (kind) {
      case "none", "constant", "cosine" -> {
        new ArgReader("'" + kind + "'", v.pos(), args, List.of(), out);
        // 'none' is what --schedule, --help and config.json call a constant rate.
        return new TrainSpec.Schedule(
            kind.equals("cosine")
                ? TrainSpec.Schedule.Kind.COSINE
                : TrainSpec.Schedule.Kind.CONSTANT,
            0,
            0.1);
      }
      case "step" -> {
        ArgReader a = new ArgReader("'step'", v.pos(), args, List.of("every", "gamma"), out);
        if (!a.has("every")) {
          a.missing("every", "step(every=10, gamma=0.1)");
        }
        int every = a.integer("every", 1, 1, 1_000_000);
        double gamma =
            a.realWithReason(
                "gamma",
                0.1,
                1e-12,
                1,
                true,
                "each step multiplies the rate by gamma: above 1 the"
                    + " rate would grow until training diverges");
        return new TrainSpec.Schedule(TrainSpec.Schedule.Kind.STEP, every, gamma);
      }
      default -> {
        String hint = DidYouMean.hint(kind, Set.of("none", "constant", "cosine", "step"));
        error(
            v.pos(),
            "unknown schedule '" + kind + "'",
            hint != null ? hint : "use none (a constant rate), cosine or step(every=E, gamma=G)");
        return dflt;
      }
    }
  }

  private List<TrainSpec.Augmentation> augment(Value v) {
    List<Value> items = v instanceof Value.ListOf l ? l.items() : List.of(v);
    List<TrainSpec.Augmentation> result = new ArrayList<>();
    for (Value item : items) {
      String name =
          item instanceof Value.Ident i ? i.name() : item instanceof Value.Call c ? c.name() : null;
      List<Arg> args = item instanceof Value.Call c ? c.args() : List.of();
      AugmentSteps.Kind kind = name == null ? null : AugmentSteps.kind(name).orElse(null);
      if (kind == null) {
        String found = Printer.value(item);
        String hint = name == null ? null : DidYouMean.hint(name, AugmentSteps.names());
        error(
            item.pos(),
            "unknown augmentation '" + found + "'",
            hint != null ? hint : "use " + AugmentSteps.examples());
        continue;
      }
      String owner = "'" + kind.name() + "'";
      ArgReader a =
          new ArgReader(
              owner,
              item.pos(),
              args,
              kind.params().stream().map(AugmentSteps.Param::name).toList(),
              out);
      List<Double> values = new ArrayList<>();
      boolean ok = true;
      for (AugmentSteps.Param p : kind.params()) {
        Value given = a.value(p.name());
        if (given == null) {
          if (p.required()) {
            a.missing(p.name(), kind.example());
            ok = false;
          }
          values.add(p.dflt());
          continue;
        }
        if (!(given instanceof Value.Num n) || (p.integer() && !n.isInteger())) {
          error(
              given.pos(),
              p.name()
                  + " of "
                  + owner
                  + " must be "
                  + (p.integer() ? "a whole number" : "a number")
                  + ", found '"
                  + Printer.value(given)
                  + "'",
              "for example " + kind.example());
          ok = false;
          values.add(p.dflt());
          continue;
        }
        double d = n.value();
        if (!(d >= p.min() && d <= p.max())) {
          error(
              given.pos(),
              p.name() + " of " + owner + " " + AugmentSteps.bounds(p) + ", found " + n.text(),
              null);
          ok = false;
        }
        values.add(d);
      }
      if (ok && kind.name().equals("scale") && values.get(0) > values.get(1)) {
        error(
            item.pos(),
            "min of 'scale' ("
                + AugmentSteps.fmt(values.get(0))
                + ") is larger than its max ("
                + AugmentSteps.fmt(values.get(1))
                + ")",
            "for example " + kind.example());
        ok = false;
      }
      if (ok) {
        result.add(
            new TrainSpec.Augmentation(AugmentSteps.Step.of(kind.name()).orElseThrow(), values));
      }
    }
    return result;
  }

  /** The steps the runtime applies to each image before training. */
  private static final List<String> PREPROCESS_STEPS =
      List.of("none", "resize", "pad", "standardize", "lcn");

  /**
   * {@code preprocess = STEP} or {@code [STEP, ...]}: resize(HxW), pad(P), standardize, lcn,
   * lcn(WINDOW, SIGMA), or none alone. The bounds are the runtime's (Preprocessing), so what is
   * checked here is what trains.
   */
  private TrainSpec.Preprocess preprocess(Value v) {
    List<Value> items = v instanceof Value.ListOf l ? l.items() : List.of(v);
    int resizeHeight = 0;
    int resizeWidth = 0;
    int pad = 0;
    boolean standardize = false;
    boolean lcn = false;
    int lcnWindow = 9;
    double lcnSigma = 9 / 4.0;
    for (Value item : items) {
      String kind =
          item instanceof Value.Ident i ? i.name() : item instanceof Value.Call c ? c.name() : null;
      List<Arg> args = item instanceof Value.Call c ? c.args() : List.of();
      String owner = "'" + kind + "'";
      switch (kind == null ? "" : kind) {
        case "none" -> {
          new ArgReader(owner, item.pos(), args, List.of(), out);
          if (items.size() > 1) {
            error(
                item.pos(),
                "'none' cannot be combined with other preprocessing steps",
                "leave it out");
          }
        }
        case "standardize", "standardise" -> {
          new ArgReader(owner, item.pos(), args, List.of(), out);
          standardize = true;
        }
        case "pad" -> {
          ArgReader a = new ArgReader(owner, item.pos(), args, List.of("pixels"), out);
          if (!a.has("pixels")) {
            a.missing("pixels", "pad(2)");
          }
          // More padding than 1024 pixels a side would make an image mostly border.
          pad = a.integer("pixels", 1, 1, 1024);
        }
        case "resize" -> {
          ArgReader a = new ArgReader(owner, item.pos(), args, List.of("size"), out);
          if (!a.has("size")) {
            a.missing("size", "resize(32x32)");
          }
          // Larger than 4096 a side would not fit the memory of one run.
          int[] size = a.size("size", new int[] {1, 1}, 4096);
          resizeHeight = size[0];
          resizeWidth = size[1];
        }
        case "lcn" -> {
          ArgReader a = new ArgReader(owner, item.pos(), args, List.of("window", "sigma"), out);
          // A window wider than 255 is a flat Gaussian over any image.
          int window = a.integer("window", 9, 1, 255);
          if (window % 2 == 0) {
            error(
                a.posOf("window"),
                "window of 'lcn' must be odd, found " + window,
                "use " + (window + 1));
          }
          lcn = true;
          lcnWindow = window;
          lcnSigma = a.real("sigma", window / 4.0, 1e-6, 1e6, true);
        }
        default -> {
          String found = Printer.value(item);
          String hint = kind == null ? null : DidYouMean.hint(kind, PREPROCESS_STEPS);
          error(
              item.pos(),
              "unknown preprocessing step '" + found + "'",
              hint != null ? hint : "use resize(HxW), pad(P), standardize, lcn(WINDOW) or none");
        }
      }
    }
    return new TrainSpec.Preprocess(
        resizeHeight, resizeWidth, pad, standardize, lcn, lcnWindow, lcnSigma);
  }
}
