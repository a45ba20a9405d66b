package convnet.runtime.run;

import convnet.autodiff.io.AtomicFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code curves.png}: loss (left) and accuracy (right) per epoch, training and test, drawn with
 * XChart off screen.
 */
public final class Curves {
  static {
    // Charts are drawn into images on machines without a display.
    System.setProperty("java.awt.headless", "true");
  }

  private static final int WIDTH = 560;
  private static final int HEIGHT = 400;

  private Curves() {}

  /** Writes the curves of {@code epochs} as a PNG at {@code file}, atomically. */
  public static void write(java.nio.file.Path file, List<EpochMetrics> epochs, String title)
      throws IOException {
    if (epochs.isEmpty()) {
      throw new IllegalArgumentException("no epochs to plot");
    }
    XYChart loss = chart(title + " — loss", "loss");
    XYChart accuracy = chart(title + " — accuracy", "accuracy (%)");
    series(loss, "train", epochs, m -> m.trainLoss(), 1);
    series(loss, "test", epochs, m -> m.testLoss(), 1);
    series(accuracy, "train", epochs, m -> m.trainAccuracy(), 100);
    series(accuracy, "test", epochs, m -> m.testAccuracy(), 100);
    List<XYChart> charts = List.of(loss, accuracy);
    RunFolder.writing(
        file,
        () ->
            AtomicFiles.writeWith(
                file,
                out ->
                    BitmapEncoder.saveBitmap(charts, 1, 2, out, BitmapEncoder.BitmapFormat.PNG)));
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("epoch")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setDecimalPattern("#.###");
    chart.getStyler().setXAxisDecimalPattern("#");
    return chart;
  }

  private static void series(
      XYChart chart,
      String name,
      List<EpochMetrics> epochs,
      java.util.function.ToDoubleFunction<EpochMetrics> value,
      double scale) {
    List<Integer> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (EpochMetrics m : epochs) {
      double v = value.applyAsDouble(m);
      if (Double.isFinite(v)) {
        x.add(m.epoch());
        y.add(v * scale);
      }
    }
    if (!x.isEmpty()) {
      chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }
  }
}
