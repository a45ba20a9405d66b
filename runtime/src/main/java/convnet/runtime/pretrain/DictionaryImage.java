package convnet.runtime.pretrain;

import convnet.autodiff.Tensor;
import convnet.autodiff.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A PNG grid of a dictionary [maps, channels, kh, kw]: one tile per filter and input map, rows of
 * filters, each tile scaled by its own largest |value| so that mid grey is 0, white positive and
 * black negative, and enlarged so that small kernels stay visible.
 */
public final class DictionaryImage {
  static {
    // Drawn into memory on machines without a display.
    System.setProperty("java.awt.headless", "true");
  }

  private static final int BORDER = 2;
  private static final int MIN_TILE = 32;

  private DictionaryImage() {}

  /** The grid of {@code dictionary} as an image. */
  public static BufferedImage render(Tensor dictionary) {
    int[] d = dictionary.shape().dims();
    if (d.length != 4) {
      throw new IllegalArgumentException(
          "a dictionary is [maps, channels, kh, kw], not " + dictionary.shape());
    }
    int maps = d[0];
    int channels = d[1];
    int kh = d[2];
    int kw = d[3];
    int scale = Math.max(1, (MIN_TILE + Math.max(kh, kw) - 1) / Math.max(kh, kw));
    int tilesAcross = (int) Math.ceil(Math.sqrt(maps)) * channels;
    int tilesDown = (maps + tilesAcross / channels - 1) / (tilesAcross / channels);
    int width = BORDER + tilesAcross * (kw * scale + BORDER);
    int height = BORDER + tilesDown * (kh * scale + BORDER);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int background = 0x3060A0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, background);
      }
    }
    int perRow = tilesAcross / channels;
    for (int j = 0; j < maps; j++) {
      for (int c = 0; c < channels; c++) {
        int offset = (j * channels + c) * kh * kw;
        double max = 0;
        for (int i = 0; i < kh * kw; i++) {
          max = Math.max(max, Math.abs(dictionary.get(offset + i)));
        }
        int left = BORDER + ((j % perRow) * channels + c) * (kw * scale + BORDER);
        int top = BORDER + (j / perRow) * (kh * scale + BORDER);
        for (int p = 0; p < kh; p++) {
          for (int q = 0; q < kw; q++) {
            double v = max > 0 ? dictionary.get(offset + p * kw + q) / max : 0;
            int grey = (int) Math.round(127.5 + 127.5 * v);
            int rgb = grey << 16 | grey << 8 | grey;
            for (int a = 0; a < scale; a++) {
              for (int b = 0; b < scale; b++) {
                image.setRGB(left + q * scale + b, top + p * scale + a, rgb);
              }
            }
          }
        }
      }
    }
    return image;
  }

  /** Writes the grid of {@code dictionary} as a PNG at {@code file}, atomically. */
  public static void write(Path file, Tensor dictionary) throws IOException {
    BufferedImage image = render(dictionary);
    AtomicFiles.writeWith(
        file,
        out -> {
          if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer in this Java runtime");
          }
        });
  }
}
