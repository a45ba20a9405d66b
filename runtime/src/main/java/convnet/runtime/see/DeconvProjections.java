package convnet.runtime.see;

import convnet.autodiff.Deconvnet;
import convnet.autodiff.Executable;
import convnet.autodiff.Function;
import convnet.autodiff.Graph;
import convnet.autodiff.Shape;
import convnet.autodiff.Tensor;
import convnet.dsl.Layer;
import convnet.dsl.Network;
import convnet.dsl.lower.Lowering;
import convnet.runtime.data.Dataset;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Zeiler &amp; Fergus's Figure 2 for one layer: for each chosen feature map, its strongest
 * activations over a set of images ({@link TopActivations}), each projected back to pixel space by
 * the deconvnet ({@link Deconvnet}: the layer's activation with all others set to zero, sent down
 * through the layers below) and shown beside the image patch that caused it, both cropped to the
 * activation's receptive field ({@link ReceptiveField}).
 */
public final class DeconvProjections {
  private DeconvProjections() {}

  /** How a function is made runnable (a backend's {@code prepare}). */
  @FunctionalInterface
  public interface Preparer {
    /** {@code f}, ready to run. */
    Executable prepare(Function f);
  }

  /** One projection: the activation, its receptive field, the projection and the image (C×H×W). */
  public record Projection(
      TopActivations.Hit hit, ReceptiveField.Box box, float[] projection, float[] image) {}

  /** The network up to and including {@code layer}. */
  static Network prefix(Network network, String layer) {
    List<Layer> layers = network.layers();
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).name().equals(layer)) {
        return new Network(
            network.name(),
            network.input(),
            layers.subList(0, i + 1),
            network.train(),
            network.stages());
      }
    }
    throw new IllegalArgumentException("no layer " + layer + " in " + network.name());
  }

  /**
   * The layers a projection can start from: those with a spatial output, before any dense layer.
   */
  public static List<String> projectable(Network network) {
    List<String> names = new ArrayList<>();
    for (Layer l : network.layers()) {
      if (!ReceptiveField.isSpatial(l)) {
        break;
      }
      names.add(l.name());
    }
    return names;
  }

  /**
   * For maps 0..{@code maps}−1 of {@code layer}, the {@code top} strongest activations over {@code
   * images} of {@code data} (its first ones) and their projections; the forward scan runs {@code
   * batch} images at a time.
   */
  public static List<List<Projection>> compute(
      Network network,
      Map<String, Tensor> weights,
      Dataset data,
      int images,
      String layer,
      int maps,
      int top,
      int batch,
      Preparer preparer) {
    Network prefix = prefix(network, layer);
    int channels = data.channels();
    int height = data.height();
    int width = data.width();
    int size = data.imageSize();
    Graph forward = Lowering.lower(prefix, batch, Lowering.Mode.INFERENCE, false);
    Shape outShape = forward.output(Lowering.OUTPUT).shape();
    int outMaps = outShape.dim(1);
    int outHeight = outShape.dim(2);
    int outWidth = outShape.dim(3);
    int chosen = Math.min(maps, outMaps);
    TopActivations best = new TopActivations(chosen, top);
    Executable scan = preparer.prepare(new Function(network.name() + ".deconv-scan", forward));
    Map<String, Tensor> values = new HashMap<>(weights);
    float[] buffer = new float[batch * size];
    int count = Math.min(images, data.size());
    for (int start = 0; start < count; start += batch) {
      int n = Math.min(batch, count - start);
      java.util.Arrays.fill(buffer, 0f);
      for (int i = 0; i < n; i++) {
        data.copyImage(start + i, buffer, i * size);
      }
      values.put(Lowering.INPUT, Tensor.ofFloats(Shape.of(batch, channels, height, width), buffer));
      double[] out = scan.run(values).get(Lowering.OUTPUT).data();
      best.scan(out, start, n, outMaps, outHeight, outWidth);
    }

    Graph projection =
        Deconvnet.projection(
            Lowering.lower(prefix, top, Lowering.Mode.INFERENCE, false),
            Lowering.OUTPUT,
            Lowering.INPUT);
    Executable project = preparer.prepare(new Function(network.name() + ".deconv", projection));
    Shape seedShape = Shape.of(top, outMaps, outHeight, outWidth);
    List<List<Projection>> rows = new ArrayList<>();
    for (int m = 0; m < chosen; m++) {
      List<TopActivations.Hit> hits = best.top(m);
      float[] x = new float[top * size];
      double[] seed = new double[seedShape.size()];
      for (int i = 0; i < hits.size(); i++) {
        TopActivations.Hit h = hits.get(i);
        data.copyImage(h.image(), x, i * size);
        seed[((i * outMaps + m) * outHeight + h.row()) * outWidth + h.column()] = h.value();
      }
      values.put(Lowering.INPUT, Tensor.ofFloats(Shape.of(top, channels, height, width), x));
      values.put(Deconvnet.SEED, Tensor.wrap(seedShape, seed));
      double[] p = project.run(values).get(Deconvnet.PROJECTION).data();
      List<Projection> row = new ArrayList<>();
      for (int i = 0; i < hits.size(); i++) {
        TopActivations.Hit h = hits.get(i);
        float[] proj = new float[size];
        float[] image = new float[size];
        for (int j = 0; j < size; j++) {
          proj[j] = (float) p[i * size + j];
          image[j] = x[i * size + j];
        }
        row.add(
            new Projection(
                h,
                ReceptiveField.of(prefix.layers(), h.row(), h.column(), height, width),
                proj,
                image));
      }
      rows.add(row);
    }
    return rows;
  }

  /** {@code values} (C×H×W) cut to {@code box}. */
  static float[] crop(float[] values, int channels, int height, int width, ReceptiveField.Box box) {
    float[] out = new float[channels * box.height() * box.width()];
    int k = 0;
    for (int c = 0; c < channels; c++) {
      for (int y = box.top(); y <= box.bottom(); y++) {
        for (int x = box.left(); x <= box.right(); x++) {
          out[k++] = values[(c * height + y) * width + x];
        }
      }
    }
    return out;
  }

  /**
   * One row per map: each projection (stretched to its own range) followed by the image patch under
   * the same receptive field (stretched likewise).
   */
  public static BufferedImage draw(
      List<List<Projection>> rows, int channels, int height, int width) {
    List<List<Tile>> tiles = new ArrayList<>();
    int box = 1;
    for (List<Projection> row : rows) {
      List<Tile> line = new ArrayList<>();
      for (Projection p : row) {
        ReceptiveField.Box b = p.box();
        box = Math.max(box, Math.max(b.height(), b.width()));
        line.add(
            Tile.stretched(
                crop(p.projection(), channels, height, width, b), channels, b.height(), b.width()));
        line.add(
            Tile.stretched(
                crop(p.image(), channels, height, width, b), channels, b.height(), b.width()));
      }
      if (!line.isEmpty()) {
        tiles.add(line);
      }
    }
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException("no projections to draw");
    }
    return ImageGrid.draw(tiles, ImageGrid.zoomFor(box, box, 56), 2);
  }
}
