package convnet.runtime.see;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.dsl.CheckResult;
import convnet.dsl.Checker;
import convnet.dsl.Network;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pixel tests of filter pictures and the grid they are drawn in. */
class FilterImagesTest {
  private static Network network(String source) {
    CheckResult r = Checker.checkSource(source, "t.cnn");
    if (!r.ok()) {
      throw new AssertionError(r.diagnostics().render(source));
    }
    return r.network();
  }

  @Test
  void aTileMapsItsRangeToBlackAndWhiteAndAFlatTileToGrey() {
    Tile t = Tile.stretched(new float[] {-2, 0, 2, 1}, 1, 2, 2);
    assertEquals(0x000000, t.rgb(0, 0));
    assertEquals(0x808080, t.rgb(0, 1));
    assertEquals(0xFFFFFF, t.rgb(1, 0));
    assertEquals(0xBFBFBF, t.rgb(1, 1));
    Tile flat = Tile.stretched(new float[] {3, 3}, 1, 1, 2);
    assertEquals(0x808080, flat.rgb(0, 1));
    Tile colour = Tile.stretched(new float[] {0, 1, 1, 0, 0, 0}, 3, 1, 2);
    assertEquals(0x00FF00, colour.rgb(0, 0));
    assertEquals(0xFF0000, colour.rgb(0, 1));
  }

  @Test
  void gridPlacesMagnifiedTilesWithGaps() {
    Tile a = Tile.stretched(new float[] {0, 1}, 1, 1, 2);
    BufferedImage image = ImageGrid.draw(List.of(List.of(a, a), List.of(a)), 3, 1);
    // 2 columns of 2*3 = 6 pixels plus 3 gaps; 2 rows of 3 pixels plus 3 gaps.
    assertEquals(1 + 2 * (6 + 1), image.getWidth());
    assertEquals(1 + 2 * (3 + 1), image.getHeight());
    assertEquals(ImageGrid.BACKGROUND, image.getRGB(0, 0) & 0xFFFFFF);
    assertEquals(0x000000, image.getRGB(1, 1) & 0xFFFFFF);
    assertEquals(0x000000, image.getRGB(3, 3) & 0xFFFFFF);
    assertEquals(0xFFFFFF, image.getRGB(4, 1) & 0xFFFFFF);
    assertEquals(0xFFFFFF, image.getRGB(8 + 5, 1) & 0xFFFFFF);
    // The second row has one tile; the place of the second is background.
    assertEquals(ImageGrid.BACKGROUND, image.getRGB(9, 6) & 0xFFFFFF);
    assertEquals(0xFFFFFF, image.getRGB(6, 5) & 0xFFFFFF);
  }

  private static final String NET =
      """
      network t {
          input 1x4x4
          3F2x2C - relu
          2F2x2C - relu
          logistic 2
      }
      """;

  @Test
  void firstBankOneTilePerFilterStretchedEachDeeperOneRowPerMapStretchedPerRow() {
    Network n = network(NET);
    assertEquals(List.of("L1_conv", "L3_conv"), FilterImages.filterLayers(n));
    // Filter f of L1 holds f*10 + (0, 1, 2, 3): each stretched to its own range, so all alike.
    double[] w1 = new double[3 * 4];
    for (int f = 0; f < 3; f++) {
      for (int i = 0; i < 4; i++) {
        w1[f * 4 + i] = f * 10 + i;
      }
    }
    // L3: map 0 sees input 0 with weights 0..3 and input 1..2 with zeros; map 1 all 5.
    double[] w3 = new double[2 * 3 * 4];
    for (int i = 0; i < 4; i++) {
      w3[i] = i;
    }
    java.util.Arrays.fill(w3, 12, 24, 5);
    Map<String, Tensor> weights =
        Map.of(
            "L1_conv.weight",
            Tensor.wrap(Shape.of(3, 1, 2, 2), w1),
            "L3_conv.weight",
            Tensor.wrap(Shape.of(2, 3, 2, 2), w3));
    List<List<Tile>> first = FilterImages.tiles(n, weights, "L1_conv");
    assertEquals(2, first.size(), "3 filters in rows of ceil(sqrt(3)) = 2");
    assertEquals(2, first.get(0).size());
    for (Tile t : List.of(first.get(0).get(0), first.get(0).get(1), first.get(1).get(0))) {
      assertEquals(0x000000, t.rgb(0, 0));
      assertEquals(0xFFFFFF, t.rgb(1, 1));
    }
    List<List<Tile>> deeper = FilterImages.tiles(n, weights, "L3_conv");
    assertEquals(2, deeper.size());
    assertEquals(3, deeper.get(0).size());
    assertEquals(0xFFFFFF, deeper.get(0).get(0).rgb(1, 1));
    // Zeros of inputs 1 and 2 are the minimum of row 0: black, not a stretch of their own.
    assertEquals(0x000000, deeper.get(0).get(1).rgb(1, 1));
    assertEquals(0x808080, deeper.get(1).get(2).rgb(0, 0));
    BufferedImage image = FilterImages.draw(n, weights, "L3_conv");
    int zoom = ImageGrid.zoomFor(2, 2, 40);
    assertEquals(2 + 3 * (2 * zoom + 2), image.getWidth());
    assertThrows(IllegalArgumentException.class, () -> FilterImages.tiles(n, weights, "L2_relu"));
  }
}
