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
  private static final List<String> TOKENS = List.of("network", "input", "train", "fn", "define", "{", "}", "(", ")",
      "[", "]", ",", ":", "=", "-", "+", "*", "/", "^", "\n", " ", "#c\n", "\"s\"", "\"", "n", "x", "1x28x28", "2x2", "5x5",
      "0", "1", "7", "99999999999999", "0.5", "5e-4", "1e999", "32F5x5CSG", "64F9x9C", "8F3x3CS", "0F0x0C", "Rabs",
      "Rpos", "relu", "N", "N5x5", "PA2x2", "PM3x3", "PA10x10", "/5", "logistic", "conv", "maps", "kernel", "stride",
      "pad", "groups", "table", "random", "avgpool", "maxpool", "round", "ceil", "dense", "dropout", "maxout", "lrn",
      "mlpconv", "abs", "tanh", "sigmoid", "lcn", "exp", "log", "max", "data", "protocol", "R+R+", "epochs", "batch",
      "optimizer", "sgd", "augment", "flip", "seed", "@", "\t", "\u00e9", "\r\n");

  static IntStream seeds() {
    return IntStream.rangeClosed(1, 400);
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
    byte[] bytes = RandomArchitectures.generate(random, RandomArchitectures.Options.small()).getBytes(StandardCharsets.UTF_8);
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
    onlyDiagnostics(bytes, "seed " + seed + " mutated:\n" + new String(bytes, StandardCharsets.UTF_8));
  }

  /** Inputs that once broke the front end, kept as regression cases. */
  @ParameterizedTest
  @ValueSource(strings = {"", "\n\n", "}", "{", "network", "network n {}", "network n { input 0x0x0 }",
      "network n { input 1x8x8 PA2x2/0 }", "network n { input 1x8x8 8F9x9C - logistic 10 }",
      "fn f(x) = ", "define d() = d()\nnetwork n { input 1x8x8 d() }", "network n { input 1x1x1 maxout(pieces=0) }",
      "network n { input 1x8x8 conv(maps=2, kernel=3, stride=0) }", "network n { train { protocol = } }",
      "network n { input 1x8x8 N0x0 - PA0x0 - 0F0x0C }", "network n { input 1x8x8 logistic -1 }",
      "network n { input 1x8x8 avgpool(9999999999x2) }"})
  void pinnedInputsGiveOnlyDiagnostics(String source) {
    onlyDiagnostics(source.getBytes(StandardCharsets.UTF_8), "pinned input '" + source + "'");
  }
}
