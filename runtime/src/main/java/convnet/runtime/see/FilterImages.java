package convnet.runtime.see;

import convnet.autodiff.Tensor;
import convnet.dsl.Layer;
import convnet.dsl.LayerArgs;
import convnet.dsl.Network;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pictures of a filter bank's weights, as cuda-convnet's and EBLearn's viewers draw them. The first
 * filter bank of a network on 1- or 3-map input gets one tile per filter, each stretched to its own
 * range, in colour for 3 maps; any other bank gets one row per output map with one grey tile per
 * input map it sees, stretched over the row so that the weights on different inputs compare.
 * Weights are shown as stored ({@code W}, the correlation template the filter matches), not flipped
 * to the convolution kernel.
 */
public final class FilterImages {
  private FilterImages() {}

  /** The names of the layers with a filter bank ({@code weight} of [out, in, h, w]), in order. */
  public static List<String> filterLayers(Network network) {
    return network.layers().stream()
        .filter(l -> l.args() instanceof LayerArgs.Conv)
        .map(Layer::name)
        .toList();
  }

  /** Whether {@code layer} is the first filter bank of {@code network}. */
  public static boolean isFirst(Network network, String layer) {
    List<String> banks = filterLayers(network);
    return !banks.isEmpty() && banks.get(0).equals(layer);
  }

  /** The tiles of {@code layer}'s filters, in rows, as described above. */
  public static List<List<Tile>> tiles(Network network, Map<String, Tensor> weights, String layer) {
    Tensor w = weights.get(layer + ".weight");
    if (w == null || w.shape().rank() != 4) {
      throw new IllegalArgumentException(layer + " has no 4-d weight");
    }
    int out = w.shape().dim(0);
    int in = w.shape().dim(1);
    int kh = w.shape().dim(2);
    int kw = w.shape().dim(3);
    double[] d = w.data();
    List<List<Tile>> rows = new ArrayList<>();
    if (isFirst(network, layer) && (in == 1 || in == 3)) {
      int columns = (int) Math.ceil(Math.sqrt(out));
      List<Tile> row = new ArrayList<>();
      for (int f = 0; f < out; f++) {
        float[] v = new float[in * kh * kw];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) d[f * v.length + i];
        }
        row.add(Tile.stretched(v, in, kh, kw));
        if (row.size() == columns) {
          rows.add(row);
          row = new ArrayList<>();
        }
      }
      if (!row.isEmpty()) {
        rows.add(row);
      }
      return rows;
    }
    int plane = kh * kw;
    for (int f = 0; f < out; f++) {
      float[] all = new float[in * plane];
      for (int i = 0; i < all.length; i++) {
        all[i] = (float) d[f * all.length + i];
      }
      double[] range = Tile.range(all);
      List<Tile> row = new ArrayList<>();
      for (int c = 0; c < in; c++) {
        float[] v = new float[plane];
        System.arraycopy(all, c * plane, v, 0, plane);
        row.add(new Tile(v, 1, kh, kw, range[0], range[1]));
      }
      rows.add(row);
    }
    return rows;
  }

  /** The picture of {@code layer}'s filters, tiles magnified to about 40 pixels. */
  public static BufferedImage draw(Network network, Map<String, Tensor> weights, String layer) {
    List<List<Tile>> rows = tiles(network, weights, layer);
    Tile first = rows.get(0).get(0);
    return ImageGrid.draw(rows, ImageGrid.zoomFor(first.height(), first.width(), 40), 2);
  }
}
