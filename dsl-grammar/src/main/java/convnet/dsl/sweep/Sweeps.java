package convnet.dsl.sweep;

import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.Decl;
import convnet.dsl.Diagnostic;
import convnet.dsl.Diagnostics;
import convnet.dsl.DidYouMean;
import convnet.dsl.DslException;
import convnet.dsl.Item;
import convnet.dsl.LayerNode;
import convnet.dsl.Printer;
import convnet.dsl.Program;
import convnet.dsl.Setting;
import convnet.dsl.SourcePos;
import convnet.dsl.Stage;
import convnet.dsl.SweepItem;
import convnet.dsl.Value;
import convnet.dsl.parser.Parsing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a sweep file: its settings, its variables, and every variant it expands to, each as an
 * ordinary network through {@link Checker}. A variable is a bare word in the sweep's network body
 * (or in another variable's value) and stands for the layers of its value; positions stay those of
 * the file, so a variant that does not fit its input is reported at the layer that does not fit,
 * naming the variant.
 */
public final class Sweeps {
  /** More variants than this is surely a mistake (and the listing alone would not be readable). */
  public static final int MAX_VARIANTS = 100_000;

  /** The most runs (variants × protocols × seeds) one sweep may ask for. */
  public static final int MAX_RUNS = 1_000_000;

  static final List<String> KEYS =
      List.of("protocols", "seeds", "rows", "columns", "limit_train", "limit_test");
  private static final int MAX_DEPTH = 50;

  private final String file;
  private final List<Diagnostic> out = new ArrayList<>();
  private final Set<String> reported = new HashSet<>();

  private Sweeps(String file) {
    this.file = file;
  }

  /** What checking gives: the sweep (null when there are errors) and every diagnostic. */
  public record Result(Sweep sweep, Diagnostics diagnostics) {
    public boolean ok() {
      return sweep != null && !diagnostics.hasErrors();
    }
  }

  /** Parses and checks a sweep file's text; syntax errors come back as diagnostics. */
  public static Result check(String source, String fileName) {
    String file = fileName == null ? "<input>" : fileName;
    List<Diagnostic> decoding = new ArrayList<>();
    Program program;
    try {
      program = Parsing.parseLenient(source, file, decoding);
    } catch (DslException e) {
      return new Result(null, e.diagnostics());
    }
    Sweeps s = new Sweeps(file);
    s.out.addAll(decoding);
    Sweep sweep = decoding.isEmpty() ? s.run(program) : null;
    Diagnostics d = new Diagnostics(s.out).sorted();
    if (sweep == null && !d.hasErrors()) {
      throw new IllegalStateException("no sweep and no error for " + file);
    }
    return new Result(d.hasErrors() ? null : sweep, d);
  }

  private void error(SourcePos pos, String message, String hint) {
    out.add(Diagnostic.error(pos, message, hint));
  }

  private Sweep run(Program program) {
    List<Decl> library = new ArrayList<>();
    Decl.Sweep sweep = null;
    for (Decl d : program.decls()) {
      if (d instanceof Decl.Sweep s) {
        if (sweep != null) {
          error(
              s.pos(),
              "a file holds one sweep; '" + s.name() + "' is a second one",
              "put each sweep in its own file");
        } else {
          sweep = s;
        }
      } else if (d instanceof Decl.Network n) {
        error(
            n.pos(),
            "network '" + n.name() + "' in a sweep file: the sweep's body is its network",
            "move the network's lines into the sweep and vary its parts with 'vary'");
      } else {
        library.add(d);
      }
    }
    if (sweep == null) {
      error(
          new SourcePos(file, 1, 1, 1),
          "no sweep in this file",
          "a sweep starts with 'sweep NAME {'; to train one network use 'convnet train'");
      return null;
    }
    List<Item> template = new ArrayList<>();
    List<SweepItem.Vary> varies = new ArrayList<>();
    Map<String, Setting> settings = new LinkedHashMap<>();
    for (SweepItem item : sweep.items()) {
      if (item instanceof SweepItem.NetworkItem n) {
        template.add(n.item());
      } else if (item instanceof SweepItem.Vary v) {
        varies.add(v);
      } else {
        Setting s = ((SweepItem.Setting) item).setting();
        if (!KEYS.contains(s.key())) {
          String hint = DidYouMean.hint(s.key(), KEYS);
          error(
              s.pos(),
              "unknown sweep setting '" + s.key() + "'",
              hint != null
                  ? hint
                  : "the settings are "
                      + String.join(", ", KEYS)
                      + "; training settings go in a train { ... } block");
        } else if (settings.containsKey(s.key())) {
          SourcePos first = settings.get(s.key()).pos();
          error(
              s.pos(),
              "'" + s.key() + "' is set twice",
              "first set at " + first.line() + ":" + first.col());
        } else {
          settings.put(s.key(), s);
        }
      }
    }
    Set<String> blocks = new HashSet<>();
    for (Decl d : library) {
      blocks.add(d.name());
    }
    // Variables and their values; every variable belongs to one axis.
    Map<String, SourcePos> declared = new LinkedHashMap<>();
    List<Axis> axes = new ArrayList<>();
    List<SweepItem.Vary> axisVaries = new ArrayList<>();
    for (SweepItem.Vary v : varies) {
      boolean good = true;
      for (int i = 0; i < v.names().size(); i++) {
        String name = v.names().get(i);
        SourcePos p = v.namePositions().get(i);
        if (name.equals(Sweep.PROTOCOL)) {
          error(
              p,
              "'protocol' is not a variable name: the protocols are set with 'protocols = [...]'",
              null);
          good = false;
        } else if (blocks.contains(name) || Checker.isBuiltinLayerName(name)) {
          error(
              p, "variable '" + name + "' has the name of a layer or block", "choose another name");
          good = false;
        } else if (declared.containsKey(name)) {
          SourcePos first = declared.get(name);
          error(
              p,
              "variable '" + name + "' is varied twice",
              "first varied at " + first.line() + ":" + first.col());
          good = false;
        } else {
          declared.put(name, p);
        }
      }
      List<String> labels = new ArrayList<>();
      Map<String, SourcePos> seenLabels = new HashMap<>();
      for (SweepItem.Alternative a : v.alternatives()) {
        if (a.values().size() != v.names().size()) {
          error(
              a.pos(),
              "this alternative has "
                  + a.values().size()
                  + " value"
                  + (a.values().size() == 1 ? "" : "s")
                  + " but 'vary' names "
                  + v.names().size()
                  + " variable"
                  + (v.names().size() == 1 ? "" : "s"),
              v.names().size() == 1
                  ? "write one value (several stage lines go in braces)"
                  : "write ("
                      + String.join(", ", v.names())
                      + ") values in parentheses, one per variable");
          good = false;
        }
        String label =
            a.label() != null
                ? a.label()
                : String.join(", ", a.values().stream().map(Printer::stages).toList());
        SourcePos first = seenLabels.putIfAbsent(label, a.pos());
        if (first != null) {
          error(
              a.pos(),
              "two alternatives are both called '" + label + "'",
              "first at "
                  + first.line()
                  + ":"
                  + first.col()
                  + "; give them different labels (\"label\": value)");
          good = false;
        }
        labels.add(label);
      }
      if (good) {
        axes.add(new Axis(v.names(), labels));
        axisVaries.add(v);
      }
    }
    Map<String, List<Stage>[]> valuesOf = new HashMap<>();
    for (SweepItem.Vary v : axisVaries) {
      for (int i = 0; i < v.names().size(); i++) {
        @SuppressWarnings("unchecked")
        List<Stage>[] values = new List[v.alternatives().size()];
        for (int a = 0; a < values.length; a++) {
          values[a] = v.alternatives().get(a).values().get(i);
        }
        valuesOf.put(v.names().get(i), values);
      }
    }
    // A variable no layer line mentions would vary nothing.
    Set<String> used = new HashSet<>();
    for (Item item : template) {
      if (item instanceof Item.StageItem s) {
        mentions(s.stage(), declared.keySet(), used);
      }
    }
    for (SweepItem.Vary v : varies) {
      for (SweepItem.Alternative a : v.alternatives()) {
        for (List<Stage> value : a.values()) {
          for (Stage st : value) {
            mentions(st, declared.keySet(), used);
          }
        }
      }
    }
    for (Map.Entry<String, SourcePos> e : declared.entrySet()) {
      if (!used.contains(e.getKey())) {
        error(
            e.getValue(),
            "variable '" + e.getKey() + "' is never used",
            "write '"
                + e.getKey()
                + "' where its layers go, e.g. 8F5x5CSG - "
                + e.getKey()
                + " - PA2x2");
      }
    }
    List<String> protocols = protocols(settings.get("protocols"));
    List<Long> seeds = seeds(settings.get("seeds"));
    int limitTrain = limit(settings.get("limit_train"));
    int limitTest = limit(settings.get("limit_test"));
    List<String> rows = tableAxis(settings.get("rows"), declared.keySet(), axes);
    List<String> columns = tableAxis(settings.get("columns"), declared.keySet(), axes);
    Map<Integer, String> placed = new HashMap<>();
    for (String key : List.of("rows", "columns")) {
      List<String> side = key.equals("rows") ? rows : columns;
      Setting where = settings.get(key);
      for (String name : side == null ? List.<String>of() : side) {
        int axis = name.equals(Sweep.PROTOCOL) ? -1 : axisIndex(axes, name);
        String before = placed.putIfAbsent(axis, name);
        if (before != null) {
          error(
              where.pos(),
              "'"
                  + name
                  + "' is already in the table"
                  + (before.equals(name) ? "" : " (as '" + before + "', which varies with it)"),
              "name each variable once, in rows or in columns");
        }
      }
    }
    for (int i = 0; i < axes.size() && rows != null && columns != null; i++) {
      if (axes.get(i).labels().size() > 1 && !placed.containsKey(i)) {
        SweepItem.Vary v = axisVaries.get(i);
        error(
            v.namePositions().get(0),
            "variable '" + v.names().get(0) + "' is varied but is neither in rows nor in columns",
            "add it to 'rows = [...]' or 'columns = [...]'; each table cell averages over seeds only");
      }
    }
    if (protocols != null
        && protocols.size() > 1
        && rows != null
        && columns != null
        && !placed.containsKey(-1)) {
      error(
          settings.get("protocols").pos(),
          "several protocols but 'protocol' is neither in rows nor in columns",
          "add protocol to 'rows = [...]' or 'columns = [...]'");
    }
    if (protocols == null
        || seeds == null
        || rows == null
        || columns == null
        || limitTrain < 0
        || limitTest < 0
        || hasErrors()) {
      return null;
    }
    long count = 1;
    for (Axis a : axes) {
      count *= a.labels().size();
      if (count > MAX_VARIANTS) {
        error(
            sweep.pos(),
            "sweep '" + sweep.name() + "' has more than " + MAX_VARIANTS + " variants",
            "vary fewer things at once");
        return null;
      }
    }
    if (count * protocols.size() * seeds.size() > MAX_RUNS) {
      error(
          sweep.pos(),
          "sweep '"
              + sweep.name()
              + "' asks for "
              + count * protocols.size() * seeds.size()
              + " runs, more than "
              + MAX_RUNS,
          "use fewer variants, protocols or seeds");
      return null;
    }
    List<Variant> variants = new ArrayList<>();
    int[] choice = new int[axes.size()];
    for (int k = 1; k <= count; k++) {
      Variant v = variant(k, choice, axes, valuesOf, template, library, sweep);
      if (v != null) {
        variants.add(v);
        checkProtocols(v, protocols, settings.get("protocols"));
      }
      for (int i = axes.size() - 1; i >= 0; i--) {
        if (++choice[i] < axes.get(i).labels().size()) {
          break;
        }
        choice[i] = 0;
      }
    }
    if (hasErrors()) {
      return null;
    }
    return new Sweep(
        sweep.name(), axes, variants, protocols, seeds, rows, columns, limitTrain, limitTest);
  }

  private boolean hasErrors() {
    return out.stream().anyMatch(Diagnostic::isError);
  }

  private static int axisIndex(List<Axis> axes, String variable) {
    for (int i = 0; i < axes.size(); i++) {
      if (axes.get(i).variables().contains(variable)) {
        return i;
      }
    }
    return -2;
  }

  private static void mentions(Stage stage, Set<String> names, Set<String> used) {
    for (LayerNode l : stage.layers()) {
      if (l instanceof LayerNode.Call c
          && c.form() == LayerNode.Form.BARE
          && names.contains(c.name())) {
        used.add(c.name());
      }
    }
  }

  private Variant variant(
      int number,
      int[] choice,
      List<Axis> axes,
      Map<String, List<Stage>[]> valuesOf,
      List<Item> template,
      List<Decl> library,
      Decl.Sweep sweep) {
    Map<String, List<Stage>> bound = new HashMap<>();
    List<String> labels = new ArrayList<>();
    List<Integer> choices = new ArrayList<>();
    for (int i = 0; i < axes.size(); i++) {
      choices.add(choice[i]);
      labels.add(axes.get(i).labels().get(choice[i]));
      for (String name : axes.get(i).variables()) {
        bound.put(name, valuesOf.get(name)[choice[i]]);
      }
    }
    String name = labels.isEmpty() ? sweep.name() : String.join(" / ", labels);
    int before = out.size();
    List<Item> items = new ArrayList<>();
    for (Item item : template) {
      if (item instanceof Item.StageItem s) {
        for (Stage st : substitute(s.stage(), bound, new ArrayList<>(), name)) {
          items.add(new Item.StageItem(st));
        }
      } else {
        items.add(item);
      }
    }
    if (out.size() > before) {
      return null;
    }
    List<Decl> decls = new ArrayList<>(library);
    decls.add(new Decl.Network(sweep.name(), items, sweep.pos()));
    Program program = new Program(file, decls);
    CheckResult checked = Checker.check(program);
    for (Diagnostic d : checked.diagnostics().all()) {
      report(d, name);
    }
    if (!checked.ok()) {
      return null;
    }
    return new Variant(number, choices, name, checked.network(), Printer.print(program));
  }

  /** Reports a diagnostic of one variant once, naming the first variant it was found in. */
  private void report(Diagnostic d, String variant) {
    String key = d.severity() + "|" + d.pos() + "|" + d.message();
    if (reported.add(key)) {
      out.add(
          new Diagnostic(
              d.severity(), d.pos(), d.message() + " (in variant " + variant + ")", d.hint()));
    }
  }

  /**
   * The stage lines a template line becomes: each bare word that names a variable is replaced by
   * the layers of its value; a value of several lines must stand alone on its line.
   */
  private List<Stage> substitute(
      Stage stage, Map<String, List<Stage>> bound, List<String> active, String variant) {
    if (active.size() > MAX_DEPTH) {
      error(stage.pos(), "variables nested more than " + MAX_DEPTH + " deep", null);
      return List.of();
    }
    List<LayerNode> layers = new ArrayList<>();
    for (LayerNode l : stage.layers()) {
      if (!(l instanceof LayerNode.Call c)
          || c.form() != LayerNode.Form.BARE
          || !bound.containsKey(c.name())) {
        layers.add(l);
        continue;
      }
      if (active.contains(c.name())) {
        reportOnce(
            c.pos(),
            "variable '" + c.name() + "' is used in its own value",
            "a value cannot contain its variable");
        continue;
      }
      if (c.label() != null) {
        reportOnce(
            c.pos(),
            "variable '" + c.name() + "' cannot be named",
            "name the layers inside its values instead");
        continue;
      }
      active.add(c.name());
      List<Stage> expanded = new ArrayList<>();
      for (Stage st : bound.get(c.name())) {
        expanded.addAll(substitute(st, bound, active, variant));
      }
      active.remove(active.size() - 1);
      if (expanded.size() > 1 && stage.layers().size() > 1) {
        reportOnce(
            c.pos(),
            "variable '"
                + c.name()
                + "' holds "
                + expanded.size()
                + " stage lines in variant "
                + variant
                + ", so it must stand alone on its line",
            "write it on a line of its own, or make its value one stage");
        continue;
      }
      if (expanded.size() > 1) {
        return expanded;
      }
      for (Stage st : expanded) {
        layers.addAll(st.layers());
      }
    }
    return layers.isEmpty() ? List.of() : List.of(new Stage(layers, stage.pos()));
  }

  private void reportOnce(SourcePos pos, String message, String hint) {
    if (reported.add("E|" + pos + "|" + message)) {
      error(pos, message, hint);
    }
  }

  private void checkProtocols(Variant v, List<String> protocols, Setting where) {
    for (String p : protocols) {
      int letters = Sweep.letters(p);
      if (letters != 1 && letters != v.convStages() && reported.add("P|" + p)) {
        error(
            where == null ? new SourcePos(file, 1, 1, 1) : where.value().pos(),
            "protocol "
                + p
                + " has "
                + letters
                + " stage letters but variant "
                + v.name()
                + " has "
                + v.convStages()
                + " filter-bank stage"
                + (v.convStages() == 1 ? "" : "s"),
            "write one letter for all stages (R, R+, U, U+) or one per stage");
      }
    }
  }

  private List<String> protocols(Setting s) {
    if (s == null) {
      return List.of("R+");
    }
    List<Value> items = s.value() instanceof Value.ListOf l ? l.items() : List.of(s.value());
    if (items.isEmpty()) {
      error(s.value().pos(), "empty list of protocols", "for example protocols = [R, R+]");
      return null;
    }
    List<String> result = new ArrayList<>();
    for (Value v : items) {
      String text =
          v instanceof Value.Ident i
              ? i.name()
              : v instanceof Value.Protocol p
                  ? p.text()
                  : v instanceof Value.Str str ? str.text() : null;
      if (text == null || !text.matches("([A-Za-z]\\+?)+")) {
        error(
            v.pos(),
            "'" + Printer.value(v) + "' is not a protocol",
            "a protocol is a letter per stage, each optionally"
                + " followed by '+': R, R+, U, U+, R+R");
        return null;
      }
      if (result.contains(text)) {
        error(v.pos(), "protocol " + text + " is listed twice", null);
        return null;
      }
      result.add(text);
    }
    return result;
  }

  private List<Long> seeds(Setting s) {
    if (s == null) {
      return List.of(1L);
    }
    if (s.value() instanceof Value.Num n) {
      if (!n.isInteger() || n.value() < 1 || n.value() > 10_000) {
        error(
            n.pos(),
            "seeds = " + n.text() + ": expected a whole number of seeds from 1 to 10000, or a list",
            "seeds = 3 runs seeds 1, 2 and 3; seeds = [7, 11] runs those two");
        return null;
      }
      List<Long> seeds = new ArrayList<>();
      for (long k = 1; k <= (long) n.value(); k++) {
        seeds.add(k);
      }
      return seeds;
    }
    if (!(s.value() instanceof Value.ListOf l)) {
      error(
          s.value().pos(),
          "seeds = " + Printer.value(s.value()) + ": expected a number of seeds or a list of seeds",
          "for example seeds = 3 or seeds = [7, 11]");
      return null;
    }
    if (l.items().isEmpty()) {
      error(l.pos(), "empty list of seeds", "for example seeds = [1, 2, 3]");
      return null;
    }
    List<Long> seeds = new ArrayList<>();
    for (Value v : l.items()) {
      if (!(v instanceof Value.Num n)
          || !n.isInteger()
          || n.text().length() > 18
          || Long.parseLong(n.text()) < 0) {
        error(v.pos(), "'" + Printer.value(v) + "' is not a seed", "a seed is a whole number >= 0");
        return null;
      }
      long seed = Long.parseLong(n.text());
      if (seeds.contains(seed)) {
        error(v.pos(), "seed " + seed + " is listed twice", null);
        return null;
      }
      seeds.add(seed);
    }
    return seeds;
  }

  private int limit(Setting s) {
    if (s == null) {
      return 0;
    }
    if (!(s.value() instanceof Value.Num n)
        || !n.isInteger()
        || n.value() < 1
        || n.value() > Integer.MAX_VALUE) {
      error(
          s.value().pos(),
          s.key()
              + " = "
              + Printer.value(s.value())
              + ": expected a whole number of images, at least 1",
          "for example " + s.key() + " = 500");
      return -1;
    }
    return Integer.parseInt(n.text());
  }

  private List<String> tableAxis(Setting s, Set<String> variables, List<Axis> axes) {
    if (s == null) {
      return List.of();
    }
    List<Value> items = s.value() instanceof Value.ListOf l ? l.items() : List.of(s.value());
    List<String> names = new ArrayList<>();
    boolean good = true;
    for (Value v : items) {
      if (!(v instanceof Value.Ident i)) {
        error(
            v.pos(),
            "'" + Printer.value(v) + "' in " + s.key() + " is not a variable name",
            "for example " + s.key() + " = [rect, pool]");
        good = false;
        continue;
      }
      if (!i.name().equals(Sweep.PROTOCOL) && !variables.contains(i.name())) {
        List<String> known = new ArrayList<>(variables);
        known.add(Sweep.PROTOCOL);
        String hint = DidYouMean.hint(i.name(), known);
        error(
            i.pos(),
            "'" + i.name() + "' in " + s.key() + " is not a varied variable",
            hint != null ? hint : "the variables are " + String.join(", ", known));
        good = false;
        continue;
      }
      names.add(i.name());
    }
    return good ? names : null;
  }
}
