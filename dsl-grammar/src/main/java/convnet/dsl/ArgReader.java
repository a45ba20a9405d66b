package convnet.dsl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the arguments of one call against the names it accepts, reporting unknown, repeated and
 * ill-typed arguments as diagnostics and returning defaults so checking can go on.
 */
final class ArgReader {
  private final String owner;
  private final SourcePos ownerPos;
  private final List<Diagnostic> out;
  private final Map<String, Arg> byName = new LinkedHashMap<>();

  ArgReader(
      String owner, SourcePos ownerPos, List<Arg> args, List<String> names, List<Diagnostic> out) {
    this.owner = owner;
    this.ownerPos = ownerPos;
    this.out = out;
    int positional = 0;
    boolean sawNamed = false;
    for (Arg a : args) {
      String name;
      if (a.isNamed()) {
        sawNamed = true;
        name = a.name();
        if (!names.contains(name)) {
          out.add(
              Diagnostic.error(
                  a.pos(),
                  "unknown argument '" + name + "' of " + owner,
                  hintOr(DidYouMean.hint(name, names), names)));
          continue;
        }
      } else {
        if (sawNamed) {
          out.add(
              Diagnostic.error(
                  a.pos(),
                  "positional argument after a named one in " + owner,
                  "write positional arguments first"));
          continue;
        }
        if (positional >= names.size()) {
          out.add(
              Diagnostic.error(
                  a.pos(),
                  "too many arguments for " + owner + " (it takes " + names.size() + ")",
                  names.isEmpty()
                      ? owner + " takes no arguments"
                      : "it accepts " + String.join(", ", names)));
          continue;
        }
        name = names.get(positional++);
      }
      if (byName.containsKey(name)) {
        out.add(
            Diagnostic.error(
                a.pos(), "argument '" + name + "' of " + owner + " given twice", null));
        continue;
      }
      byName.put(name, a);
    }
  }

  private static String hintOr(String hint, List<String> names) {
    return hint != null ? hint : names.isEmpty() ? null : "it accepts " + String.join(", ", names);
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  Value value(String name) {
    Arg a = byName.get(name);
    return a == null ? null : a.value();
  }

  SourcePos posOf(String name) {
    Arg a = byName.get(name);
    return a == null ? ownerPos : a.value().pos();
  }

  void missing(String name, String example) {
    out.add(Diagnostic.error(ownerPos, owner + " needs '" + name + "'", "for example " + example));
  }

  /** An integer argument in [min, max]; absent gives {@code dflt}, errors give {@code fallback}. */
  int integer(String name, int dflt, int min, int max) {
    Value v = value(name);
    if (v == null) {
      return dflt;
    }
    return integerOf(v, name + " of " + owner, min, max, out, Math.max(min, Math.min(max, dflt)));
  }

  static int integerOf(Value v, String what, int min, int max, List<Diagnostic> out, int fallback) {
    return integerOf(v, what, min, max, out, fallback, null);
  }

  /**
   * As {@link #integerOf(Value, String, int, int, List, int)}, with the reason for the bounds as
   * the hint.
   */
  static int integerOf(
      Value v, String what, int min, int max, List<Diagnostic> out, int fallback, String why) {
    if (!(v instanceof Value.Num n) || !n.isInteger()) {
      out.add(
          Diagnostic.error(
              v.pos(), what + " must be a whole number, found '" + Printer.value(v) + "'", null));
      return fallback;
    }
    double d = n.value();
    if (d < min || d > max) {
      out.add(
          Diagnostic.error(
              v.pos(),
              what + " must be between " + min + " and " + max + ", found " + n.text(),
              why != null ? why : d > max ? "that is absurdly large" : null));
      return fallback;
    }
    return (int) d;
  }

  double real(String name, double dflt, double min, double max, boolean includeMax) {
    Value v = value(name);
    if (v == null) {
      return dflt;
    }
    return realOf(v, name + " of " + owner, min, max, includeMax, out, dflt);
  }

  /** As {@link #real}, with the reason for the bounds given as the error's hint. */
  double realWithReason(
      String name, double dflt, double min, double max, boolean includeMax, String why) {
    Value v = value(name);
    if (v == null) {
      return dflt;
    }
    return realOf(v, name + " of " + owner, min, max, includeMax, out, dflt, why);
  }

  static double realOf(
      Value v,
      String what,
      double min,
      double max,
      boolean includeMax,
      List<Diagnostic> out,
      double fallback) {
    return realOf(v, what, min, max, includeMax, out, fallback, null);
  }

  static double realOf(
      Value v,
      String what,
      double min,
      double max,
      boolean includeMax,
      List<Diagnostic> out,
      double fallback,
      String why) {
    if (!(v instanceof Value.Num n)) {
      out.add(
          Diagnostic.error(
              v.pos(), what + " must be a number, found '" + Printer.value(v) + "'", null));
      return fallback;
    }
    double d = n.value();
    if (!(d >= min) || (includeMax ? d > max : d >= max)) {
      out.add(
          Diagnostic.error(
              v.pos(),
              what
                  + " must be in ["
                  + fmt(min)
                  + ", "
                  + fmt(max)
                  + (includeMax ? "]" : ")")
                  + ", found "
                  + n.text(),
              why));
      return fallback;
    }
    return d;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** A size given as {@code HxW} or as one number for a square; absent gives {@code dflt}. */
  int[] size(String name, int[] dflt, int max) {
    Value v = value(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Value.Size s) {
      if (s.height() < 1 || s.width() < 1 || s.height() > max || s.width() > max) {
        out.add(
            Diagnostic.error(
                v.pos(),
                name
                    + " of "
                    + owner
                    + " must be between 1 and "
                    + max
                    + " each way, found "
                    + s.height()
                    + "x"
                    + s.width(),
                s.height() < 1 || s.width() < 1
                    ? "a size of 0 covers nothing"
                    : "no map is larger than " + Checker.MAX_DIM + " each way"));
        return new int[] {1, 1};
      }
      return new int[] {s.height(), s.width()};
    }
    int n = integerOf(v, name + " of " + owner, 1, max, out, 1);
    return new int[] {n, n};
  }

  /** Like {@link #size} but 0 is allowed (padding). */
  int[] padding(String name) {
    Value v = value(name);
    if (v == null) {
      return new int[] {0, 0};
    }
    if (v instanceof Value.Size s) {
      return new int[] {s.height(), s.width()};
    }
    int n = integerOf(v, name + " of " + owner, 0, Checker.MAX_DIM, out, 0);
    return new int[] {n, n};
  }

  String word(String name, String dflt, Set<String> allowed) {
    Value v = value(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Value.Ident i) || !allowed.contains(i.name().toLowerCase(Locale.ROOT))) {
      String found = Printer.value(v);
      out.add(
          Diagnostic.error(
              v.pos(),
              name
                  + " of "
                  + owner
                  + " must be one of "
                  + String.join(", ", allowed.stream().sorted().toList())
                  + ", found '"
                  + found
                  + "'",
              DidYouMean.hint(found, allowed)));
      return dflt;
    }
    return i.name().toLowerCase(Locale.ROOT);
  }

  boolean bool(String name, boolean dflt) {
    String w = word(name, dflt ? "true" : "false", Set.of("true", "false"));
    return w.equals("true");
  }
}
