package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Random token soup, random bytes and mutated examples only ever produce diagnostics. */
class FuzzProperties {
  private static final List<String> TOKENS =
      List.of(
          "network",
          "input",
          "train",
          "fn",
          "define",
          "{",
          "}",
          "(",
          ")",
          "[",
          "]",
          ",",
          ":",
          "=",
          "-",
          "+",
          "*",
          "/",
          "^",
          "\n",
          " ",
          "#c\n",
          "\"s\"",
          "\"",
          "n",
          "x",
          "1x28x28",
          "2x2",
          "5x5",
          "0",
          "1",
          "7",
          "99999999999999",
          "0.5",
          "5e-4",
          "1e999",
          "32F5x5CSG",
          "64F9x9C",
          "8F3x3CS",
          "0F0x0C",
          "Rabs",
          "Rpos",
          "relu",
          "N",
          "N5x5",
          "PA2x2",
          "PM3x3",
          "PA10x10",
          "/5",
          "logistic",
          "conv",
          "maps",
          "kernel",
          "stride",
          "pad",
          "groups",
          "table",
          "random",
          "avgpool",
          "maxpool",
          "round",
          "ceil",
          "dense",
          "dropout",
          "maxout",
          "lrn",
          "mlpconv",
          "abs",
          "tanh",
          "sigmoid",
          "lcn",
          "exp",
          "log",
          "max",
          "data",
          "protocol",
          "R+R+",
          "epochs",
          "batch",
          "optimizer",
          "sgd",
          "augment",
          "flip",
          "seed",
          "@",
          "\t",
          "\u00e9",
          "\r\n");

  /** 400 seeds by default; -Dfuzz.seeds=N runs a longer sweep. */
  static IntStream seeds() {
    return IntStream.rangeClosed(1, Integer.getInteger("fuzz.seeds", 400));
  }

  private static void onlyDiagnostics(byte[] bytes, String what) {
    CheckResult r;
    try {
      r = Checker.checkBytes(bytes, "fuzz.cnn");
      String rendered = r.diagnostics().render(new String(bytes, StandardCharsets.UTF_8));
      assertTrue(r.ok() || !rendered.isEmpty(), what + ": rejected without a diagnostic");
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError(what + ": threw " + e, e);
    }
    assertTrue(r.ok() == (r.network() != null), what);
    for (Diagnostic d : r.diagnostics().all()) {
      assertTrue(d.pos().line() >= 1 && d.pos().col() >= 1, what + ": bad position " + d.pos());
      assertFalse(d.message().isBlank(), what);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void tokenSoupGivesOnlyDiagnostics(int seed) {
    Random random = new Random(seed);
    StringBuilder b = new StringBuilder();
    if (random.nextBoolean()) {
      b.append("network n {\n input 1x16x16\n");
    }
    int n = random.nextInt(60);
    for (int i = 0; i < n; i++) {
      b.append(TOKENS.get(random.nextInt(TOKENS.size())));
      if (random.nextInt(3) == 0) {
        b.append(' ');
      }
    }
    onlyDiagnostics(b.toString().getBytes(StandardCharsets.UTF_8), "seed " + seed + " soup:\n" + b);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomBytesGiveOnlyDiagnostics(int seed) {
    Random random = new Random(seed);
    byte[] bytes = new byte[random.nextInt(200)];
    random.nextBytes(bytes);
    onlyDiagnostics(bytes, "seed " + seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void mutatedNetworksGiveOnlyDiagnostics(int seed) {
    Random random = new Random(seed);
    byte[] bytes =
        RandomArchitectures.generate(random, RandomArchitectures.Options.small())
            .getBytes(StandardCharsets.UTF_8);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits && bytes.length > 0; i++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(3)) {
        case 0 -> bytes[at] = (byte) (32 + random.nextInt(95));
        case 1 -> bytes[at] = (byte) '9';
        default -> {
          byte[] shorter = new byte[bytes.length - 1];
          System.arraycopy(bytes, 0, shorter, 0, at);
          System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
          bytes = shorter;
        }
      }
    }
    onlyDiagnostics(
        bytes, "seed " + seed + " mutated:\n" + new String(bytes, StandardCharsets.UTF_8));
  }

  @org.junit.jupiter.api.Test
  void pathologicalNestingAndExpansionGiveDiagnostics() {
    String parens =
        "fn f(x) = "
            + "(".repeat(50_000)
            + "x"
            + ")".repeat(50_000)
            + "\nnetwork n { input 1x8x8 f }";
    onlyDiagnostics(parens.getBytes(StandardCharsets.UTF_8), "deep parentheses");
    String chain = "fn f(x) = x" + " + x".repeat(50_000) + "\nnetwork n { input 1x8x8 f }";
    onlyDiagnostics(chain.getBytes(StandardCharsets.UTF_8), "long operator chain");
    String minus = "fn f(x) = " + "-".repeat(50_000) + "x\nnetwork n { input 1x8x8 f }";
    onlyDiagnostics(minus.getBytes(StandardCharsets.UTF_8), "long negation chain");
    StringBuilder blocks = new StringBuilder("define d0() = relu - relu\n");
    for (int i = 1; i <= 40; i++) {
      blocks
          .append("define d")
          .append(i)
          .append("() = d")
          .append(i - 1)
          .append("() - d")
          .append(i - 1)
          .append("()\n");
    }
    blocks.append("network n { input 1x8x8 d40() }\n");
    CheckResult r = Checker.checkSource(blocks.toString(), "b.cnn");
    assertTrue(
        r.diagnostics().errors().stream()
            .anyMatch(d -> d.message().contains("more than 100000 layers")),
        r.diagnostics().render(""));
    StringBuilder longStage = new StringBuilder("network n { input 1x8x8 relu");
    longStage.append(" - relu".repeat(5_000)).append(" }");
    assertTrue(
        Checker.checkSource(longStage.toString(), "l.cnn").ok(), "a long flat stage is fine");
  }

  /** Inputs that once broke the front end, kept as regression cases. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "\n\n",
        "}",
        "{",
        "network",
        "network n {}",
        "network n { input 0x0x0 }",
        "network n { input 1x8x8 PA2x2/0 }",
        "network n { input 1x8x8 8F9x9C - logistic 10 }",
        "fn f(x) = ",
        "define d() = d()\nnetwork n { input 1x8x8 d() }",
        "network n { input 1x1x1 maxout(pieces=0) }",
        "network n { input 1x8x8 conv(maps=2, kernel=3, stride=0) }",
        "network n { train { protocol = } }",
        "network n { input 1x8x8 N0x0 - PA0x0 - 0F0x0C }",
        "network n { input 1x8x8 logistic -1 }",
        "network n { input 1x8x8 avgpool(9999999999x2) }",
        "network n { input 1x8x8 PA2x2/1.5 }",
        "network n { input 0x0x0 8F1x1C }"
      })
  void pinnedInputsGiveOnlyDiagnostics(String source) {
    onlyDiagnostics(source.getBytes(StandardCharsets.UTF_8), "pinned input '" + source + "'");
  }
}
