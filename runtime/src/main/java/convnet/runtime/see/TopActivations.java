package convnet.runtime.see;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The strongest activations of some feature maps over a stream of images, as Zeiler &amp; Fergus
 * pick them: per image and map the largest value over all positions (the first in row-major order
 * on ties), then per map the {@code k} images where that value is largest (on equal values the
 * earlier image first), so the k come from k different images.
 */
public final class TopActivations {
  /** One activation: where it is (image index, map, row, column) and its value. */
  public record Hit(int image, int map, int row, int column, double value) {}

  /** Descending value, then ascending image: the order of {@link #top}. */
  public static final Comparator<Hit> ORDER =
      Comparator.comparingDouble(Hit::value).reversed().thenComparingInt(Hit::image);

  private final int maps;
  private final int k;
  private final List<List<Hit>> best = new ArrayList<>();

  /** Keeps the top {@code k} of maps 0..{@code maps}−1. */
  public TopActivations(int maps, int k) {
    if (maps < 1 || k < 1) {
      throw new IllegalArgumentException("maps " + maps + ", k " + k);
    }
    this.maps = maps;
    this.k = k;
    for (int m = 0; m < maps; m++) {
      best.add(new ArrayList<>());
    }
  }

  /**
   * Scans a batch of activations, NCHW with {@code channels ≥ maps} maps of height × width; batch
   * row i is image {@code firstImage + i}, and only the first {@code count} rows count.
   */
  public void scan(
      double[] activations, int firstImage, int count, int channels, int height, int width) {
    int plane = height * width;
    for (int i = 0; i < count; i++) {
      for (int m = 0; m < maps; m++) {
        int base = (i * channels + m) * plane;
        int at = 0;
        for (int p = 1; p < plane; p++) {
          if (activations[base + p] > activations[base + at]) {
            at = p;
          }
        }
        offer(new Hit(firstImage + i, m, at / width, at % width, activations[base + at]));
      }
    }
  }

  private void offer(Hit h) {
    if (Double.isNaN(h.value())) {
      return;
    }
    List<Hit> list = best.get(h.map());
    if (list.size() == k && ORDER.compare(h, list.get(k - 1)) >= 0) {
      return;
    }
    int at = 0;
    while (at < list.size() && ORDER.compare(list.get(at), h) <= 0) {
      at++;
    }
    list.add(at, h);
    if (list.size() > k) {
      list.remove(k);
    }
  }

  /** Map {@code map}'s hits, strongest first (fewer than k when fewer images were scanned). */
  public List<Hit> top(int map) {
    return List.copyOf(best.get(map));
  }
}
