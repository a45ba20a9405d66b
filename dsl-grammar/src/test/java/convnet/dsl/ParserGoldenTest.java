package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: the AST dump of every example, and for every bad input the diagnostics named by its
 * {@code # expect-error:} / {@code # expect-warning:} comments (and their full rendering).
 */
class ParserGoldenTest {
  private static final Pattern EXPECT =
      Pattern.compile("#\\s*expect-(error|warning):\\s*(.*?)\\s*(?=#\\s*expect-|$)");

  static Stream<Path> examples() {
    return GoldenFiles.cnnFiles(GoldenFiles.examplesDir()).stream();
  }

  static Stream<Path> badInputs() {
    return GoldenFiles.cnnFiles(GoldenFiles.goldenDir().resolve("bad")).stream();
  }

  private static String goldenName(Path example) {
    return GoldenFiles.examplesDir()
        .relativize(example)
        .toString()
        .replace('\\', '/')
        .replace('/', '_')
        .replaceAll("\\.cnn$", "");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleAstMatchesGolden(Path example) {
    Program program = DslParser.parse(GoldenFiles.read(example), example.getFileName().toString());
    GoldenFiles.check(
        GoldenFiles.goldenDir().resolve("examples/" + goldenName(example) + ".ast.txt"),
        AstDump.dump(program));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleChecksWithoutDiagnostics(Path example) {
    if (example.getParent().getFileName().toString().equals("sweeps")) {
      // A sweep is checked variant by variant.
      convnet.dsl.sweep.Sweeps.Result s =
          convnet.dsl.sweep.Sweeps.check(
              GoldenFiles.read(example), example.getFileName().toString());
      assertTrue(
          s.ok() && s.diagnostics().isEmpty(),
          () -> s.diagnostics().render(GoldenFiles.read(example)));
      return;
    }
    CheckResult r =
        Checker.checkSource(GoldenFiles.read(example), example.getFileName().toString());
    assertTrue(r.diagnostics().isEmpty(), () -> r.diagnostics().render(GoldenFiles.read(example)));
    assertTrue(r.ok());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void examplePrintsBackToTheSameAst(Path example) {
    Program program = DslParser.parse(GoldenFiles.read(example), "x.cnn");
    String printed = Printer.print(program);
    assertEquals(AstDump.dump(program), AstDump.dump(DslParser.parse(printed, "x.cnn")), printed);
  }

  record Expected(int line, boolean error, String message) {}

  static List<Expected> expectations(String text) {
    List<Expected> result = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = EXPECT.matcher(lines[i]);
      while (m.find()) {
        // Binary test files carry their bad bytes right after the comment: keep printable ASCII
        // only.
        result.add(
            new Expected(
                i + 1,
                m.group(1).equals("error"),
                m.group(2).replaceAll("[^\\x20-\\x7e]", "").trim()));
      }
    }
    return result;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputGivesExpectedDiagnostics(Path bad) {
    byte[] bytes = GoldenFiles.bytes(bad);
    String name = bad.getFileName().toString();
    CheckResult r = Checker.checkBytes(bytes, name);
    // Expectations are read from the raw text, so binary files can carry them too.
    List<Expected> expected = expectations(new String(bytes, StandardCharsets.ISO_8859_1));
    assertFalse(expected.isEmpty(), "no '# expect-error:' comment in " + name);
    String rendered = r.diagnostics().render(new String(bytes, StandardCharsets.UTF_8));
    List<Diagnostic> actual = r.diagnostics().all();
    for (Expected e : expected) {
      assertTrue(
          actual.stream()
              .anyMatch(
                  d ->
                      d.isError() == e.error()
                          && d.pos().line() == e.line()
                          && d.message().contains(e.message())),
          () ->
              name
                  + ": expected "
                  + (e.error() ? "error" : "warning")
                  + " on line "
                  + e.line()
                  + " containing '"
                  + e.message()
                  + "', got:\n"
                  + rendered);
    }
    assertEquals(
        expected.stream().filter(Expected::error).count(),
        r.diagnostics().errors().size(),
        () -> name + ": unexpected extra errors:\n" + rendered);
    assertEquals(
        expected.stream().filter(e -> !e.error()).count(),
        r.diagnostics().warnings().size(),
        () -> name + ": unexpected extra warnings:\n" + rendered);
    assertEquals(expected.stream().anyMatch(Expected::error), !r.ok(), name);
    for (Diagnostic d : actual) {
      assertEquals(name, d.pos().file(), "diagnostics name the file");
      assertTrue(d.pos().line() >= 1 && d.pos().col() >= 1, () -> name + ": position " + d.pos());
    }
    GoldenFiles.check(bad.resolveSibling(name.replaceAll("\\.cnn$", ".err.txt")), rendered);
  }
}
