package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Print/parse round trips over generated architectures: parse(print(ast)) equals ast, ignoring
 * positions.
 */
class RoundTripProperties {

  /** 300 seeds by default; -Dfuzz.seeds=N runs a longer sweep. */
  static java.util.stream.IntStream seeds() {
    return java.util.stream.IntStream.rangeClosed(1, Integer.getInteger("fuzz.seeds", 300));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void printThenParseGivesTheSameAst(int seed) {
    Program generated =
        RandomArchitectures.generateProgram(new Random(seed), RandomArchitectures.Options.small());
    String text = Printer.print(generated);
    Program parsed;
    try {
      parsed = DslParser.parse(text, "gen.cnn");
    } catch (DslException e) {
      throw new AssertionError(
          "seed "
              + seed
              + ": printed text does not parse:\n"
              + e.diagnostics().render(text)
              + text);
    }
    assertEquals(AstDump.dump(generated), AstDump.dump(parsed), "seed " + seed + "\n" + text);
    assertEquals(text, Printer.print(parsed), "seed " + seed + ": printing is not stable");
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void generatedArchitecturesAreValid(int seed) {
    String text =
        RandomArchitectures.generate(new Random(seed), RandomArchitectures.Options.small());
    CheckResult r = Checker.checkSource(text, "gen.cnn");
    assertTrue(r.ok(), () -> "seed " + seed + ":\n" + r.diagnostics().render(text) + text);
    assertTrue(r.diagnostics().errors().isEmpty(), "seed " + seed);
    MapShape in = r.network().input();
    assertTrue(
        in.channels() <= 3
            && in.height() >= 8
            && in.height() <= 16
            && in.width() >= 8
            && in.width() <= 16,
        "seed " + seed + ": input " + in);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {7, 42})
  void sameSeedSameNetwork(int seed) {
    assertEquals(
        RandomArchitectures.generate(new Random(seed), RandomArchitectures.Options.small()),
        RandomArchitectures.generate(new Random(seed), RandomArchitectures.Options.small()),
        "seed " + seed);
  }

  @Test
  void generatorCoversEveryLayerKind() {
    Set<LayerKind> seen = EnumSet.noneOf(LayerKind.class);
    for (int seed = 1; seed <= 300; seed++) {
      CheckResult r =
          Checker.checkSource(
              RandomArchitectures.generate(new Random(seed), RandomArchitectures.Options.small()),
              "g");
      r.network().layers().forEach(l -> seen.add(l.kind()));
    }
    assertEquals(EnumSet.allOf(LayerKind.class), seen);
  }

  @Test
  void expressionsPrintWithTheRightPrecedence() {
    String src = "fn f(x) = -x ^ 2 + 3 * (x - 1) / 2 ^ 3 ^ 2\nnetwork n {\n input 1x8x8\n f\n}\n";
    Program p = DslParser.parse(src, "f.cnn");
    Decl.Fn f = (Decl.Fn) p.decls().get(0);
    assertEquals("(+ (neg (^ x 2)) (/ (* 3 (- x 1)) (^ 2 (^ 3 2))))", AstDump.expr(f.body()));
    assertEquals(AstDump.dump(p), AstDump.dump(DslParser.parse(Printer.print(p), "f.cnn")));
  }
}
