package convnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.dsl.DataNames;
import convnet.runtime.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code convnet check} prints for every example, as a user sees it (counts, or the error of a
 * train block whose data is not here), and, where the data is missing, the same check with a {@code
 * --data} override. Named data sets are looked for in an empty folder, so the result does not
 * depend on what this machine has installed. Regenerate with {@code -Dgolden.update=true}.
 */
class ExamplesCheckGoldenTest {
  @TempDir static Path emptyRoot;
  private static String savedRoot;

  @BeforeAll
  static void noInstalledDataSets() {
    savedRoot = System.getProperty(DataNames.ROOT_PROPERTY);
    System.setProperty(DataNames.ROOT_PROPERTY, emptyRoot.toString());
  }

  @AfterAll
  static void restore() {
    if (savedRoot == null) {
      System.clearProperty(DataNames.ROOT_PROPERTY);
    } else {
      System.setProperty(DataNames.ROOT_PROPERTY, savedRoot);
    }
  }

  static Stream<Path> files() throws IOException {
    return ExamplesTest.files();
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return "$ convnet " + String.join(" ", args) + "\nexit " + status + "\n" + out + err;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void checkOutputMatchesGolden(Path file) throws IOException {
    Path dir = ExamplesTest.dir();
    String relative = dir.relativize(file).toString().replace('\\', '/');
    String text = run("check", file.toString());
    if (!text.contains("\nexit 0\n")) {
      text += "\n" + run("check", file.toString(), "--data", "fashion-mnist-subset");
    }
    // Machine paths out: the examples folder and the empty data-set root get fixed names.
    text = text.replace(dir + "/", "").replace(emptyRoot.toString(), DataNames.ROOT);
    Path golden =
        dir.resolve(
            "src/test/resources/golden/check/"
                + relative.replace('/', '_').replaceAll("\\.cnn$", ".txt"));
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, text, StandardCharsets.UTF_8);
      return;
    }
    assertEquals(
        Files.readString(golden, StandardCharsets.UTF_8),
        text,
        "golden "
            + golden.getFileName()
            + " (regenerate with -Dgolden.update=true and review the diff)");
  }
}
