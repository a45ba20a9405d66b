package convnet.runtime.see;

import convnet.autodiff.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A grid of {@link Tile}s drawn into one image: rows of tiles, each tile magnified by a whole
 * factor (nearest neighbour, so single weights stay visible as squares), separated by a gap of the
 * background colour.
 */
public final class ImageGrid {
  /** Background between tiles: a dark blue-grey, distinct from any grey level of a tile. */
  public static final int BACKGROUND = 0x2B3440;

  private ImageGrid() {}

  /** A magnification that makes a tile of this size about {@code target} pixels across, 1..16. */
  public static int zoomFor(int height, int width, int target) {
    return Math.max(1, Math.min(16, target / Math.max(height, width)));
  }

  /**
   * Draws {@code rows} (each a list of tiles of one size per row; rows may differ in length) at
   * magnification {@code zoom} with {@code gap} pixels between tiles.
   */
  public static BufferedImage draw(List<List<Tile>> rows, int zoom, int gap) {
    if (rows.isEmpty() || zoom < 1 || gap < 0) {
      throw new IllegalArgumentException("no rows, or zoom " + zoom + ", gap " + gap);
    }
    int cellHeight = 0;
    int cellWidth = 0;
    int columns = 0;
    for (List<Tile> row : rows) {
      columns = Math.max(columns, row.size());
      for (Tile t : row) {
        cellHeight = Math.max(cellHeight, t.height() * zoom);
        cellWidth = Math.max(cellWidth, t.width() * zoom);
      }
    }
    int width = gap + columns * (cellWidth + gap);
    int height = gap + rows.size() * (cellHeight + gap);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, BACKGROUND);
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      List<Tile> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        Tile t = row.get(c);
        int top = gap + r * (cellHeight + gap);
        int left = gap + c * (cellWidth + gap);
        for (int y = 0; y < t.height() * zoom; y++) {
          for (int x = 0; x < t.width() * zoom; x++) {
            image.setRGB(left + x, top + y, t.rgb(y / zoom, x / zoom));
          }
        }
      }
    }
    return image;
  }

  /** The PNG bytes of {@code image}. */
  public static byte[] png(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", bytes)) {
        throw new IllegalStateException("no PNG writer in this Java runtime");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** {@code image} as a {@code data:image/png;base64,…} URL, for a self-contained page. */
  public static String dataUrl(BufferedImage image) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(image));
  }

  /** Writes {@code image} as PNG to {@code file} atomically (a temporary file, then a rename). */
  public static void writePng(Path file, BufferedImage image) throws IOException {
    AtomicFiles.writeBytes(file, png(image));
  }
}
