package convnet.dsl.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random grids: the variants of a sweep are exactly the product of its {@code vary} lines,
 * in order (first line slowest), and each variant's network holds its chosen layers.
 */
class GridProperties {
  static final String[] LAYERS = {"Rabs", "tanh", "relu", "PA2x2", "PM2x2", "N", "N3x3"};

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 40);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theVariantsAreTheGridsProduct(long seed) {
    Random r = new Random(seed);
    int axes = 1 + r.nextInt(3);
    List<List<String>> values = new ArrayList<>();
    StringBuilder vary = new StringBuilder();
    StringBuilder line = new StringBuilder("4F3x3C");
    List<String> names = new ArrayList<>();
    for (int a = 0; a < axes; a++) {
      String name = "x" + a;
      names.add(name);
      line.append(" - ").append(name);
      List<String> alternatives = new ArrayList<>();
      int n = 1 + r.nextInt(3);
      while (alternatives.size() < n) {
        String layer = LAYERS[r.nextInt(LAYERS.length)];
        if (!alternatives.contains(layer)) {
          alternatives.add(layer);
        }
      }
      values.add(alternatives);
      vary.append("    vary ")
          .append(name)
          .append(" = ")
          .append(String.join(" | ", alternatives))
          .append('\n');
    }
    // 32x32 keeps every combination valid: after conv and two poolings the maps are 7x7, enough for
    // N (9x9).
    String text =
        "sweep g {\n    input 1x32x32\n    "
            + line
            + "\n    logistic 3\n"
            + vary
            + "    rows = ["
            + String.join(", ", names)
            + "]\n}\n";
    Sweeps.Result result = Sweeps.check(text, "g.cnn");
    assertTrue(result.ok(), () -> "seed " + seed + "\n" + text + result.diagnostics().render(text));
    List<List<String>> expected = new ArrayList<>();
    expected.add(List.of());
    for (List<String> alternatives : values) {
      List<List<String>> next = new ArrayList<>();
      for (List<String> prefix : expected) {
        for (String v : alternatives) {
          List<String> longer = new ArrayList<>(prefix);
          longer.add(v);
          next.add(longer);
        }
      }
      expected = next;
    }
    List<Variant> variants = result.sweep().variants();
    assertEquals(expected.size(), variants.size(), () -> "seed " + seed + "\n" + text);
    for (int k = 0; k < expected.size(); k++) {
      Variant v = variants.get(k);
      assertEquals(k + 1, v.number(), "seed " + seed);
      assertEquals(String.join(" / ", expected.get(k)), v.name(), "seed " + seed);
      String stage = "    4F3x3C - " + String.join(" - ", expected.get(k)) + "\n";
      assertTrue(
          v.source().contains(stage),
          () -> "seed " + seed + ": expected " + stage + " in\n" + v.source());
    }
  }
}
