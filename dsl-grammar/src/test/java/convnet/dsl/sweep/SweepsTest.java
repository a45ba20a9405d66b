package convnet.dsl.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.dsl.AstDump;
import convnet.dsl.Diagnostic;
import convnet.dsl.DslParser;
import convnet.dsl.Printer;
import convnet.dsl.Program;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sweep form: parsing, printing, expansion into variants, and every bad sweep reported at its
 * place.
 */
class SweepsTest {
  static final String QUICK =
      """
      sweep quick {
          input 1x28x28
          4F5x5CSG - rect - pool
          logistic 10
          train { epochs = 2 }
          vary rect = Rabs | tanh
          vary pool = PA4x4 | PM4x4
          protocols = R+
          seeds = 2
          rows = rect
          columns = pool
      }
      """;

  @Test
  void aGridExpandsToEveryCombinationInOrder() {
    Sweeps.Result r = Sweeps.check(QUICK, "quick.cnn");
    assertTrue(r.ok(), () -> r.diagnostics().render(QUICK));
    Sweep s = r.sweep();
    assertEquals(
        List.of("Rabs / PA4x4", "Rabs / PM4x4", "tanh / PA4x4", "tanh / PM4x4"),
        s.variants().stream().map(Variant::name).toList());
    assertEquals(List.of(1L, 2L), s.seeds());
    assertEquals(8, s.runCount());
    assertTrue(
        s.variants().get(1).source().contains("    4F5x5CSG - Rabs - PM4x4\n"),
        s.variants().get(1).source());
    assertEquals(1, s.variants().get(0).convStages());
  }

  @Test
  void printingASweepParsesBackToTheSameAst() {
    String text =
        QUICK
            + """
        define twice(a) = a - a
        """;
    String withTuple =
        text.replace(
            "vary pool = PA4x4 | PM4x4",
            "vary (pool, extra) = \"avg\": (PA4x4, {}) | (PM4x4, { Rabs  tanh })");
    Program p = DslParser.parse(withTuple, "t.cnn");
    Program again = DslParser.parse(Printer.print(p), "t.cnn");
    assertEquals(AstDump.dump(p), AstDump.dump(again));
  }

  @Test
  void explicitListsVaryTogetherAndValuesMayHoldSeveralStages() {
    String text =
        """
        sweep table {
            input 1x28x28
            stages
            logistic 10
            vary stages = "one": arch | "two": { arch
                                                  arch }
            vary (arch, name) = (4F5x5CSG - Rabs - PA2x2, Rabs) | (4F5x5CSG - PM2x2, tanh)
            protocols = [R, R+]
            rows = [stages, arch]
            columns = protocol
        }
        """;
    String withName = text.replace("\n    logistic 10", "\n    name\n    logistic 10");
    Sweeps.Result r = Sweeps.check(withName, "t.cnn");
    assertTrue(r.ok(), () -> r.diagnostics().render(withName));
    Sweep s = r.sweep();
    assertEquals(4, s.variants().size());
    assertEquals(2, s.variants().get(2).convStages());
    assertEquals("R+R+", Sweep.protocolFor("R+", 2));
    assertTrue(
        s.variants().get(3).source().contains("4F5x5CSG - PM2x2\n    4F5x5CSG - PM2x2\n    tanh\n"),
        s.variants().get(3).source());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " ## ",
      value = {
        "rows = rectt                 ## 10:12 ## in rows is not a varied variable: rectt",
        "seeds = []                   ## 9:13  ## empty list of seeds",
        "protocols = []               ## 8:17  ## empty list of protocols",
        "vary pool = PA4x4 | PA40x40  ## 7:25  ## (in variant Rabs / PA40x40)",
        "columns = protocol           ## 7:10  ## variable 'pool' is varied but is neither in rows nor in columns",
        "vary size = PA2x2 | PM2x2    ## 12:10 ## variable 'size' is never used",
        "protocols = [R+R+]           ## 8:17  ## protocol R+R+ has 2 stage letters but variant Rabs / PA4x4 has 1",
        "seed = 2                     ## 12:5  ## unknown sweep setting 'seed'",
        "vary rect = Rabs | Rabs      ## 6:24  ## two alternatives are both called 'Rabs'",
        "vary (rect) = (Rabs, tanh)   ## 6:19  ## this alternative has 2 values but 'vary' names 1 variable",
      })
  void badSweepsAreReportedAtTheirPlace(String change, String where, String message) {
    String text = apply(QUICK, change.strip());
    Sweeps.Result r = Sweeps.check(text, "q.cnn");
    assertNull(r.sweep(), text);
    List<String> found = r.diagnostics().errors().stream().map(Diagnostic::headline).toList();
    assertTrue(
        found.stream()
            .anyMatch(
                h ->
                    h.startsWith("q.cnn:" + where.strip() + ": error: ")
                        && h.contains(message.strip().split(": ")[0])
                        && h.contains(
                            message.strip().contains(": ") ? message.strip().split(": ")[1] : "")),
        () ->
            found.size()
                + " errors; expected '"
                + message.strip()
                + "' at "
                + where.strip()
                + " in\n"
                + text
                + "\nfound "
                + found);
  }

  /**
   * Replaces the line of QUICK that sets the same thing as {@code line}, or adds it before the last
   * brace.
   */
  private static String apply(String text, String line) {
    String key =
        line.startsWith("vary")
            ? line.substring(0, line.indexOf('=')).replace("(", "").replace(")", "").strip()
            : line.substring(0, line.indexOf('=')).strip();
    StringBuilder b = new StringBuilder();
    boolean replaced = false;
    for (String l : text.split("\n")) {
      String t = l.strip();
      if (!replaced && !t.isEmpty() && (t.startsWith(key + " ") || t.startsWith(key + "="))) {
        b.append("    ").append(line).append('\n');
        replaced = true;
      } else {
        b.append(l).append('\n');
      }
    }
    if (!replaced) {
      int end = b.lastIndexOf("}");
      b.insert(end, "    " + line + "\n");
    }
    return b.toString();
  }

  @Test
  void aFileWithoutASweepSaysSo() {
    Sweeps.Result r = Sweeps.check("network n {\n input 1x8x8\n logistic 2\n}\n", "n.cnn");
    assertTrue(
        r.diagnostics().errors().stream()
            .anyMatch(
                d -> d.message().contains("in a sweep file") || d.message().contains("no sweep")),
        r.diagnostics().toString());
  }
}
