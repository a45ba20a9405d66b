package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convnet augment} and {@code convnet filters}: images written, bad input refused. */
class SeeCommandsTest {
  @TempDir Path dir;

  private static final String NET =
      """
      network small {
          input 1x28x28
          6F5x5C - relu - PM2x2
          logistic 10
          train {
              augment = [flip, rotate(degrees=10)]
          }
      }
      """;

  @Test
  void augmentDrawsOneRowPerImageWithTheOriginalFirst() throws IOException {
    Path png = dir.resolve("grid.png");
    Cli.Run r =
        Cli.run(
            "augment",
            "elastic(sigma=4,alpha=34)",
            "--images",
            "3",
            "--versions",
            "4",
            "--out",
            png);
    assertEquals(0, r.status(), r.toString());
    BufferedImage image = ImageIO.read(png.toFile());
    int zoom = 3;
    assertEquals(3 + 5 * (28 * zoom + 3), image.getWidth());
    assertEquals(3 + 3 * (28 * zoom + 3), image.getHeight());
    // The augmented tile differs from the original beside it.
    boolean differs = false;
    int second = 3 + 28 * zoom + 3;
    for (int y = 3; y < 3 + 28 * zoom && !differs; y++) {
      for (int x = 0; x < 28 * zoom && !differs; x++) {
        differs = image.getRGB(3 + x, y) != image.getRGB(second + x, y);
      }
    }
    assertTrue(differs, "elastic changed nothing");
  }

  @Test
  void augmentReadsTheTrainBlockOfANetworkFile() throws IOException {
    Path net = Cli.write(dir, "small.cnn", NET);
    Path png = dir.resolve("grid.png");
    Cli.Run r =
        Cli.run("augment", net, "--images", "2", "--data", "fashion-mnist-subset", "--out", png);
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().contains("flip,rotate(degrees=10)"), r.out());
    assertTrue(Files.size(png) > 100);
  }

  @Test
  void augmentRefusesBadStepsWithTheBoundAndWritesNothing() {
    Path png = dir.resolve("grid.png");
    Cli.Run r = Cli.run("augment", "crop(pad=99999)", "--out", png);
    assertEquals(2, r.status(), r.toString());
    assertTrue(r.err().contains("between 0 and 32"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(png));
    Cli.Run wide = Cli.run("augment", "crop(pad=20)", "--out", png);
    assertEquals(1, wide.status(), wide.toString());
    assertTrue(wide.err().contains("use at most 14"), wide.err());
    assertFalse(Files.exists(png));
    assertEquals(2, Cli.run("augment", "flip", "--images", "0", "--out", png).status());
  }

  @Test
  void filtersDrawsTheFirstBankAndRefusesOtherLayersByName() throws IOException {
    Path net = Cli.write(dir, "small.cnn", NET);
    Path weights = dir.resolve("w.npz");
    assertEquals(0, Cli.run("init", net, "--seed", "3", "--out", weights).status());
    Path png = dir.resolve("f.png");
    Cli.Run r = Cli.run("filters", net, weights, "--out", png);
    assertEquals(0, r.status(), r.toString());
    BufferedImage image = ImageIO.read(png.toFile());
    // 6 filters of 5x5 in rows of 3, magnified 8 times, 2-pixel gaps.
    assertEquals(2 + 3 * (40 + 2), image.getWidth());
    assertEquals(2 + 2 * (40 + 2), image.getHeight());

    Cli.Run bad = Cli.run("filters", net, weights, "--layer", "L2_relu", "--out", png);
    assertEquals(2, bad.status(), bad.toString());
    assertTrue(bad.err().contains("its filter banks are L1_conv"), bad.err());
    Cli.Run missing =
        Cli.run("filters", net, dir.resolve("nope.npz"), "--out", dir.resolve("g.png"));
    assertEquals(1, missing.status(), missing.toString());
    assertFalse(Files.exists(dir.resolve("g.png")));
    Cli.Run folder = Cli.run("filters", net, dir, "--out", dir.resolve("g.png"));
    assertEquals(1, folder.status(), folder.toString());
    assertTrue(folder.err().contains("weights-final.npz"), folder.err());
  }

  @Test
  void deconvOnATrainedRunDrawsProjectionsAndAddsThePanelToItsReport() throws IOException {
    Path net = Cli.write(dir, "small.cnn", NET);
    Path run = dir.resolve("run");
    Cli.Run trained =
        Cli.run(
            "train",
            net,
            "--data",
            "fashion-mnist-subset",
            "--epochs",
            "1",
            "--batch",
            "32",
            "--limit-train",
            "320",
            "--limit-test",
            "100",
            "--augment",
            "none",
            "--out",
            run);
    assertEquals(0, trained.status(), trained.toString());
    String before = Files.readString(run.resolve("report.html"));
    assertFalse(before.contains("Deconvnet projections"));

    // The filters of the trained run, from the run folder itself.
    Cli.Run filters = Cli.run("filters", net, run, "--out", dir.resolve("filters.png"));
    assertEquals(0, filters.status(), filters.toString());
    assertTrue(filters.out().contains("weights-final.npz"), filters.out());

    Path png = dir.resolve("deconv.png");
    Cli.Run r =
        Cli.run(
            "deconv", net, run, "--layer", "L3_maxpool", "--maps", "3", "--top", "4", "--out", png);
    assertEquals(0, r.status(), r.toString());
    BufferedImage image = ImageIO.read(png.toFile());
    // 3 rows (maps) of 4 projection-and-patch pairs: 8 cells across, each as tall as a row.
    assertEquals(0, (image.getHeight() - 2) % 3, r.out());
    assertEquals(2 + 8 * ((image.getHeight() - 2) / 3), image.getWidth(), r.out());
    assertTrue(Files.isRegularFile(run.resolve("deconv.png")));
    String after = Files.readString(run.resolve("report.html"));
    assertTrue(after.contains("Deconvnet projections of L3_maxpool"), "no panel");
    // A second projection replaces the panel rather than adding another.
    assertEquals(
        0,
        Cli.run("deconv", net, run, "--layer", "L1_conv", "--maps", "2", "--top", "2", "--out", png)
            .status());
    String again = Files.readString(run.resolve("report.html"));
    assertTrue(again.contains("Deconvnet projections of L1_conv"));
    assertEquals(1, again.split("<h2>Deconvnet", -1).length - 1);

    Cli.Run bad = Cli.run("deconv", net, run, "--layer", "L4_logistic", "--out", png);
    assertEquals(2, bad.status(), bad.toString());
    assertTrue(bad.err().contains("choose one of L1_conv, L2_relu, L3_maxpool"), bad.err());
  }
}
